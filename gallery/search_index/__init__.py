"""The search index, with Whoosh only: schema, writing, searchers, and one page of results.

Matching is decided by character n-gram fields (see :mod:`gallery.analysis`): every Chinese character
indexed alone, with the next one and with the next two, at its own position; Latin words whole. Each
gram is indexed once per document: ``text`` holds a photo's own text and its event's, ``names`` the
people, ``pinyin`` the sound of all of it; an event's own fields (``event``, ``place``, ``kind``) live
only on the event's document, which filters reach through the event's slug.

Queries are evaluated by :mod:`gallery.search_index.evaluate` as sets, without Whoosh's scoring.
Each thread searches with its own searcher: Whoosh readers share file positions and are not safe to
share between threads.
"""

from __future__ import annotations

import heapq
import threading
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh.analysis import Token, Tokenizer
from whoosh.fields import ID, KEYWORD, NUMERIC, STORED, TEXT, Schema

from gallery.analysis import FACETS, QueryPlan, gram_tokens, name_tokens, pinyin_tokens, word_tokens
from gallery.highlight import highlight
from gallery.search_index.evaluate import Evaluator, evaluate
from gallery.text import search_key

SEGMENTS_BEFORE_MERGE = 8
# Columns read whole once per index generation: facets, the date sort, the length that ranks.
COLUMNS = ("facet_event", "facet_photographer", "facet_year", "facet_kind", "taken", "size")


class GramTokenizer(Tokenizer):
    """Whoosh tokenizer over :func:`gram_tokens` of the text's search key."""

    def __call__(self, value: str, positions: bool = False, start_pos: int = 0, **kwargs: Any):
        token = Token(positions, **kwargs)
        for text, position in gram_tokens(search_key(value)):
            token.text = text
            token.boost = 1.0
            token.stopped = False
            if positions:
                token.pos = start_pos + position
            yield token


class SpaceTokenizer(Tokenizer):
    """Whoosh tokenizer over tokens already made (space-separated), for words and pinyin."""

    def __call__(self, value: str, positions: bool = False, start_pos: int = 0, **kwargs: Any):
        token = Token(positions, **kwargs)
        for n, text in enumerate(value.split()):
            token.text = text
            token.boost = 1.0
            token.stopped = False
            if positions:
                token.pos = start_pos + n
            yield token


def _unscored(fieldtype: Any) -> Any:
    """Return a field that stores no lengths: nothing here scores with BM25, and lengths cost."""
    fieldtype.scorable = False
    return fieldtype


def _schema() -> Schema:
    """Return the index schema: one document per photo, and one per event."""
    grams, spaced = GramTokenizer(), SpaceTokenizer()
    return Schema(
        id=ID(unique=True, stored=True),
        type=ID(stored=True),
        photo_id=NUMERIC(stored=True),
        stamp=STORED,
        text=_unscored(TEXT(analyzer=grams, phrase=True)),
        names=_unscored(TEXT(analyzer=grams, phrase=True)),
        person=KEYWORD(commas=True),
        words=_unscored(TEXT(analyzer=spaced, phrase=False)),
        pinyin=_unscored(TEXT(analyzer=spaced, phrase=False)),
        event=_unscored(TEXT(analyzer=grams, phrase=True)),
        place=_unscored(TEXT(analyzer=grams, phrase=True)),
        kind=_unscored(TEXT(analyzer=grams, phrase=True)),
        taken=ID(stored=True, sortable=True),
        year=ID(stored=True),
        size=NUMERIC(sortable=True),
        facet_event=ID(stored=True, sortable=True),
        facet_photographer=ID(stored=True, sortable=True),
        facet_year=ID(sortable=True),
        facet_kind=ID(sortable=True),
        caption=STORED,
        title=STORED,
        event_slug=STORED,
        photographer_name=STORED,
        taken_at=STORED,
        date_source=STORED,
    )


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


