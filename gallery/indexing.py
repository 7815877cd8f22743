"""Keep the search index true to the catalogue: apply the outbox, rebuild, check, and search.

The catalogue writes an outbox row with every searchable change (see ``catalog/outbox.py``); here those
rows become index documents after the catalogue has committed. A process killed in between leaves the rows
behind, and the next :meth:`Indexer.sync` (every start runs one) applies them.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gallery.analysis import (
    DEFAULT_SYNONYMS,
    load_synonyms,
    pinyin_plan,
    plan_query,
    relaxed_plan,
    respell,
)
from gallery.catalog import Catalog, Event, Photo
from gallery.catalog import queries as q
from gallery.search_index import Results, SearchIndex
from gallery.text import clean_name


def _stamp(document: dict[str, Any]) -> str:
    """Return a short hash of a document's content, to tell a stale index entry."""
    return hashlib.sha1(
        json.dumps(document, sort_keys=True, ensure_ascii=False).encode()
    ).hexdigest()[:16]


def event_document(event: Event) -> dict[str, Any]:
    """Return the search document of an event: its own text and its credits."""
    names = [clean_name(c.person.display_name) for c in event.credits]
    document = {
        "id": f"event:{event.id}",
        "type": "event",
        "event_slug": event.slug,
        "title": event.title,
        "kind": event.kind,
        "place": event.place,
        "organisers": list(event.organisers),
        "description": "\n".join([event.description, *event.keywords]),
        "names": names,
        "taken": event.start_date.isoformat(),
        "year": str(event.start_date.year),
    }
    document["stamp"] = _stamp(document)
    return document


def photo_document(photo: Photo) -> dict[str, Any]:
    """Return the search document of a photo: its text, its event's, its photographer's name."""
    event = photo.event
    photographer = photo.photographer.display_name if photo.photographer else ""
    # A photo without a camera date is dated by its event, and says so.
    taken = photo.taken_local.date() if photo.taken_local else event.start_date
    document = {
        "id": f"photo:{photo.id}",
        "type": "photo",
        "photo_id": photo.id,
        "event_slug": event.slug,
        "title": event.title,
        "kind": event.kind,
        "place": event.place,
        "organisers": list(event.organisers),
        "caption": photo.caption,
        "keywords": list(photo.keywords),
        "names": [clean_name(photographer)] if photographer else [],
        "photographer": photographer,
        "camera": " ".join(x for x in (photo.camera_make, photo.camera_model, photo.lens) if x),
        # Staff search by the camera's file name (DSCN0021); it is never shown to viewers.
        "file_name": photo.original_name,
        "taken": taken.isoformat(),
        "date_source": "camera" if photo.taken_local else "event",
        "taken_at": photo.taken_at,
        "year": str(taken.year),
    }
    document["stamp"] = _stamp(document)
    return document


# Fewer photos than this matching every word as typed: try the fallbacks too.
FEW = 5


@dataclass(frozen=True)
class IndexReport:
    """What ``gallery index check`` finds."""

    missing: list[str]
    stale: list[str]
    extra: list[str]

    @property
    def ok(self) -> bool:
        """Tell whether the index matches the catalogue."""
        return not (self.missing or self.stale or self.extra)


