"""The catalogue's questions, so that callers never build SQL themselves."""

from __future__ import annotations

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, selectinload

from gallery.catalog.models import Credit, Event, Person, Photo, SearchOutbox, User
from gallery.errors import NotFound


def photo_by_sha(session: Session, sha256: str) -> Photo | None:
    """Return the photo stored with this content hash, if any."""
    return session.scalar(select(Photo).where(Photo.sha256 == sha256))


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
        .order_by(Photo.event_id, Photo.taken_local, Photo.id)
    )
    if event_id is not None:
        query = query.where(Photo.event_id == event_id)
    return list(session.scalars(query))


def photo_counts(session: Session) -> dict[int, int]:
    """Return the number of photos of each event, by event id."""
    rows = session.execute(select(Photo.event_id, func.count()).group_by(Photo.event_id))
    return {event_id: count for event_id, count in rows}


def slug_taken(session: Session, slug: str) -> bool:
    """Tell whether an event already uses ``slug``."""
    return session.scalar(select(func.count()).where(Event.slug == slug)) > 0


def is_empty(session: Session) -> bool:
    """Tell whether the catalogue has no events and no photos."""
    return session.scalar(select(func.count(Event.id))) == 0


def outbox(session: Session, limit: int) -> list[SearchOutbox]:
    """Return the oldest changes the search index has not applied yet."""
    return list(session.scalars(select(SearchOutbox).order_by(SearchOutbox.id).limit(limit)))


def clear_outbox(session: Session, rows: list[SearchOutbox]) -> None:
    """Forget these applied changes (by id: rows added meanwhile stay, whatever their id)."""
    ids = [row.id for row in rows]
    for start in range(0, len(ids), 500):
        session.execute(delete(SearchOutbox).where(SearchOutbox.id.in_(ids[start : start + 500])))


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
    """Return the photos with these ids, with what a search document needs loaded."""
    query = (
        select(Photo)
        .where(Photo.id.in_(ids))
        .options(
            selectinload(Photo.event).selectinload(Event.credits).selectinload(Credit.person),
            selectinload(Photo.photographer),
        )
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
    return list(session.scalars(select(Photo.id))), list(session.scalars(select(Event.id)))
