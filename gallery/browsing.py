"""What the pages show: events on a timeline, an event's photos, a photo with its neighbours, a person.

Each function returns plain data with nothing a viewer may not see; the staff-only fields of a
photo (GPS, serial numbers, the full tag dump, the original file name) come only from
:meth:`Browser.photo` when asked for by staff.
"""

from __future__ import annotations

from typing import Any

from gallery.catalog import Catalog, Photo
from gallery.catalog import queries as q
from gallery.errors import NotFound
from gallery.shapes import card, event_info, photo_page


class Browser:
    """Read-only questions the pages ask of the catalogue."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog

    def photo_count(self) -> int:
        """Return how many photos the archive holds."""
        with self.catalog.reading() as session:
            return sum(q.photo_counts(session).values())

    def timeline(self) -> list[dict[str, Any]]:
        """Return events by year, newest first, each with its photo count and cover photo."""
        with self.catalog.reading() as session:
            counts = q.photo_counts(session)
            covers = q.event_covers(session)
            years: dict[int, list[dict[str, Any]]] = {}
            for event in reversed(q.events(session)):
                info = event_info(event)
                info["photos"] = counts.get(event.id, 0)
                info["cover"] = card(covers[event.id]) if event.id in covers else None
                years.setdefault(event.start_date.year, []).append(info)
            return [{"year": year, "events": events} for year, events in years.items()]

    def event_choices(self) -> list[dict[str, str]]:
        """Return every event's slug and title, newest first, for a picker."""
        with self.catalog.reading() as session:
            return [
                {
                    "slug": e.slug,
                    "title": e.title,
                    "date": e.start_date.isoformat(),
                    "photographers": [
                        c.person.display_name for c in e.credits if c.role == "photo"
                    ],
                }
                for e in reversed(q.events(session))
            ]

    def cards(self, ids: list[int]) -> dict[int, dict[str, Any]]:
        """Return the cards of these photos by id (search results show them)."""
        with self.catalog.reading() as session:
            return {p.id: card(p) for p in q.photo_cards(session, ids)} if ids else {}

    def event_titles(self, slugs: list[str]) -> dict[str, str]:
        """Return the titles of these events by slug (facets show titles, not slugs)."""
        with self.catalog.reading() as session:
            return q.event_titles(session, [s for s in slugs if s])

    def uploader(self, photo_id: int) -> str | None:
        """Return the user name of whoever uploaded a photo (None if nobody did), or raise NotFound."""
        with self.catalog.reading() as session:
            photo = session.get(Photo, photo_id)
            if photo is None or photo.deleted_at is not None:
                raise NotFound(f"no photo with id {photo_id}")
            return photo.uploader.username if photo.uploader else None

    def uploaded_by(self, username: str, ids: list[int]) -> set[int]:
        """Return which of these photos ``username`` uploaded (what a photographer may change)."""
        with self.catalog.reading() as session:
            return q.uploaded_by(session, username, ids) if ids else set()

    def recent(self, limit: int = 12) -> list[dict[str, Any]]:
        """Return the photos added last."""
        with self.catalog.reading() as session:
            return [card(p) for p in q.recent_photos(session, limit)]

    def event(self, slug: str) -> dict[str, Any]:
        """Return an event with its photos in the order they were taken."""
        with self.catalog.reading() as session:
            event = q.require_event(session, slug)
            return {**event_info(event), "photos": [card(p) for p in q.photos(session, event.id)]}

    def event_page(self, slug: str) -> dict[str, Any]:
        """Return an event with the grid of its photos: plain rows of what a cell shows, nothing more.

        The page of a 1,000-photo event loads no ORM objects: rows cost a tenth of full photos.
        """
        with self.catalog.reading() as session:
            event = q.require_event(session, slug)
            return {**event_info(event), "photos": q.event_grid(session, event.id)}

    def photo(self, photo_id: int, *, staff: bool) -> dict[str, Any]:
        """Return a photo for its page, with its event and neighbours; staff fields only to staff."""
        with self.catalog.reading() as session:
            photo = session.get(Photo, photo_id)
            if photo is None or photo.deleted_at is not None:
                raise NotFound(f"no photo with id {photo_id}")
            return photo_page(photo, q.event_photo_ids(session, photo.event_id), staff=staff)

    def person(self, person_id: int) -> dict[str, Any]:
        """Return a person and the photos they took, newest event first."""
        with self.catalog.reading() as session:
            person = q.person(session, person_id)
            photos = q.photos_by_photographer(session, person_id)
            return {
                "id": person.id,
                "name": person.display_name,
                "photos": [card(p) for p in photos],
            }
