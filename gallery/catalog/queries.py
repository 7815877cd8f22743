"""The catalogue's questions, so that callers never build SQL themselves."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from gallery.catalog.models import (
    ApiToken,
    Change,
    Credit,
    DisplayLink,
    Event,
    EventSlug,
    Exhibition,
    ExhibitionItem,
    Person,
    Photo,
    User,
)
from gallery.errors import NotFound


def photo_by_sha(session: Session, sha256: str) -> Photo | None:
    """Return the photo stored with this content hash, if any."""
    return session.scalar(select(Photo).where(Photo.sha256 == sha256))


def stored_photos(session: Session) -> list[tuple[int, str, str, int]]:
    """Return (id, sha256, ext, orientation) of every photo whose files are kept, trashed ones too."""
    query = select(Photo.id, Photo.sha256, Photo.ext, Photo.orientation).order_by(Photo.id)
    return [tuple(row) for row in session.execute(query)]


def holds_sha(session: Session, sha256: str) -> bool:
    """Tell whether a photo row, trashed or not, names this content hash."""
    return session.scalar(select(Photo.id).where(Photo.sha256 == sha256)) is not None


def event_by_slug(session: Session, slug: str) -> Event | None:
    """Return the event with this slug, if any."""
    return session.scalar(select(Event).where(Event.slug == slug))


def require_event(session: Session, slug: str) -> Event:
    """Return the event with this slug, or raise :class:`NotFound`."""
    event = event_by_slug(session, slug)
    if event is None:
        raise NotFound(f"no event with the slug {slug!r}")
    return event


def person_by_key(session: Session, key: str) -> Person | None:
    """Return the person with this normalised name key, if any."""
    return session.scalar(select(Person).where(Person.name_key == key))


def person_for_key(session: Session, key: str, display_name: str) -> Person:
    """Return the person with this name key, creating them if nobody has it yet.

    Two transactions may create the same new person at once (PostgreSQL does not serialise writers
    as SQLite's BEGIN IMMEDIATE does): the insert runs in a savepoint, and the one that loses the
    race waits for the winner's commit, then finds their row.
    """
    person = person_by_key(session, key)
    if person is not None:
        return person
    try:
        with session.begin_nested():
            person = Person(display_name=display_name, name_key=key)
            session.add(person)
    except IntegrityError:
        person = person_by_key(session, key)
        if person is None:
            raise
    return person


def user_by_name(session: Session, username: str) -> User | None:
    """Return the user with this user name, if any."""
    return session.scalar(select(User).where(User.username == username))


def events(session: Session) -> list[Event]:
    """Return every event, oldest first."""
    query = select(Event).options(selectinload(Event.credits).selectinload(Credit.person))
    return list(session.scalars(query.order_by(Event.start_date, Event.id)))


def photos(session: Session, event_id: int | None = None) -> list[Photo]:
    """Return the photos of one event, or all, in the order they were taken."""
    query = (
        select(Photo)
        .options(
            selectinload(Photo.event),
            selectinload(Photo.photographer),
            selectinload(Photo.uploader),
        )
        .where(Photo.deleted_at.is_(None))
        .order_by(Photo.event_id, Photo.taken_local.asc().nulls_last(), Photo.id)
    )
    if event_id is not None:
        query = query.where(Photo.event_id == event_id)
    return list(session.scalars(query))


def event_grid(session: Session, event_id: int) -> list[dict]:
    """Return the grid of an event as plain rows, in the order taken: only the columns a cell shows."""
    query = (
        select(
            Photo.id,
            Photo.sha256,
            Photo.width,
            Photo.height,
            Photo.caption,
            func.coalesce(Person.display_name, "").label("photographer"),
        )
        .outerjoin(Person, Photo.photographer_id == Person.id)
        .where(Photo.event_id == event_id, Photo.deleted_at.is_(None))
        .order_by(Photo.taken_local.asc().nulls_last(), Photo.id)
    )
    return [dict(row) for row in session.execute(query).mappings()]


def photo_counts(session: Session) -> dict[int, int]:
    """Return the number of photos of each event, by event id."""
    query = select(Photo.event_id, func.count()).where(Photo.deleted_at.is_(None))
    rows = session.execute(query.group_by(Photo.event_id))
    return {event_id: count for event_id, count in rows}


def slug_taken(session: Session, slug: str) -> bool:
    """Tell whether an event uses ``slug``, now or before (an old slug keeps redirecting)."""
    return slug_owner(session, slug) is not None


def slug_owner(session: Session, slug: str) -> int | None:
    """Return the id of the event whose slug, current or earlier, is ``slug``."""
    current = session.scalar(select(Event.id).where(Event.slug == slug))
    if current is not None:
        return current
    return session.scalar(select(EventSlug.event_id).where(EventSlug.slug == slug))


def earlier_slug(session: Session, slug: str) -> EventSlug | None:
    """Return the record of ``slug`` as an event's earlier slug, if it is one."""
    return session.scalar(select(EventSlug).where(EventSlug.slug == slug))


def earlier_slugs(session: Session, event_id: int) -> list[EventSlug]:
    """Return an event's earlier slugs, oldest first."""
    query = select(EventSlug).where(EventSlug.event_id == event_id).order_by(EventSlug.id)
    return list(session.scalars(query))


def all_event_photos(session: Session, event_id: int) -> list[Photo]:
    """Return every photo of an event, those in the trash too."""
    query = select(Photo).where(Photo.event_id == event_id).order_by(Photo.id)
    return list(session.scalars(query))


def is_empty(session: Session) -> bool:
    """Tell whether the catalogue has no events and no photos."""
    return session.scalar(select(func.count(Event.id))) == 0


def photo_ids(session: Session, *, event_ids=(), person_ids=()) -> set[int]:
    """Return the ids of photos in these events or by these photographers."""
    ids: set[int] = set()
    if event_ids:
        ids |= set(session.scalars(select(Photo.id).where(Photo.event_id.in_(event_ids))))
    if person_ids:
        ids |= set(session.scalars(select(Photo.id).where(Photo.photographer_id.in_(person_ids))))
    return ids


def credited_event_ids(session: Session, person_ids) -> set[int]:
    """Return the ids of events that credit any of these people."""
    query = select(Credit.event_id).where(Credit.person_id.in_(person_ids))
    return set(session.scalars(query))


def photos_by_id(session: Session, ids) -> list[Photo]:
    """Return the photos with these ids (not in the trash), with what a search document needs."""
    query = (
        select(Photo)
        .where(Photo.id.in_(ids), Photo.deleted_at.is_(None))
        .options(
            selectinload(Photo.event).selectinload(Event.credits).selectinload(Credit.person),
            selectinload(Photo.photographer),
        )
    )
    return list(session.scalars(query))


def photos_for_edit(session: Session, ids) -> list[Photo]:
    """Return the photos with these ids (not in the trash), with what an edit compares and checks."""
    query = (
        select(Photo)
        .where(Photo.id.in_(ids), Photo.deleted_at.is_(None))
        .options(
            selectinload(Photo.event),
            selectinload(Photo.photographer),
            selectinload(Photo.uploader),
        )
    )
    return list(session.scalars(query))


def uploaded_by(session: Session, username: str, ids) -> set[int]:
    """Return which of these photos the user ``username`` uploaded."""
    query = (
        select(Photo.id)
        .join(User, Photo.uploader_id == User.id)
        .where(User.username == username, Photo.id.in_(ids))
    )
    return set(session.scalars(query))


def photo_cards(session: Session, ids) -> list[Photo]:
    """Return the photos with these ids (not in the trash), with their event and photographer."""
    query = (
        select(Photo)
        .where(Photo.id.in_(ids), Photo.deleted_at.is_(None))
        .options(selectinload(Photo.event), selectinload(Photo.photographer))
    )
    return list(session.scalars(query))


def events_by_id(session: Session, ids) -> list[Event]:
    """Return the events with these ids, credits loaded."""
    query = select(Event).where(Event.id.in_(ids))
    return list(
        session.scalars(query.options(selectinload(Event.credits).selectinload(Credit.person)))
    )


def all_ids(session: Session) -> tuple[list[int], list[int]]:
    """Return the ids of every photo and every event."""
    photo_ids = session.scalars(select(Photo.id).where(Photo.deleted_at.is_(None)))
    return list(photo_ids), list(session.scalars(select(Event.id)))


def users(session: Session) -> list[User]:
    """Return every user, by name."""
    return list(session.scalars(select(User).order_by(User.username)))


def tokens(session: Session, user_id: int | None = None) -> list[ApiToken]:
    """Return the API tokens (of one user, or all), newest first, with their users."""
    query = select(ApiToken).options(selectinload(ApiToken.user))
    if user_id is not None:
        query = query.where(ApiToken.user_id == user_id)
    return list(session.scalars(query.order_by(ApiToken.id.desc())))


def forget_uploader(session: Session, user_id: int) -> None:
    """Keep a user's photos when the user goes: they no longer name an uploader."""
    session.execute(update(Photo).where(Photo.uploader_id == user_id).values(uploader_id=None))


def token_by_hash(session: Session, token_hash: str) -> ApiToken | None:
    """Return the API token with this hash."""
    return session.scalar(select(ApiToken).where(ApiToken.token_hash == token_hash))


def trashed(session: Session) -> list[Photo]:
    """Return the photos in the trash, newest deletion first."""
    query = select(Photo).where(Photo.deleted_at.is_not(None)).options(selectinload(Photo.event))
    return list(session.scalars(query.order_by(Photo.deleted_at.desc())))


def changes(session: Session, entity: str, entity_id: int) -> list[Change]:
    """Return the recorded changes of one thing, oldest first."""
    query = select(Change).where(Change.entity == entity, Change.entity_id == entity_id)
    return list(session.scalars(query.order_by(Change.id)))


def event_covers(session: Session) -> dict[int, Photo]:
    """Return each event's cover: its first photo taken."""
    order = func.row_number().over(
        partition_by=Photo.event_id, order_by=(Photo.taken_local.asc().nulls_last(), Photo.id)
    )
    ranked = select(Photo.id, order.label("n")).where(Photo.deleted_at.is_(None)).subquery()
    query = (
        select(Photo)
        .join(ranked, Photo.id == ranked.c.id)
        .where(ranked.c.n == 1)
        .options(selectinload(Photo.event), selectinload(Photo.photographer))
    )
    return {photo.event_id: photo for photo in session.scalars(query)}


def event_photo_ids(session: Session, event_id: int) -> list[int]:
    """Return the ids of an event's photos in the order they were taken."""
    query = select(Photo.id).where(Photo.event_id == event_id, Photo.deleted_at.is_(None))
    return list(session.scalars(query.order_by(Photo.taken_local.asc().nulls_last(), Photo.id)))


def recent_photos(session: Session, limit: int) -> list[Photo]:
    """Return the photos added last, newest first."""
    query = (
        select(Photo)
        .where(Photo.deleted_at.is_(None))
        .options(selectinload(Photo.event), selectinload(Photo.photographer))
        .order_by(Photo.id.desc())
        .limit(limit)
    )
    return list(session.scalars(query))


def person(session: Session, person_id: int) -> Person:
    """Return the person with this id, or raise NotFound."""
    found = session.get(Person, person_id)
    if found is None:
        raise NotFound(f"no person with id {person_id}")
    return found


def photos_by_photographer(session: Session, person_id: int) -> list[Photo]:
    """Return a photographer's photos, newest event first, in the order taken within each."""
    query = (
        select(Photo)
        .join(Photo.event)
        .where(Photo.photographer_id == person_id, Photo.deleted_at.is_(None))
        .options(selectinload(Photo.event), selectinload(Photo.photographer))
        .order_by(
            Event.start_date.desc(), Photo.event_id, Photo.taken_local.asc().nulls_last(), Photo.id
        )
    )
    return list(session.scalars(query))


def exhibitions(session: Session) -> list[Exhibition]:
    """Return every exhibition, newest first, items and links loaded."""
    query = select(Exhibition).options(
        selectinload(Exhibition.items), selectinload(Exhibition.links)
    )
    return list(session.scalars(query.order_by(Exhibition.id.desc())))


def exhibition_by_slug(session: Session, slug: str) -> Exhibition | None:
    """Return the exhibition with this slug."""
    return session.scalar(select(Exhibition).where(Exhibition.slug == slug))


def require_exhibition(session: Session, slug: str) -> Exhibition:
    """Return the exhibition with this slug, its photos loaded, or raise NotFound."""
    query = (
        select(Exhibition)
        .where(Exhibition.slug == slug)
        .options(
            selectinload(Exhibition.items)
            .selectinload(ExhibitionItem.photo)
            .options(selectinload(Photo.event), selectinload(Photo.photographer)),
            selectinload(Exhibition.links),
        )
    )
    exhibition = session.scalar(query)
    if exhibition is None:
        raise NotFound(f"no exhibition {slug!r}")
    return exhibition


def display_link(session: Session, token_hash: str) -> DisplayLink | None:
    """Return the display link with this token hash, its exhibition's photos loaded."""
    query = (
        select(DisplayLink)
        .where(DisplayLink.token_hash == token_hash)
        .options(
            selectinload(DisplayLink.exhibition)
            .selectinload(Exhibition.items)
            .selectinload(ExhibitionItem.photo)
            .options(selectinload(Photo.event), selectinload(Photo.photographer))
        )
    )
    return session.scalar(query)


def exhibition_shows(session: Session, exhibition_id: int, sha256: str) -> bool:
    """Tell whether an exhibition holds the photo with this hash, not in the trash."""
    query = (
        select(func.count())
        .select_from(ExhibitionItem)
        .join(Photo, Photo.id == ExhibitionItem.photo_id)
        .where(
            ExhibitionItem.exhibition_id == exhibition_id,
            Photo.sha256 == sha256,
            Photo.deleted_at.is_(None),
        )
    )
    return session.scalar(query) > 0


def event_titles(session: Session, slugs: list[str]) -> dict[str, str]:
    """Return the titles of the events with these slugs."""
    if not slugs:
        return {}
    rows = session.execute(select(Event.slug, Event.title).where(Event.slug.in_(slugs)))
    return {slug: title for slug, title in rows}


def record_edit(
    session: Session,
    user: str,
    entity: str,
    entity_id: int,
    before: dict[str, Any],
    after: dict[str, Any],
) -> bool:
    """Record an edit as the fields that changed, before and after; tell whether any did."""
    details = {k: [before[k], after[k]] for k in before if before[k] != after[k]}
    if details:
        session.add(
            Change(
                username=user, entity=entity, entity_id=entity_id, action="edit", details=details
            )
        )
    return bool(details)