class SearchIndex:
    """The Whoosh index in one folder: one writer at a time, a searcher per thread."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._lock = threading.Lock()
        self._local = threading.local()
        self._searchers: list[Any] = []  # every thread's, to close them all
        self._lookup_searcher = None
        self._columns: tuple[Any, dict[str, list[Any]]] = (None, {})
        self._columns_lock = threading.Lock()
        self._index = None

    def _open(self):
        """Open the index, creating it on first use."""
        with self._columns_lock:
            if self._index is None:
                self.folder.mkdir(parents=True, exist_ok=True)
                if whoosh_index.exists_in(self.folder):
                    self._index = whoosh_index.open_dir(self.folder)
                else:
                    self._index = whoosh_index.create_in(self.folder, _schema())
            return self._index

    def clear(self) -> None:
        """Empty the index (a rebuild starts here)."""
        with self._lock:
            self.close()
            self.folder.mkdir(parents=True, exist_ok=True)
            self._index = whoosh_index.create_in(self.folder, _schema())

    def write(self, documents: Iterable[dict[str, Any]], deletions: Iterable[str] = ()) -> None:
        """Add or replace documents and delete ids, in one commit that does not merge segments."""
        index = self._open()
        with self._lock:
            writer = index.writer(timeout=60.0)
            try:
                # An add needs no reader over every segment, as update_document opens: only a
                # document the index may already hold is replaced.
                known = self._lookup()
                for doc_id in deletions:
                    if known.document_number(id=doc_id) is not None:
                        writer.delete_by_term("id", doc_id)
                for document in documents:
                    fields = _fields(document)
                    if known.document_number(id=fields["id"]) is None:
                        writer.add_document(**fields)
                    else:
                        writer.update_document(**fields)
                # No merge on most commits (a merge costs a lot on a big index); small segments are
                # merged once they pile up, since every reader opens each segment.
                writer.commit(merge=len(index._segments()) >= SEGMENTS_BEFORE_MERGE)
            except BaseException:
                writer.cancel()  # releases the lock; the outbox still holds the change
                raise

    def bulk(self, batches: Iterable[Iterable[dict[str, Any]]], limitmb: int = 512) -> None:
        """Add the documents of an emptied index with one writer and one commit: one segment.

        No optimize after: the one writer already makes one large segment, and a merge would
        rewrite it whole.
        """
        index = self._open()
        with self._lock:
            writer = index.writer(timeout=60.0, limitmb=limitmb)
            try:
                for batch in batches:
                    for document in batch:
                        writer.add_document(**_fields(document))
                writer.commit(merge=False)
            except BaseException:
                writer.cancel()
                raise

    def _lookup(self):
        """Return a searcher to tell which ids the index holds, refreshed cheaply after each commit.

        Refreshing reuses readers of unchanged segments and may still see documents deleted since;
        that only makes a write replace a document it could have added, never the reverse.
        """
        if self._lookup_searcher is None or not self._lookup_searcher.doc_count_all():
            self._lookup_searcher = self._open().searcher()
        elif not self._lookup_searcher.up_to_date():
            self._lookup_searcher = self._lookup_searcher.refresh()
        return self._lookup_searcher

    def optimize(self) -> None:
        """Merge every segment into one."""
        with self._lock:
            self._open().optimize()

    def searcher(self):
        """Return this thread's searcher, reopened when a commit made it stale."""
        searcher = getattr(self._local, "searcher", None)
        if searcher is None or not searcher.up_to_date():
            # A fresh searcher, not refresh(): Whoosh's refresh reuses segment readers whose
            # deletions it does not reload, and would show a replaced document twice. The old one
            # is left to close when dropped: nothing else reads it, as it belongs to this thread.
            searcher = self._open().searcher()
            self._local.searcher = searcher
            with self._columns_lock:
                self._searchers = [s for s in self._searchers if not s.is_closed][-64:]
                self._searchers.append(searcher)
        return searcher

    def stamps(self) -> dict[str, str]:
        """Return every document id with the stamp of the content it was indexed from."""
        searcher = self.searcher()
        return {fields["id"]: fields.get("stamp", "") for fields in searcher.all_stored_fields()}

    def columns(self, searcher: Any) -> dict[str, list[Any]]:
        """Return the facet, date and length columns, read whole once per index generation.

        Shared by every thread's searcher of the same generation (the lists are only read), so a
        query walks its matches through lists, several times faster than Whoosh's grouping.
        """
        generation = (searcher.reader().generation(), searcher.doc_count_all())
        with self._columns_lock:
            if self._columns[0] != generation:
                self._columns = (generation, {n: _column(searcher, n) for n in COLUMNS})
            return self._columns[1]

    def close(self) -> None:
        """Close the searchers and the index."""
        with self._columns_lock:
            for searcher in [*self._searchers, self._lookup_searcher]:
                if searcher is not None and not searcher.is_closed:
                    searcher.close()
            self._searchers, self._lookup_searcher = [], None
            self._local = threading.local()
            self._columns = (None, {})
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
        searcher = self.searcher()
        columns = self.columns(searcher)
        evaluator = Evaluator(searcher, columns)
        event_docs = evaluator.events
        scope = evaluator.term("facet_event", event) if event else None
        found, strength, ranked = evaluate(evaluator, plan)
        if found is None:  # no words, no filters: every photo
            found = evaluator.term("type", "photo")
        if scope is not None:
            found &= scope
        photos = found - event_docs
        order = _ranking(photos, strength, ranked, columns, sort)
        labels = {"exact": len(order)}
        exact = len(order)
        if exact < few:
            seen = set(photos)
            for label, other in fallbacks:
                more, more_strength, more_ranked = evaluate(evaluator, other)
                more = (more or set()) - event_docs - seen
                if scope is not None:
                    more &= scope
                if more:
                    order += _ranking(more, more_strength, more_ranked, columns, sort)
                    labels[label] = len(order)
                    seen |= more
        facet_counts = _facet_counts(columns, order)
        page = max(1, page)
        shown = order[(page - 1) * per_page : page * per_page]
        stored = searcher.reader().stored_fields
        hits = []
        for position, docnum in enumerate(shown, start=(page - 1) * per_page):
            fields = stored(docnum)
            label = next(name for name, end in labels.items() if position < end)
            hits.append(_hit(fields, plan.needles, strength[docnum], label))
        events = []
        if plan.clauses:
            matched = sorted(found & event_docs, key=lambda d: (-strength[d], -ranked[d], d))[:5]
            for docnum in matched:
                fields = stored(docnum)
                events.append(
                    {
                        "slug": fields["event_slug"],
                        "title": fields["title"],
                        "score": float(strength[docnum]),
                        "highlight": highlight(fields["title"], plan.needles),
                    }
                )
        results = Results(len(order), hits, facet_counts, events, exact=exact)
        results.relaxed = len(order) > exact
        return results


