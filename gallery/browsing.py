"""What the pages show: events on a timeline, an event's photos, a photo with its neighbours, a person.

Each function returns plain data with nothing a viewer may not see; the staff-only fields of a
photo (GPS, serial numbers, the full tag dump, the original file name) come only from
:meth:`Browser.photo` when asked for by staff.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from gallery.catalog import CREDIT_ROLES, Catalog, Event, Photo
from gallery.catalog import queries as q
from gallery.errors import NotFound


def card(photo: Photo) -> dict[str, Any]:
    """Return what a thumbnail in a grid needs of a photo."""
    return {
        "id": photo.id,
        "sha256": photo.sha256,
        "width": photo.width,
        "height": photo.height,
        "caption": photo.caption,
        "keywords": list(photo.keywords),
        "photographer": photo.photographer.display_name if photo.photographer else "",
        "photographer_id": photo.photographer_id,
        "taken_at": photo.taken_at,
        "event": photo.event.slug,
        "event_title": photo.event.title,
    }


def credit_line(event: Event) -> list[dict[str, Any]]:
    """Return the event's credits in publication order: [{role, label, names}] (文：… 图：…)."""
    names: dict[str, list[str]] = {}
    for credit in event.credits:
        names.setdefault(credit.role, []).append(credit.person.display_name)
    return [
        {"role": role, "label": CREDIT_ROLES[role], "names": names[role]}
        for role in CREDIT_ROLES
        if role in names
    ]


def event_info(event: Event) -> dict[str, Any]:
    """Return an event's own fields for its page."""
    return {
        "id": event.id,
        "slug": event.slug,
        "title": event.title,
        "kind": event.kind,
        "start_date": event.start_date,
        "end_date": event.end_date,
        "place": event.place,
        "organisers": list(event.organisers),
        "description": event.description,
        "keywords": list(event.keywords),
        "published_at": event.published_at,
        "credits": credit_line(event),
    }


class Browser:
    """Read-only questions the pages ask of the catalogue."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog

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
            ids = q.event_photo_ids(session, photo.event_id)
            at = ids.index(photo.id)
            data = {
                **card(photo),
                "event": event_info(photo.event),
                "camera": " ".join(_unique([photo.camera_make, photo.camera_model])),
                "lens": photo.lens,
                "exposure_time": photo.exposure_time,
                "f_number": photo.f_number,
                "iso": photo.iso,
                "focal_length_mm": photo.focal_length_mm,
                "artist": photo.artist,
                "copyright": photo.copyright,
                "previous": ids[at - 1] if at > 0 else None,
                "next": ids[at + 1] if at + 1 < len(ids) else None,
                "position": at + 1,
                "count": len(ids),
            }
            if staff:
                gps = None
                if photo.gps_lat is not None and photo.gps_lon is not None:
                    gps = {"lat": photo.gps_lat, "lon": photo.gps_lon, "alt": photo.gps_alt}
                data |= {
                    "gps": gps,
                    "tags": dict(photo.tags),
                    "original_name": photo.original_name,
                    "uploader": photo.uploader.username if photo.uploader else None,
                    "warnings": list(photo.warnings),
                    "size_bytes": photo.size_bytes,
                    "ext": photo.ext,
                }
            return data

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


def _unique(parts: Iterable[str]) -> list[str]:
    """Return non-empty parts without one repeating the other (Canon / Canon EOS R5)."""
    kept: list[str] = []
    for part in parts:
        if part and not any(part in k or k in part for k in kept):
            kept.append(part)
    return kept
