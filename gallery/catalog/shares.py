"""Share links for partners: an event (or some of its photos) by a secret link, its visits, guest uploads."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from gallery.catalog.models import Base, Event, utcnow


class ShareLink(Base):
    """A secret link to an event for a partner: until it expires or is revoked."""

    __tablename__ = "share_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str] = mapped_column(String(200), default="")  # whom it is for
    photo_ids: Mapped[list[int]] = mapped_column(JSON, default=list)  # empty: the whole event
    originals: Mapped[bool] = mapped_column(default=False)
    guest_upload: Mapped[bool] = mapped_column(default=False)
    password_hash: Mapped[str | None] = mapped_column(String(200))
    expires_at: Mapped[dt.datetime]
    revoked_at: Mapped[dt.datetime | None]
    created_by: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    event: Mapped[Event] = relationship()


class ShareVisit(Base):
    """One use of a share link: a visit, a download, a guest upload, a wrong password."""

    __tablename__ = "share_visit"

    id: Mapped[int] = mapped_column(primary_key=True)
    link_id: Mapped[int] = mapped_column(
        ForeignKey("share_link.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    action: Mapped[str] = mapped_column(String(20))
    address: Mapped[str] = mapped_column(String(64), default="")
    detail: Mapped[str] = mapped_column(String(300), default="")


class GuestUpload(Base):
    """A photo a partner sent through a share link, waiting in quarantine for an editor."""

    __tablename__ = "guest_upload"

    id: Mapped[int] = mapped_column(primary_key=True)
    link_id: Mapped[int] = mapped_column(
        ForeignKey("share_link.id", ondelete="CASCADE"), index=True
    )
    sha256: Mapped[str] = mapped_column(String(64))
    ext: Mapped[str] = mapped_column(String(10))
    size_bytes: Mapped[int]
    original_name: Mapped[str] = mapped_column(String(500), default="")
    photographer: Mapped[str] = mapped_column(String(200))  # the name the guest gave
    status: Mapped[str] = mapped_column(String(20), default="pending")  # accepted, rejected
    photo_id: Mapped[int | None] = mapped_column(ForeignKey("photo.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    link: Mapped[ShareLink] = relationship()