def _ranking(
    found: set[int], strength: Counter[int], ranked: Counter[int], columns: dict, sort: str
) -> list[int]:
    """Order matches: by date when asked; else strong fields first, ranking words, shorter text.

    A shorter text ranks first among equals, as BM25 would for a term found once; the sort only
    looks at a page's worth of keys per match, all read from lists.
    """
    if sort in ("date", "date-asc"):
        taken = columns["taken"]
        return sorted(found, key=lambda d: (taken[d], -d), reverse=sort == "date")
    size = columns["size"]
    if len(found) > 2000:
        # Only the best few thousand need an order for any page people read; the rest follow.
        best = heapq.nsmallest(2000, found, key=lambda d: (-strength[d], -ranked[d], size[d], d))
        rest = found.difference(best)
        return best + sorted(rest)
    return sorted(found, key=lambda d: (-strength[d], -ranked[d], size[d], d))


def _facet_counts(columns: dict[str, list[Any]], found: list[int]) -> dict[str, dict[str, int]]:
    """Count the photos ``found`` (document numbers) by event, photographer, year and kind."""
    counts: dict[str, dict[str, int]] = {}
    for name in FACETS:
        tally = Counter(map(columns[f"facet_{name}"].__getitem__, found))
        tally.pop("", None)
        counts[name] = dict(sorted(tally.items(), key=lambda kv: (-kv[1], kv[0])))
    return counts


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


def _column(searcher: Any, fieldname: str) -> list[Any]:
    """Return a sortable field's value for every document number of ``searcher``, segment by segment.

    A segment where no document had the field has no column: its documents get "" (0 for a size).
    """
    values: list[Any] = []
    empty: Any = 0 if fieldname == "size" else ""
    for leaf, offset in searcher.leaf_searchers():
        reader = leaf.reader()
        count = reader.doc_count_all()
        values.extend([empty] * (offset - len(values)))
        column = list(reader.column_reader(fieldname)) if reader.has_column(fieldname) else []
        values.extend(column[:count] + [empty] * (count - len(column)))
    return values


def _fields(document: Mapping[str, Any]) -> dict[str, Any]:
    """Map a document as the indexer builds it onto the schema's fields, each gram indexed once.

    A photo indexes its own text only; its event's text is on the event's document, and a match
    there reaches the event's photos at query time (see ``Evaluator.option``).
    """
    is_event = document["type"] == "event"
    names = [n for n in document.get("names", []) if n]
    own = [
        document.get("caption", ""),
        " ".join(document.get("keywords", [])),
        document.get("camera", ""),
        document.get("file_name", ""),
        document.get("year", ""),
    ]
    if is_event:
        own = [
            document.get("title", ""),
            document.get("kind", ""),
            document.get("place", ""),
            " ".join(document.get("organisers", [])),
            document.get("description", ""),
            document.get("year", ""),
        ]
    text = "\n".join(p for p in own if p)
    # Names with the pinyin people type for them (yang jun yangjun yj), all weak matches.
    names_text = "\n".join([*names, " ".join(name_tokens(names))])
    photographer = document.get("photographer") or ""
    fields = {
        "id": document["id"],
        "type": document["type"],
        "photo_id": document.get("photo_id"),
        "stamp": document.get("stamp", ""),
        "text": text,
        "names": names_text.strip(),
        "person": ",".join(search_key(n).replace(" ", "") for n in names),
        "words": " ".join(word_tokens(f"{text}\n{' '.join(names)}")),
        "pinyin": " ".join(dict.fromkeys(t for t, _p in pinyin_tokens(text))),
        # An event's own fields, for event:, place: and kind:, on its document only.
        "event": document.get("title", "") if is_event else "",
        "place": document.get("place", "") if is_event else "",
        "kind": document.get("kind", "") if is_event else "",
        "taken": document.get("taken", ""),
        "year": document.get("year", ""),
        "size": len(text),
        "facet_event": document.get("event_slug", ""),
        "facet_photographer": photographer,
        "facet_year": document.get("year", ""),
        "facet_kind": document.get("kind", ""),
        "caption": document.get("caption", ""),
        "title": document.get("title", ""),
        "event_slug": document.get("event_slug", ""),
        "photographer_name": photographer,
        "taken_at": document.get("taken_at") or "",
        "date_source": document.get("date_source", ""),
    }
    return {name: value for name, value in fields.items() if value not in (None, "")}
