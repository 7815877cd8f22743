"""The catalogue's tables: events, people, credits, photos and users."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

#: Credit roles as stored, with the label a publication prints before the names.
CREDIT_ROLES: dict[str, str] = {
    "text": "文",
    "photo": "图",
    "layout": "排版",
    "editor": "责任编辑",
    "review": "审核",
}

#: User roles, from most to least powerful.
USER_ROLES: tuple[str, ...] = ("admin", "editor", "photographer", "viewer")


def utcnow() -> dt.datetime:
    """Return the current UTC time without tzinfo (SQLite stores naive datetimes)."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    """Declarative base of every table."""

    type_annotation_map = {dict[str, Any]: JSON, list[str]: JSON}


class Person(Base):
    """Someone credited: a photographer, a writer, an editor. Not necessarily a user."""

    __tablename__ = "person"

    id: Mapped[int] = mapped_column(primary_key=True)
    display_name: Mapped[str] = mapped_column(String(200))
    # fold()ed name with spaces inside Chinese names removed: 楊 軍, 杨军 and 杨 军 share one key.
    name_key: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Event(Base):
    """An occasion photos belong to: a party-day visit, an academic exchange, a course."""

    __tablename__ = "event"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    title: Mapped[str] = mapped_column(String(500))
    kind: Mapped[str] = mapped_column(String(100), default="")
    start_date: Mapped[dt.date]
    end_date: Mapped[dt.date | None]
    place: Mapped[str] = mapped_column(String(500), default="")
    organisers: Mapped[list[str]] = mapped_column(default=list)
    description: Mapped[str] = mapped_column(Text, default="")
    # Lecture and course titles (the 《》 of its article), and the article as published.
    keywords: Mapped[list[str]] = mapped_column(default=list)
    article: Mapped[str] = mapped_column(Text, default="")
    published_at: Mapped[dt.datetime | None]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    credits: Mapped[list[Credit]] = relationship(
        back_populates="event", order_by="Credit.position", cascade="all, delete-orphan"
    )


class EventSlug(Base):
    """A slug an event had before its slug changed: links made with it redirect to the event."""

    __tablename__ = "event_slug"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Credit(Base):
    """One person credited for an event in one role (文, 图, 排版, 责任编辑, 审核)."""

    __tablename__ = "credit"
    __table_args__ = (UniqueConstraint("event_id", "role", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    # The order names were written in, within the whole credit block.
    position: Mapped[int] = mapped_column(default=0)

    event: Mapped[Event] = relationship(back_populates="credits")
    person: Mapped[Person] = relationship()


class User(Base):
    """Someone who signs in, with one role."""

    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(300))
    role: Mapped[str] = mapped_column(String(20))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    person: Mapped[Person | None] = relationship()


class Photo(Base):
    """One stored original, its metadata as read at import, and what staff wrote about it."""

    __tablename__ = "photo"
    __table_args__ = (Index("ix_photo_event_taken", "event_id", "taken_local"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    # The stored original's extension, from its sniffed content ("jpg", "heic", ...).
    ext: Mapped[str] = mapped_column(String(10))
    # The client's file name, kept as data only, never used as a path.
    original_name: Mapped[str] = mapped_column(String(500), default="")
    size_bytes: Mapped[int]
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id"))
    photographer_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), index=True)
    uploader_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    caption: Mapped[str] = mapped_column(Text, default="")
    keywords: Mapped[list[str]] = mapped_column(default=list)
    # Pixel size as displayed, after orientation.
    width: Mapped[int]
    height: Mapped[int]
    orientation: Mapped[int] = mapped_column(default=1)
    # Wall-clock time the photo was taken, and its UTC offset ("+08:00") when the camera wrote one.
    taken_local: Mapped[dt.datetime | None]
    taken_offset: Mapped[str | None] = mapped_column(String(6))
    # The file gives the day but no time of day (an IPTC or XMP date alone): taken_local is midnight.
    taken_date_only: Mapped[bool] = mapped_column(default=False)
    # Where the date taken came from: "exif" (DateTimeOriginal), "xmp" or "iptc"; "" for none.
    taken_source: Mapped[str] = mapped_column(String(8), default="")
    camera_make: Mapped[str] = mapped_column(String(200), default="")
    camera_model: Mapped[str] = mapped_column(String(200), default="")
    lens: Mapped[str] = mapped_column(String(200), default="")
    exposure_time: Mapped[float | None]
    f_number: Mapped[float | None]
    iso: Mapped[int | None]
    focal_length_mm: Mapped[float | None]
    gps_lat: Mapped[float | None]
    gps_lon: Mapped[float | None]
    gps_alt: Mapped[float | None]
    # EXIF Artist and Copyright as stored; every creator and the copyright notice by the MWG rules.
    artist: Mapped[str] = mapped_column(Text, default="")
    copyright: Mapped[str] = mapped_column(Text, default="")
    creators: Mapped[list[str]] = mapped_column(default=list)
    rights: Mapped[str] = mapped_column(Text, default="")
    description: Mapped[str] = mapped_column(Text, default="")
    warnings: Mapped[list[str]] = mapped_column(default=list)
    # Every tag read, as printable text, for the photo page.
    tags: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # Set when an admin deletes the photo: it waits in the trash, restorable, until purged.
    deleted_at: Mapped[dt.datetime | None] = mapped_column(index=True)

    event: Mapped[Event] = relationship()
    photographer: Mapped[Person | None] = relationship()
    uploader: Mapped[User | None] = relationship()
    # The people shown (records of the archives office), from the left.
    shown: Mapped[list[Any]] = relationship(
        "PhotoPerson", order_by="PhotoPerson.position", viewonly=True
    )

    @property
    def taken_at(self) -> str | None:
        """Return the time taken as ISO 8601, with its offset when known."""
        if self.taken_local is None:
            return None
        if self.taken_date_only:
            return self.taken_local.date().isoformat()
        micro = self.taken_local.microsecond
        spec = "seconds" if not micro else "milliseconds" if micro % 1000 == 0 else "microseconds"
        return self.taken_local.isoformat(timespec=spec) + (self.taken_offset or "")


class ApiToken(Base):
    """A token a script sends as ``Authorization: Bearer``; only its SHA-256 is stored."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100), default="")
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[dt.datetime | None]

    user: Mapped[User] = relationship()


