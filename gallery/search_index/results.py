"""What a search returns: one page of hits, the total and the facet counts."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from gallery.highlight import highlight


@dataclass
class Hit:
    """One photo found."""

    photo_id: int
    event: str
    caption: str
    photographer: str | None
    taken_at: str | None
    score: float
    highlight: str
    event_title: str = ""
    date: str = ""  # the camera's date, or the event's for a photo without one
    date_from_event: bool = False
    match: str = "exact"  # "exact", "relaxed" (most words) or "sound" (homophones)


@dataclass
class Results:
    """One page of search results, with the total and facet counts over all matches."""

    total: int
    hits: list[Hit]
    facets: dict[str, dict[str, int]]
    events: list[dict[str, Any]]
    exact: int = 0  # how many matched every word as typed; the rest matched a fallback
    corrected: str | None = None  # "showing results for" this, when sound found what text did not
    relaxed: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


def _hit(fields: Mapping[str, Any], needles: list[str], score: int, label: str) -> Hit:
    """Return the hit of a photo's stored fields."""
    caption = fields.get("caption", "")
    return Hit(
        photo_id=fields["photo_id"],
        event=fields["event_slug"],
        caption=caption,
        photographer=fields.get("photographer_name") or None,
        taken_at=fields.get("taken_at") or None,
        score=float(score),
        highlight=highlight(caption, needles) if caption else "",
        event_title=fields.get("title", ""),
        date=fields.get("taken", ""),
        date_from_event=fields.get("date_source") == "event",
        match=label,
    )
