"""The outward shapes of the domain rows: one definition each, each built from the one before.

The ORM rows (:mod:`gallery.catalog.models`) are the domain model. What leaves the archive — a grid
card, a photo page for a viewer or for staff, an export record, an event's page info and its export
record — is built here and nowhere else, so a field is added in one place.

    card ─► photo_page (+ staff fields)        event_info ─► event_record (dates as text)
    card ─► photo_record (the export / backup / JSON answer)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from gallery.catalog import CREDIT_ROLES, Event, Photo
from gallery.media_store import MediaStore


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
    """Return an event's own fields for its page (dates as dates)."""
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


def event_record(event: Event) -> dict[str, Any]:
    """Return an event as exported: its page info with dates as text, and the article."""
    info = event_info(event)
    del info["id"]
    return {
        **info,
        "start_date": event.start_date.isoformat(),
        "end_date": event.end_date.isoformat() if event.end_date else None,
        "published_at": event.published_at.isoformat(sep=" ") if event.published_at else None,
        "article": event.article,
    }


def card(photo: Photo) -> dict[str, Any]:
    """Return what a thumbnail in a grid needs of a photo (nothing staff-only)."""
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
        "event_date": photo.event.start_date,
    }


def gps(photo: Photo) -> dict[str, Any] | None:
    """Return where a photo was taken, or None (staff only); an altitude alone is reported too."""
    if (photo.gps_lat is None or photo.gps_lon is None) and photo.gps_alt is None:
        return None
    return {"lat": photo.gps_lat, "lon": photo.gps_lon, "alt": photo.gps_alt}


def photo_page(photo: Photo, neighbours: list[int], *, staff: bool) -> dict[str, Any]:
    """Return a photo for its page: its card, event, camera and place among ``neighbours``.

    Staff-only fields (GPS, the tag dump, the original file name, warnings) only when ``staff``.
    """
    at = neighbours.index(photo.id)
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
        "copyright": photo.rights or photo.copyright,
        "previous": neighbours[at - 1] if at > 0 else None,
        "next": neighbours[at + 1] if at + 1 < len(neighbours) else None,
        "position": at + 1,
        "count": len(neighbours),
    }
    if staff:
        data |= {
            "gps": gps(photo),
            "tags": dict(photo.tags),
            "original_name": photo.original_name,
            "uploader": photo.uploader.username if photo.uploader else None,
            "warnings": list(photo.warnings),
            "size_bytes": photo.size_bytes,
            "ext": photo.ext,
        }
    return data


def photo_record(photo: Photo, store: MediaStore, sizes: Mapping[str, int]) -> dict[str, Any]:
    """Return a photo as exported (the JSON backup format and the API's photo): every field."""
    record = card(photo)
    for key in ("event_title", "event_date", "photographer_id"):
        del record[key]
    return {
        **record,
        "photographer": photo.photographer.display_name if photo.photographer else None,
        "original_name": photo.original_name,
        "uploader": photo.uploader.username if photo.uploader else None,
        "orientation": photo.orientation,
        "taken_source": photo.taken_source,
        "camera_make": photo.camera_make,
        "camera_model": photo.camera_model,
        "lens": photo.lens,
        "exposure_time": photo.exposure_time,
        "f_number": photo.f_number,
        "iso": photo.iso,
        "focal_length_mm": photo.focal_length_mm,
        "gps": gps(photo),
        "creators": photo.creators,
        "artist": photo.artist,
        "copyright": photo.copyright,
        "rights": photo.rights,
        "description": photo.description,
        "warnings": photo.warnings,
        "size_bytes": photo.size_bytes,
        "original": store.relative(store.original_path(photo.sha256, photo.ext)),
        "derivatives": {
            name: store.relative(store.derived_path(name, photo.sha256)) for name in sizes
        },
    }


def _unique(parts: Iterable[str]) -> list[str]:
    """Return non-empty parts without one repeating the other (Canon / Canon EOS R5)."""
    kept: list[str] = []
    for part in parts:
        if part and not any(part in k or k in part for k in kept):
            kept.append(part)
    return kept
