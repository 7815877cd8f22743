"""The search index, with Whoosh only: schema, writing, searchers, and one page of results.

Matching is decided by character n-gram fields (see :mod:`gallery.analysis`): every Chinese character
indexed alone and with the next one, at its own position; Latin words whole. Each gram is indexed once
per document: ``text`` holds a document's own text (a photo's caption, an event's title, place...),
``names`` the people, ``pinyin`` the sound of the text; a match on an event's document reaches its
photos at query time, and filters on an event's own fields go through the event documents. The
schema lives in :mod:`gallery.search_index.schema`.

Queries are evaluated by :mod:`gallery.search_index.evaluate` as masks, without Whoosh's scoring.
Each thread searches with its own searcher: Whoosh readers share file positions and are not safe to
share between threads.

The folder holds generations (:mod:`gallery.search_index.generations`): a rebuild writes a new index
beside the live one and swaps it in, and every process follows the swap. An index that cannot be
read (a segment file lost or cut) raises :class:`~gallery.errors.IndexUnavailable`: it is derived,
so nothing else stops, and a rebuild replaces it.
"""

from __future__ import annotations

import contextlib
import logging
import pickle
import struct
import threading
import time
import zlib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
from whoosh import index as whoosh_index
from whoosh import writing as whoosh_writing

from gallery.analysis import QueryPlan
from gallery.errors import GalleryError, IndexUnavailable
from gallery.highlight import highlight
from gallery.search_index import generations, merging
from gallery.search_index.evaluate import (
    CODED,
    Codes,
    Columns,
    Evaluator,
    evaluate,
    facet_counts,
    ranking,
    segment_columns,
)
from gallery.search_index.results import Hit, Results, _hit  # noqa: F401 - Hit: the package's
from gallery.search_index.schema import (  # noqa: F401 - the tokenizers: for old pickled schemas
    GramTokenizer,
    SpaceTokenizer,
    _Codec,
    codec,
    document_fields,
    schema,
)

# An index written before this layout pickled its schema with these names.
WordTokenizer = SpaceTokenizer

# A rebuild's posting buffer (Whoosh's estimate, close to the memory used): 100,000 documents fit,
# so they are sorted once in memory instead of through temporary run files.
REBUILD_LIMIT_MB = 2048
# What reading a damaged index raises: a file missing, cut short or overwritten.
DAMAGE = (
    OSError,
    EOFError,
    ValueError,
    struct.error,
    zlib.error,
    pickle.UnpicklingError,
    whoosh_index.IndexError,
)
log = logging.getLogger(__name__)


