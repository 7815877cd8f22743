"""Keep the search index true to the catalogue: apply the outbox, rebuild, check, and search.

The catalogue writes an outbox row with every searchable change (see ``catalog/outbox.py``); here those
rows become index documents after the catalogue has committed. A process killed in between leaves the rows
behind, and the next :meth:`Indexer.sync` (before every search, after every commit, at ``gallery serve``'s
start) applies them. A damaged index stops search only: syncing waits, the rows stay, and a rebuild
builds a new index beside it and swaps it in. Each index folder is one
consumer of the outbox, named by the id file it holds: processes sharing a folder share its cursor (one
writes at a time), folders on other hosts have their own and each applies every row.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import uuid
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
from gallery.catalog import Catalog, Event, Photo, outbox
from gallery.catalog import queries as q
from gallery.errors import IndexUnavailable, InvalidInput
from gallery.media_store import write_once
from gallery.search_index import Results, SearchIndex
from gallery.text import clean_name, segment

#: The file in an index folder naming it as a consumer of the outbox.
CONSUMER_FILE = "outbox-consumer"
log = logging.getLogger(__name__)


def consumer_name(folder: Path) -> str:
    """Return the outbox consumer name of an index folder, giving it one on first use.

    Two processes starting on one new folder at once end up with the same name.
    """
    name = write_once(folder / CONSUMER_FILE, uuid.uuid4().hex + "\n")
    return "whoosh:" + name.strip()


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
        # Who took it, then the people shown in it as named for the archives office (人物).
        "names": [clean_name(photographer)] * bool(photographer)
        + [clean_name(p.person.display_name) for p in photo.shown],
        # The people shown, in order, for 人物: (the photographer took it, they are not in it).
        "people": [clean_name(p.person.display_name) for p in photo.shown],
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
    pending: int = 0  # outbox rows not applied yet (the check applies nothing)
    damaged: str | None = None  # why the index cannot be read

    @property
    def ok(self) -> bool:
        """Tell whether the index is readable and matches the catalogue."""
        return not (self.missing or self.stale or self.extra or self.damaged)


class Indexer:
    """The one path from catalogue changes to the search index."""

    def __init__(
        self,
        catalog: Catalog,
        folder: Path,
        synonyms: Path | None = None,
        backend: str = "whoosh",
    ) -> None:
        self.catalog = catalog
        if backend == "postgres":  # the settings checked the catalogue is PostgreSQL
            from gallery.pg_search import PostgresSearch  # only a PostgreSQL catalogue has it

            self.index: Any = PostgresSearch(catalog)
            self.consumer = "postgres"  # one index, whichever host writes it
        else:
            self.index = SearchIndex(folder)
            self.consumer = consumer_name(folder)
        self.synonyms = load_synonyms(synonyms or DEFAULT_SYNONYMS)
        # Web threads sync after their own changes; one at a time, so none redoes another's rows.
        self._sync_lock = threading.Lock()
        # Set while this process builds a new index: syncs and searches do not wait for it, the
        # rebuild applies every row before it ends and the live index answers meanwhile.
        self._rebuilding = threading.Event()
        self._schema_checked = False  # an index of an older schema is rebuilt, once per process
        # Where this index's cursor stood after this process's last sync (None: not synced yet).
        self._position: int | None = None
        # The cursor's position when this process's searchers were last told to reopen.
        self._read_at: int | None = None

    def sync(self, batch: int = 500) -> int:
        """Apply every pending outbox row to the index; return how many documents were written.

        An index of an older schema (from an earlier version) is rebuilt first. A damaged index
        is left as it is: the rows wait in the outbox for the rebuilt one, and nothing else stops.
        """
        try:
            if not self._schema_checked:
                # Checked once, not on every commit: reading the stored schema opens the whole index.
                self._schema_checked = True
                if self.index.outdated():
                    return self.rebuild()
            while not self._sync_lock.acquire(timeout=0.05):
                if self._rebuilding.is_set():
                    return 0  # the rebuild applies this change before it ends
            try:
                return self._sync(batch)
            finally:
                self._sync_lock.release()
        except IndexUnavailable as exc:
            log.warning("search index not updated, the outbox keeps the changes: %s", exc)
            return 0

    def _sync(self, batch: int) -> int:
        """Apply the outbox in batches from this index's cursor (the caller holds the sync lock)."""
        with self.catalog.transaction() as session:
            last = outbox.number(session)
            known = outbox.cursor(session, self.consumer) is not None
            if not known and q.is_empty(session):
                outbox.start_cursor(session, self.consumer, last)
                known = True
        if not known:
            # A new folder on an archive that has content: rows it never saw may be gone already.
            return self._rebuild(batch)
        written = 0
        while True:
            with self.catalog.transaction() as session:
                position = outbox.cursor(session, self.consumer)
                if position is None:  # forgotten while away (outbox.FORGET_AFTER): start again
                    return written + self._rebuild(batch)
                rows = outbox.pending(session, position.position, batch)
                if not rows:
                    outbox.collect(session)
                    self._position = position.position
                    return written
                photo_ids = {r.entity_id for r in rows if r.entity == "photo"}
                event_ids = {r.entity_id for r in rows if r.entity == "event"}
                person_ids = {r.entity_id for r in rows if r.entity == "person"}
                if person_ids:
                    event_ids |= q.credited_event_ids(session, person_ids)
                photo_ids |= q.photo_ids(session, event_ids=event_ids, person_ids=person_ids)
                written += self._write(session, photo_ids, event_ids)
                position.position = rows[-1].seq

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

        It reads the catalogue without holding its write lock, so uploads go on meanwhile; what
        they change after it started waits in the outbox for the sync that ends the rebuild.
        """
        with self._sync_lock:
            return self._rebuild(batch, on_progress)

    def _rebuild(self, batch: int, on_progress: Callable[[int, int], None] | None = None) -> int:
        """Rebuild, then apply what changed meanwhile (the caller holds the sync lock)."""
        with self.index.rebuilding():  # one rebuild of a folder at a time, across processes
            self._rebuilding.set()
            try:
                done = self._rebuild_beside(batch, on_progress)
            finally:
                self._rebuilding.clear()
        self._sync(batch)  # a sync that did not wait for the rebuild left its rows to this one
        return done

    def _rebuild_beside(self, batch: int, on_progress: Callable[[int, int], None] | None) -> int:
        """Build a new index beside the live one, from a snapshot; swap it in; return the count.

        The live index serves searches, and takes what other processes apply, until the swap.
        """
        with self.catalog.transaction() as session:
            # Every row numbered so far committed before the reads below: they see its change.
            start = outbox.number(session)
            cursor = outbox.cursor(session, self.consumer) or outbox.start_cursor(
                session, self.consumer, start
            )
            cursor.hold = start  # rows after start stay until this rebuild has applied them
        done = 0
        with self.catalog.reading() as session:
            photo_ids, event_ids = q.all_ids(session)
            total = len(photo_ids) + len(event_ids)

            def batches() -> Iterable[list[dict[str, Any]]]:
                nonlocal done
                events = q.events_by_id(session, event_ids)
                yield [event_document(e) for e in events]
                done += len(events)
                for first in range(0, len(photo_ids), batch):
                    photos = q.photos_by_id(session, photo_ids[first : first + batch])
                    yield [photo_document(p) for p in photos]
                    done += len(photos)
                    if on_progress:
                        on_progress(done, total)

            try:
                # One writer, one commit: one large segment, no merge or optimize after.
                built = self.index.build(batches())
            except BaseException:
                with self.catalog.transaction() as session:
                    if (cursor := outbox.cursor(session, self.consumer)) is not None:
                        cursor.hold = None
                raise
        try:
            with self.catalog.transaction() as session:
                # Back to where the snapshot began, even if another process applied rows meanwhile:
                # this rebuild may have written an older version of what they applied. Swapped
                # under the cursor's lock, so no writer of another process writes the old one after.
                cursor = outbox.cursor(session, self.consumer)
                cursor.position, cursor.hold = start, None
                self.index.swap(built)
        except BaseException:
            self.index.discard(built)
            raise
        return done

    def check(self, on_progress: Callable[[int, int], None] | None = None) -> IndexReport:
        """Compare the index with the catalogue: documents missing, stale or left over.

        Read only: outbox rows waiting are counted, not applied; a damaged index is reported.
        """
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
            pending = outbox.waiting(session, self.consumer)
        try:
            indexed = self.index.stamps()
        except IndexUnavailable as exc:
            return IndexReport([], [], [], pending=pending, damaged=str(exc))
        return IndexReport(
            missing=sorted(set(expected) - set(indexed)),
            stale=sorted(k for k in expected.keys() & indexed.keys() if expected[k] != indexed[k]),
            extra=sorted(set(indexed) - set(expected)),
            pending=pending,
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
        if sort not in ("relevance", "date", "date-asc"):
            raise InvalidInput(f"unknown sort {sort!r} (relevance, date or date-asc)")
        with self.catalog.reading() as session:  # first the changes of other processes
            behind = outbox.behind(session, self._position)
            applied = outbox.position(session, self.consumer)
        if behind:
            self.sync()
        if applied != self._read_at:
            # The index holds rows this process's searchers never saw (another process wrote them
            # into a shared folder, or this one did): read the folder afresh.
            self.index.reopen()
            self._read_at = applied
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

    def prepare(self) -> None:
        """Load what the first sync needs ahead of it: the word cutter and its dictionary (0.15 s)."""
        segment("")

    def close(self) -> None:
        """Close the index."""
        self.index.close()
