"""What an article gives: the recognised fields, and notes on what the editor must check."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

#: What the editor must check, by code → the note in English. The article form translates by code.
NOTES: dict[str, str] = {
    "empty": "the article is empty",
    "headline_guessed": "no line reads like a headline: {detail} was taken as the headline",
    "no_headline": "no headline found",
    "lines_skipped": "lines above the headline were left out: {detail}",
    "no_publication_time": "no publication time found",
    "no_event_date": "the text names no day of the event",
    "event_date_from_publication": "the text names no day: the publication date {detail} was taken",
    "date_without_year": "{detail}: no year, and no publication date to take it from",
    "date_after_publication": "{detail} is after the publication date",
    "several_dates": "the text names several days ({detail}): the first was taken",
    "no_place": "no place found",
    "no_organiser": "no organiser found",
    "no_credits": "no credits (文：… 图：…) found",
}


@dataclasses.dataclass(frozen=True)
class Note:
    """One thing the editor must check: a code of :data:`NOTES` and what it is about, as written."""

    code: str
    detail: str = ""

    def __post_init__(self) -> None:
        if self.code not in NOTES:
            raise ValueError(f"unknown note code {self.code!r}")

    def __str__(self) -> str:
        return NOTES[self.code].format(detail=self.detail)


@dataclasses.dataclass
class Article:
    """What was recognised in one article, names and places as written with pinyin removed.

    ``unrecognised`` holds lines of the article that could not be placed, as written; ``notes`` say
    what was guessed or not found, by code, so that each reader sees them in their language.
    """

    title: str = ""
    published_at: dt.datetime | None = None
    event_date: dt.date | None = None
    end_date: dt.date | None = None
    places: list[str] = dataclasses.field(default_factory=list)
    organisers: list[str] = dataclasses.field(default_factory=list)
    keywords: list[str] = dataclasses.field(default_factory=list)
    credits: dict[str, list[str]] = dataclasses.field(default_factory=dict)
    kind: str = ""
    body: str = ""
    text: str = ""
    unrecognised: list[str] = dataclasses.field(default_factory=list)
    notes: list[Note] = dataclasses.field(default_factory=list)

    def note(self, code: str, detail: str = "") -> None:
        """Add a note for the editor, once."""
        if Note(code, detail) not in self.notes:
            self.notes.append(Note(code, detail))

    @property
    def note_codes(self) -> list[str]:
        """Return the codes of the notes, in order."""
        return [n.code for n in self.notes]

    def to_json(self) -> dict[str, Any]:
        """Return the recognised fields in the JSON shape of ``gallery event import-article``."""
        return {
            "title": self.title,
            "published_at": self.published_at.isoformat(sep=" ") if self.published_at else None,
            "event_date": self.event_date.isoformat() if self.event_date else None,
            "end_date": self.end_date.isoformat() if self.end_date else None,
            "kind": self.kind,
            "places": self.places,
            "organisers": self.organisers,
            "keywords": self.keywords,
            "credits": [{"role": role, "names": names} for role, names in self.credits.items()],
            "unrecognised": self.unrecognised,
            "notes": [{"code": n.code, "detail": n.detail, "note": str(n)} for n in self.notes],
        }
