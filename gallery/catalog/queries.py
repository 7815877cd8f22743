"""The catalogue's questions, so that callers never build SQL themselves."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from gallery.catalog.models import Credit, Event, Person, Photo, User


def photo_by_sha(session: Session, sha256: str) -> Photo | None:
    """Return the photo stored with this content hash, if any."""
    return session.scalar(select(Photo).where(Photo.sha256 == sha256))


def event_by_slug(session: Session, slug: str) -> Event | None:
    """Return the event with this slug, if any."""
    return session.scalar(select(Event).where(Event.slug == slug))


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