class Change(Base):
    """One recorded change: who changed what, when, from which value to which."""

    __tablename__ = "change"
    __table_args__ = (Index("ix_change_entity", "entity", "entity_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    username: Mapped[str] = mapped_column(String(100), default="")
    entity: Mapped[str] = mapped_column(String(10))
    entity_id: Mapped[int]
    action: Mapped[str] = mapped_column(String(20))
    # field → [before, after]
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)


class Exhibition(Base):
    """A curated sequence of photos, shown in the hall and on display screens."""

    __tablename__ = "exhibition"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    title: Mapped[str] = mapped_column(String(500))
    introduction: Mapped[str] = mapped_column(Text, default="")
    # The dates shown on the title slide, as written ("2024年11月—12月").
    dates_shown: Mapped[str] = mapped_column(String(200), default="")
    # Player settings (seconds, transition, overlay, ...); display links may override them.
    settings: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    items: Mapped[list[ExhibitionItem]] = relationship(
        back_populates="exhibition",
        order_by="ExhibitionItem.position",
        cascade="all, delete-orphan",
    )
    links: Mapped[list[DisplayLink]] = relationship(
        back_populates="exhibition", order_by="DisplayLink.id", cascade="all, delete-orphan"
    )


class ExhibitionItem(Base):
    """One photo in an exhibition, at a position, with an optional caption for this exhibition only."""

    __tablename__ = "exhibition_item"
    __table_args__ = (UniqueConstraint("exhibition_id", "photo_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    exhibition_id: Mapped[int] = mapped_column(
        ForeignKey("exhibition.id", ondelete="CASCADE"), index=True
    )
    photo_id: Mapped[int] = mapped_column(ForeignKey("photo.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    caption: Mapped[str | None] = mapped_column(Text)

    exhibition: Mapped[Exhibition] = relationship(back_populates="items")
    photo: Mapped[Photo] = relationship()


class DisplayLink(Base):
    """A secret link for one display screen: no sign-in, this exhibition only, revocable."""

    __tablename__ = "display_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    exhibition_id: Mapped[int] = mapped_column(
        ForeignKey("exhibition.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # Settings of this screen that differ from the exhibition's (a portrait screen, say).
    settings: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[dt.datetime | None]
    last_seen_at: Mapped[dt.datetime | None]

    exhibition: Mapped[Exhibition] = relationship(back_populates="links")


class SearchOutbox(Base):
    """A change the search index has yet to apply; written in the same transaction as the change."""

    __tablename__ = "search_outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    # "photo", "event" or "person": what changed; the indexer works out which documents that touches.
    entity: Mapped[str] = mapped_column(String(10))
    entity_id: Mapped[int]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # The order in which search indexes apply the row, given once it has committed (see outbox.py);
    # empty until then. Ids are not that order: a transaction may commit after a later id's.
    seq: Mapped[int | None] = mapped_column(BigInteger, unique=True, index=True)


class SearchCursor(Base):
    """How far one search index (a Whoosh folder, or the PostgreSQL search) has applied the outbox.

    The row named "" is the sequencer: its position is the last sequence number given out.
    """

    __tablename__ = "search_cursor"

    consumer: Mapped[str] = mapped_column(String(64), primary_key=True)
    position: Mapped[int] = mapped_column(BigInteger)
    # While a rebuild runs: the position its snapshot started from, so rows after it are kept.
    hold: Mapped[int | None] = mapped_column(BigInteger)
    seen_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