class Indexer:
    """The one path from catalogue changes to the search index."""

    def __init__(self, catalog: Catalog, folder: Path, synonyms: Path | None = None) -> None:
        self.catalog = catalog
        self.index = SearchIndex(folder)
        self.synonyms = load_synonyms(synonyms or DEFAULT_SYNONYMS)
        # Web threads sync after their own changes; one at a time, so none redoes another's rows.
        self._sync_lock = threading.Lock()

    def sync(self, batch: int = 500) -> int:
        """Apply every pending outbox row to the index; return how many documents were written.

        An index of an older schema (from an earlier version) is rebuilt first.
        """
        if self.index.outdated():
            return self.rebuild()
        with self._sync_lock:
            return self._sync(batch)

    def _sync(self, batch: int) -> int:
        """Apply the outbox in batches (the caller holds the sync lock)."""
        written = 0
        while True:
            with self.catalog.transaction() as session:
                rows = q.outbox(session, batch)
                if not rows:
                    return written
                photo_ids = {r.entity_id for r in rows if r.entity == "photo"}
                event_ids = {r.entity_id for r in rows if r.entity == "event"}
                person_ids = {r.entity_id for r in rows if r.entity == "person"}
                if person_ids:
                    event_ids |= q.credited_event_ids(session, person_ids)
                photo_ids |= q.photo_ids(session, event_ids=event_ids, person_ids=person_ids)
                written += self._write(session, photo_ids, event_ids)
                q.clear_outbox(session, rows)

    def _write(self, session: Any, photo_ids: set[int], event_ids: set[int]) -> int:
        """Write the documents of these photos and events; delete those no longer in the catalogue."""
        photos = q.photos_by_id(session, photo_ids) if photo_ids else []
        events = q.events_by_id(session, event_ids) if event_ids else []
        documents = [photo_document(p) for p in photos] + [event_document(e) for e in events]
        gone = [f"photo:{i}" for i in photo_ids - {p.id for p in photos}]
        gone += [f"event:{i}" for i in event_ids - {e.id for e in events}]
        self.index.write(documents, gone)
        return len(documents)

    def rebuild(
        self, on_progress: Callable[[int, int], None] | None = None, batch: int = 500
    ) -> int:
        """Recreate the index from the catalogue; return the number of documents.

        It reads one snapshot of the catalogue without holding its write lock, so uploads go on
        meanwhile; what they change after the snapshot waits in the outbox for the next sync.
        """
        with self._sync_lock:
            self.index.clear()
            done = 0
            with self.catalog.reading() as session:
                photo_ids, event_ids = q.all_ids(session)
                total = len(photo_ids) + len(event_ids)
                # Changes pending before the snapshot are in it; their outbox rows are done with.
                pending = q.outbox(session, 1_000_000_000)

                def batches() -> Iterable[list[dict[str, Any]]]:
                    nonlocal done
                    events = q.events_by_id(session, event_ids)
                    yield [event_document(e) for e in events]
                    done += len(events)
                    for start in range(0, len(photo_ids), batch):
                        photos = q.photos_by_id(session, photo_ids[start : start + batch])
                        yield [photo_document(p) for p in photos]
                        done += len(photos)
                        if on_progress:
                            on_progress(done, total)

                # One writer, one commit: one large segment, no merge or optimize after.
                self.index.bulk(batches())
            with self.catalog.transaction() as session:
                q.clear_outbox(session, pending)
            return done

    def check(self, on_progress: Callable[[int, int], None] | None = None) -> IndexReport:
        """Compare the index with the catalogue: documents missing, stale or left over."""
        expected: dict[str, str] = {}
        with self.catalog.reading() as session:
            photo_ids, event_ids = q.all_ids(session)
            total = len(photo_ids) + len(event_ids)
            for event in q.events_by_id(session, event_ids):
                document = event_document(event)
                expected[document["id"]] = document["stamp"]
            for start in range(0, len(photo_ids), 500):
                for photo in q.photos_by_id(session, photo_ids[start : start + 500]):
                    document = photo_document(photo)
                    expected[document["id"]] = document["stamp"]
                if on_progress:
                    on_progress(len(expected), total)
        indexed = self.index.stamps()
        return IndexReport(
            missing=sorted(set(expected) - set(indexed)),
            stale=sorted(k for k in expected.keys() & indexed.keys() if expected[k] != indexed[k]),
            extra=sorted(set(indexed) - set(expected)),
        )

    def search(
        self,
        text: str,
        *,
        event: str | None = None,
        sort: str = "relevance",
        page: int = 1,
        per_page: int = 20,
    ) -> Results:
        """Search photos (and events) for what a person typed.

        When the words as typed find fewer than :data:`FEW` photos, photos with most of the words
        follow (labelled relaxed), then photos with words that sound the same (homophone typos of
        pinyin input: 福建规则 finds 复检规则, and says so).
        """
        plan = plan_query(text, self.synonyms)
        fallbacks = []
        sounds: list[list[str]] = []
        if (relaxed := relaxed_plan(plan)) is not None:
            fallbacks.append(("relaxed", relaxed))
        if (by_sound := pinyin_plan(plan)) is not None:
            fallbacks.insert(0, ("sound", by_sound[0]))
            sounds = by_sound[1]
        results = self.index.search(
            plan,
            event=event,
            sort=sort,
            page=page,
            per_page=per_page,
            fallbacks=fallbacks,
            few=FEW,
        )
        sounding = [h for h in results.hits if h.match == "sound"]
        if sounds and sounding and not results.exact:
            words = [
                next((w for h in sounding if (w := respell(f"{h.caption} {h.event_title}", s))), "")
                for s in sounds
            ]
            if all(words):
                results.corrected = " ".join(words)
        return results

    def close(self) -> None:
        """Close the index."""
        self.index.close()