class SearchIndex:
    """The Whoosh index in one folder: one writer at a time, a searcher per thread."""

    def __init__(self, folder: Path) -> None:
        self.root = folder
        self.folder = generations.current(folder)  # the live generation
        self._lock = threading.Lock()
        self._local = threading.local()
        self._version = 0  # commits made by this process
        self._searchers: list[Any] = []  # every thread's, to close them all
        self._lookup_searcher = None
        self._columns: tuple[Any, Any] = (None, None)
        self._segment_columns: dict[Any, dict[str, np.ndarray]] = {}
        self._codes = Codes()
        self._columns_lock = threading.Lock()
        self._index = None
        self._reported: Path | None = None  # the damaged generation already logged
        self._merger = merging.Merger(self._merge_small)

    def _open(self):
        """Open the index, creating it on first use."""
        with self._columns_lock:
            if self._index is None:
                self.folder.mkdir(parents=True, exist_ok=True)
                if whoosh_index.exists_in(self.folder):
                    self._index = whoosh_index.open_dir(self.folder)
                else:
                    self._index = whoosh_index.create_in(self.folder, schema())
            return self._index

    @contextlib.contextmanager
    def _reading(self):
        """Turn what a damaged index raises into :class:`IndexUnavailable`."""
        try:
            yield
        except GalleryError:
            raise
        except DAMAGE as exc:
            if self._reported != self.folder:  # once per generation, not per search
                self._reported = self.folder
                log.error(
                    "search index %s unreadable (%s): run gallery index rebuild", self.folder, exc
                )
            self._local = threading.local()  # this thread's searcher may be the broken part
            raise IndexUnavailable(f"the search index cannot be read: {exc}") from exc

    def _follow(self) -> None:
        """Switch to the live generation when a rebuild (of any process) swapped in a new one.

        The old generation's searchers are not closed: other threads may be reading them; they
        close when dropped, and its files stay readable while open even once removed.
        """
        folder = generations.current(self.root)
        if folder == self.folder:
            return
        with self._columns_lock:
            self.folder = folder
            self._index = None
            self._lookup_searcher = None
            self._searchers = []
            self._columns = (None, None)
            self._segment_columns = {}
            self._version += 1

    def readable(self) -> bool:
        """Tell whether every segment of the live generation opens."""
        try:
            with self._reading():
                self._follow()
                if whoosh_index.exists_in(self.folder):
                    whoosh_index.open_dir(self.folder).searcher().close()
        except IndexUnavailable:
            return False
        return True

    def outdated(self) -> bool:
        """Tell whether the folder holds an index of another schema (a rebuild recreates it)."""
        self._follow()
        if not whoosh_index.exists_in(self.folder):
            return False
        try:
            stored = whoosh_index.open_dir(self.folder).schema
        except DAMAGE:
            return False  # damaged, not outdated: searches say so, and a rebuild repairs it
        except Exception:  # noqa: BLE001 - a schema of classes since renamed is outdated
            return True
        return sorted(stored.names()) != sorted(schema().names())

    def clear(self) -> None:
        """Empty the index (a rebuild starts here)."""
        with self._lock:
            self.close()
            self.folder.mkdir(parents=True, exist_ok=True)
            self._index = whoosh_index.create_in(self.folder, schema())

    def write(self, documents: Iterable[dict[str, Any]], deletions: Iterable[str] = ()) -> None:
        """Add or replace documents and delete ids, in one commit that does not merge segments."""
        with self._lock, self._reading():
            self._follow()  # under the outbox cursor's lock: a swap is seen before writing
            index = self._open()
            writer = index.writer(timeout=60.0, codec=codec())
            try:
                # An add needs no reader over every segment, as update_document opens: only a
                # document the index may already hold is replaced.
                known = self._lookup()
                for doc_id in deletions:
                    if known.document_number(id=doc_id) is not None:
                        writer.delete_by_term("id", doc_id)
                for document in documents:
                    fields = document_fields(document)
                    if known.document_number(id=fields["id"]) is None:
                        writer.add_document(**fields)
                    else:
                        writer.update_document(**fields)
                # No merge here unless segments pile up: the merger runs once commits pause.
                segments = len(writer.segments) + 1
                many = segments >= merging.TOO_MANY
                writer.commit(mergetype=merging.merge_small if many else whoosh_writing.NO_MERGE)
                self._version += 1
            except BaseException:
                writer.cancel()  # releases the lock; the outbox still holds the change
                raise
        self._merger.committed(segments)

    def reopen(self) -> None:
        """Give every thread a fresh searcher at its next search (another process wrote here)."""
        self._version += 1

    def _merge_small(self) -> None:
        """Merge the small segments commits left, with a writer that adds nothing."""
        with self._lock, self._reading():
            if self._index is None:  # closed meanwhile
                return
            self._follow()
            writer = self._open().writer(timeout=60.0, codec=codec())
            try:
                writer.commit(mergetype=merging.merge_small)
            except BaseException:
                writer.cancel()
                raise
            self._version += 1

    def bulk(
        self, batches: Iterable[Iterable[dict[str, Any]]], limitmb: int = REBUILD_LIMIT_MB
    ) -> None:
        """Add the documents of an emptied index with one writer and one commit: one segment.

        No optimize after: the one writer already makes one large segment, and a merge would
        rewrite it whole.
        """
        index = self._open()
        with self._lock:
            generations.write_all(index, batches, limitmb)
            self._version += 1

    def build(
        self, batches: Iterable[Iterable[dict[str, Any]]], limitmb: int = REBUILD_LIMIT_MB
    ) -> Path:
        """Write the documents into a new generation beside the live one; return its folder.

        Searches and writes go on with the live generation meanwhile; :meth:`swap` makes the new
        one live.
        """
        return generations.build(self.root, batches, limitmb)

    def swap(self, folder: Path) -> None:
        """Make a generation :meth:`build` wrote the live one; remove those no longer needed.

        The generation it replaces is kept while it is readable, for the searches of other
        processes that have not followed yet; the next swap removes it.
        """
        previous = self.folder if self.readable() else None
        generations.point_to(self.root, folder)
        self._follow()
        generations.remove_unused(self.root, {folder, previous} - {None})

    def discard(self, folder: Path) -> None:
        """Remove a generation that will not be swapped in."""
        generations.discard(folder)

    def rebuilding(self):
        """Return the lock one rebuild of this folder holds at a time."""
        return generations.rebuilding(self.root)

    def _lookup(self):
        """Return a searcher to tell which ids the index holds, reopened after each commit (under
        the write lock).

        Opened afresh, not with Whoosh's ``refresh()``: that keeps the readers of segments a merge
        removed, so the one searcher a writing process keeps held every segment it ever saw, and
        their open files, for as long as it ran.
        """
        searcher = self._lookup_searcher
        if searcher is None or not searcher.up_to_date():
            if searcher is not None:
                searcher.close()
            self._lookup_searcher = searcher = self._open().searcher()
        return searcher

    def searcher(self):
        """Return this thread's searcher, reopened when a commit made it stale.

        The folder is listed (Whoosh's ``up_to_date``) after a commit of this process, or once a
        second for commits of other processes (a CLI import beside the server), not per query.
        """
        local = self._local
        searcher = getattr(local, "searcher", None)
        now = time.monotonic()
        if searcher is not None and local.version == self._version and now - local.checked < 1.0:
            return searcher
        with self._reading():
            return self._fresh_searcher(local, searcher, now)

    def _fresh_searcher(self, local: Any, searcher: Any, now: float):
        """Return this thread's searcher after following a swap and checking for new commits."""
        self._follow()
        if searcher is None or local.folder != self.folder or not searcher.up_to_date():
            # Fresh, not refresh(): that keeps segment readers whose deletions it does not reload
            # (a replaced document twice). The old one, this thread's, holds every segment open.
            if searcher is not None and not searcher.is_closed:
                searcher.close()
            searcher = self._open().searcher()
            local.searcher = searcher
            with self._columns_lock:
                self._searchers = [s for s in self._searchers if not s.is_closed]
                self._searchers.append(searcher)
        local.version, local.checked, local.folder = self._version, now, self.folder
        return searcher

    def stamps(self) -> dict[str, str]:
        """Return every document id with the stamp of the content it was indexed from.

        Read only: a folder without an index holds none (it is not created).
        """
        self._follow()
        if not whoosh_index.exists_in(self.folder):
            return {}
        with self._reading():
            searcher = self.searcher()
            return {f["id"]: f.get("stamp", "") for f in searcher.all_stored_fields()}

    def columns(self, searcher: Any) -> Columns:
        """Return the facet, date and length columns of a searcher's generation, as arrays.

        Each segment's arrays are read once in its life and shared by every thread (they are only
        read); a commit adds a small segment, so a new generation costs only the new segment.
        """
        leaves = [leaf.reader() for leaf, _offset in searcher.leaf_searchers()]
        key = tuple((merging.segment_key(r), r.doc_count()) for r in leaves)
        with self._columns_lock:
            if self._columns[0] == key:
                return self._columns[1]
        parts, live = [], []
        for reader in leaves:
            segment = merging.segment_key(reader)
            if segment not in self._segment_columns:
                self._segment_columns[segment] = segment_columns(reader, self._codes)
            parts.append(self._segment_columns[segment])
            alive = np.ones(reader.doc_count_all(), dtype=bool)
            if reader.has_deletions():
                alive[list(reader.deleted_docs_set)] = False
            live.append(alive)
        names = [*CODED, "taken", "size"]
        arrays = {
            n: np.concatenate([p[n] for p in parts]) if parts else np.zeros(0, int) for n in names
        }
        columns = Columns(
            coded={n: arrays[n] for n in CODED},
            taken=arrays["taken"],
            size=arrays["size"],
            live=np.concatenate(live) if live else np.zeros(0, dtype=bool),
            codes=self._codes,
        )
        with self._columns_lock:
            self._columns = (key, columns)
            # Forget segments merged away.
            keep = {k for k, _n in key}
            self._segment_columns = {k: v for k, v in self._segment_columns.items() if k in keep}
        return columns

    def close(self) -> None:
        """Close the searchers and the index."""
        self._merger.cancel()
        with self._columns_lock:
            for searcher in [*self._searchers, self._lookup_searcher]:
                if searcher is not None and not searcher.is_closed:
                    searcher.close()
            self._searchers, self._lookup_searcher = [], None
            self._local = threading.local()
            self._columns = (None, None)
            self._segment_columns = {}
            if self._index is not None:
                self._index.close()
            self._index = None

    def search(
        self,
        plan: QueryPlan,
        *,
        event: str | None = None,
        sort: str = "relevance",
        page: int = 1,
        per_page: int = 20,
        fallbacks: Iterable[tuple[str, QueryPlan]] = (),
        few: int = 0,
    ) -> Results:
        """Return one page of photos matching ``plan``, facets over all of them, and matching events.

        When the plan matches fewer than ``few`` photos, each fallback plan (labelled "relaxed" or
        "sound") adds its other matches below, in order.
        """
        with self._reading():  # a damaged index: one clear error
            searcher = self.searcher()
            columns = self.columns(searcher)
            evaluator = Evaluator(searcher, columns)
            event_docs = evaluator.events
            photos_only = columns.live & ~event_docs
            if event:
                code = columns.codes.codes["facet_event"].get(event, -1)
                photos_only &= columns.coded["facet_event"] == code
            found, strength, ranked = evaluate(evaluator, plan)
            if found is None:  # no words, no filters: every photo
                found = columns.live
            order = ranking(found & photos_only, strength, ranked, columns, sort)
            exact = len(order)
            labels = {"exact": exact}
            if exact < few:
                seen = found.copy()
                for label, other in fallbacks:
                    more, more_strength, more_ranked = evaluate(evaluator, other)
                    if more is None:
                        continue
                    more &= photos_only & ~seen
                    if more.any():
                        order = np.concatenate(
                            [order, ranking(more, more_strength, more_ranked, columns, sort)]
                        )
                        labels[label] = len(order)
                        seen |= more
            facets = facet_counts(columns, order)
            page = max(1, page)
            shown = order[(page - 1) * per_page : page * per_page].tolist()
            stored = searcher.reader().stored_fields
            hits = []
            for position, docnum in enumerate(shown, start=(page - 1) * per_page):
                label = next(name for name, end in labels.items() if position < end)
                hits.append(_hit(stored(docnum), plan.needles, int(strength[docnum]), label))
            events = []
            if plan.clauses:
                for docnum in ranking(found & event_docs, strength, ranked, columns, "relevance")[
                    :5
                ]:
                    fields = stored(int(docnum))
                    events.append(
                        {
                            "slug": fields["event_slug"],
                            "title": fields["title"],
                            "score": float(strength[docnum]),
                            "highlight": highlight(fields["title"], plan.needles),
                        }
                    )
            results = Results(len(order), hits, facets, events, exact=exact)
            results.relaxed = len(order) > exact
            return results
