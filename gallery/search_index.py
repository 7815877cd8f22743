"""The search index, with Whoosh only: schema, Chinese analysis, writing, queries and facets.

Matching is decided by a character n-gram field: every Chinese character is indexed alone, with the
next one and with the next two, all at its own position. A word of up to three characters is then one
term and a longer one the conjunction of its trigrams (no position checks, which cost in Whoosh), so
党日 finds 主题党日活动, 检验 finds 检验科, and a single character such as 杨 works; a quoted phrase
of several words is a run of bigrams at consecutive positions. Latin words and numbers are indexed
whole. A second field holds the words rjieba cuts, and only ranks. Text is folded to the search key
(Simplified, half-width, no pinyin garbling, spaced names joined) at index and query time alike.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh import query as wq
from whoosh import scoring, sorting
from whoosh.analysis import Token, Tokenizer
from whoosh.fields import ID, NUMERIC, STORED, TEXT, Schema

from gallery.analysis import FACETS, Clause, DateRange, Exact, Match, QueryPlan, gram_tokens
from gallery.highlight import highlight
from gallery.text import search_key, segment

SEGMENTS_BEFORE_MERGE = 8


# ------------------------------------------------------------------------------------- analysis


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


class WordTokenizer(Tokenizer):
    """Whoosh tokenizer yielding the words rjieba cuts from the text's search key, for ranking."""

    def __call__(self, value: str, positions: bool = False, start_pos: int = 0, **kwargs: Any):
        token = Token(positions, **kwargs)
        for n, (word, _start, _end) in enumerate(segment(search_key(value))):
            word = word.strip()
            if not word or not any(c.isalnum() for c in word):
                continue
            token.text = word
            token.boost = 1.0
            token.stopped = False
            if positions:
                token.pos = start_pos + n
            yield token


def _schema() -> Schema:
    """Return the index schema: one document per photo, and one per event."""
    grams = GramTokenizer()
    return Schema(
        id=ID(unique=True, stored=True),
        type=ID(stored=True),
        photo_id=NUMERIC(stored=True),
        stamp=STORED,
        text=TEXT(analyzer=grams, phrase=True),
        words=TEXT(analyzer=WordTokenizer(), phrase=False),
        pinyin=TEXT(analyzer=grams, phrase=True),
        event=TEXT(analyzer=grams, phrase=True),
        photographer=TEXT(analyzer=grams, phrase=True),
        place=TEXT(analyzer=grams, phrase=True),
        kind=TEXT(analyzer=grams, phrase=True),
        taken=ID(stored=True, sortable=True),
        year=ID(stored=True),
        facet_event=ID(stored=True, sortable=True),
        facet_photographer=ID(stored=True, sortable=True),
        facet_year=ID(sortable=True),
        facet_kind=ID(sortable=True),
        caption=STORED,
        title=STORED,
        event_slug=STORED,
        photographer_name=STORED,
        taken_at=STORED,
    )


# ---------------------------------------------------------------------------------------- query


def to_query(option: Match | Exact | DateRange) -> wq.Query:
    """Translate one option of a plan into a Whoosh query."""
    if isinstance(option, Exact):
        return wq.Term(option.field, option.value)
    if isinstance(option, DateRange):
        return wq.TermRange("taken", option.start, option.end)
    terms = [wq.Term(option.field, t) for t in option.terms]
    if len(terms) == 1:
        return terms[0]
    if option.mode == "phrase":
        return wq.Phrase(option.field, list(option.terms))
    if option.mode == "ordered":
        return wq.Ordered(terms)
    return wq.And(terms)


def clause_query(clause: Clause) -> wq.Query:
    """Translate a clause (any of its options) into a Whoosh query."""
    options = [to_query(o) for o in clause.options]
    return options[0] if len(options) == 1 else wq.Or(options)


# ---------------------------------------------------------------------------------------- index


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


@dataclass
class Results:
    """One page of search results, with the total and facet counts over all matches."""

    total: int
    hits: list[Hit]
    facets: dict[str, dict[str, int]]
    events: list[dict[str, Any]]


class SearchIndex:
    """The Whoosh index in one folder: one writer at a time, searchers reused and refreshed."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._lock = threading.Lock()
        self._searcher = None
        self._lookup_searcher = None
        self._columns: tuple[Any, dict[str, list[str]]] = (None, {})
        self._index = None

    def _open(self):
        """Open the index, creating it on first use."""
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
        """Merge every segment into one (after a rebuild)."""
        with self._lock:
            self._open().optimize()

    def searcher(self):
        """Return a searcher that sees the newest commit, reusing the last one when nothing changed."""
        if self._searcher is None:
            self._searcher = self._open().searcher(weighting=scoring.BM25F())
        elif not self._searcher.up_to_date():
            # A fresh searcher, not refresh(): Whoosh's refresh reuses segment readers whose
            # deletions it does not reload, and would show a replaced document twice. The old one is
            # not closed here: another thread may still be reading it; it closes when dropped.
            self._searcher = self._open().searcher(weighting=scoring.BM25F())
        return self._searcher

    def stamps(self) -> dict[str, str]:
        """Return every document id with the stamp of the content it was indexed from."""
        searcher = self.searcher()
        return {fields["id"]: fields.get("stamp", "") for fields in searcher.all_stored_fields()}

    def _facet_counts(self, searcher: Any, found: list[int]) -> dict[str, dict[str, int]]:
        """Count the photos ``found`` (document numbers) by event, photographer, year and kind.

        The facet columns are read whole once per searcher (per index generation) and kept as
        lists, so a query only walks its matching document numbers: several times faster than
        Whoosh's grouping, which decodes a column value per matching document.
        """
        if self._columns[0] is not searcher:
            self._columns = (searcher, {n: _column(searcher, f"facet_{n}") for n in FACETS})
        columns = self._columns[1]
        counts: dict[str, dict[str, int]] = {}
        for name in FACETS:
            tally = Counter(map(columns[name].__getitem__, found))
            tally.pop("", None)
            counts[name] = dict(sorted(tally.items(), key=lambda kv: (-kv[1], kv[0])))
        return counts

    def close(self) -> None:
        """Close the searchers and the index."""
        for searcher in (self._searcher, self._lookup_searcher):
            if searcher is not None:
                searcher.close()
        self._searcher = self._lookup_searcher = None
        self._columns = (None, {})
        if self._index is not None:
            self._index.close()
        self._index = None

    def search(
        self,
        parsed: QueryPlan,
        *,
        event: str | None = None,
        sort: str = "relevance",
        page: int = 1,
        per_page: int = 20,
    ) -> Results:
        """Return one page of photos matching ``parsed``, facets over all of them, and matching events."""
        searcher = self.searcher()
        must = [clause_query(c) for c in parsed.clauses]
        if not must:
            must.append(wq.Every())
        matching = must[0] if len(must) == 1 else wq.And(must)
        if parsed.rank:
            rank = wq.Or([wq.Term("words", w) for key in parsed.rank for w, _s, _e in segment(key)])
            matching = wq.AndMaybe(matching, rank)
        # Events are few: masking them out is cheaper than filtering for the many photos.
        options: dict[str, Any] = {"mask": wq.Term("type", "event")}
        if event:
            options["filter"] = wq.Term("facet_event", event)
        if sort == "date":
            options["sortedby"] = sorting.FieldFacet("taken", reverse=True)
        elif sort == "date-asc":
            options["sortedby"] = sorting.FieldFacet("taken")
        # Every match is scored anyway (the ranking clause rules out Whoosh's block skipping), so
        # collect them all: one pass gives the page, the total and the facets. (search_page would
        # also call len(), which re-runs the whole query against the mask.)
        page = max(1, page)
        results = searcher.search(matching, limit=None, **options)
        found = [docnum for _key, docnum in results.top_n]
        facet_counts = self._facet_counts(searcher, found)
        hits = [
            Hit(
                photo_id=hit["photo_id"],
                event=hit["event_slug"],
                caption=hit.get("caption", ""),
                photographer=hit.get("photographer_name") or None,
                taken_at=hit.get("taken_at") or None,
                score=round(hit.score or 0.0, 4),
                highlight=highlight(hit.get("caption", ""), parsed.needles)
                if hit.get("caption")
                else "",
            )
            for hit in results[(page - 1) * per_page : page * per_page]
        ]
        events = []
        if must and parsed.clauses:
            # The short posting list of event documents leads the intersection: cheap.
            matched_events = searcher.search(wq.And([wq.Term("type", "event"), *must]), limit=5)
            events = [
                {
                    "slug": e["event_slug"],
                    "title": e["title"],
                    "score": round(e.score or 0.0, 4),
                    "highlight": highlight(e["title"], parsed.needles),
                }
                for e in matched_events
            ]
        return Results(len(found), hits, facet_counts, events)


def _column(searcher: Any, fieldname: str) -> list[str]:
    """Return a sortable field's value for every document number of ``searcher``, segment by segment.

    A segment where no document had the field has no column: its documents get "".
    """
    values: list[str] = []
    for leaf, offset in searcher.leaf_searchers():
        reader = leaf.reader()
        count = reader.doc_count_all()
        values.extend([""] * (offset - len(values)))
        column = list(reader.column_reader(fieldname)) if reader.has_column(fieldname) else []
        values.extend(column[:count] + [""] * (count - len(column)))
    return values


def _fields(document: Mapping[str, Any]) -> dict[str, Any]:
    """Map a document as the archive builds it onto the schema's fields."""
    names = " ".join(document.get("names", []))
    text_parts = [
        document.get("title", ""),
        document.get("kind", ""),
        document.get("place", ""),
        " ".join(document.get("organisers", [])),
        document.get("caption", ""),
        " ".join(document.get("keywords", [])),
        document.get("description", ""),
        names,
        document.get("camera", ""),
        document.get("year", ""),
    ]
    photographer = document.get("photographer") or ""
    fields = {
        "id": document["id"],
        "type": document["type"],
        "photo_id": document.get("photo_id"),
        "stamp": document.get("stamp", ""),
        "text": "\n".join(p for p in text_parts if p),
        "words": "\n".join(p for p in text_parts if p),
        "pinyin": " ".join(document.get("pinyin", [])),
        "event": document.get("title", ""),
        "photographer": " ".join([photographer, *document.get("photographer_pinyin", [])]),
        "place": document.get("place", ""),
        "kind": document.get("kind", ""),
        "taken": document.get("taken", ""),
        "year": document.get("year", ""),
        "facet_event": document.get("event_slug", ""),
        "facet_photographer": photographer,
        "facet_year": document.get("year", ""),
        "facet_kind": document.get("kind", ""),
        "caption": document.get("caption", ""),
        "title": document.get("title", ""),
        "event_slug": document.get("event_slug", ""),
        "photographer_name": photographer,
        "taken_at": document.get("taken_at") or "",
    }
    return {name: value for name, value in fields.items() if value not in (None, "")}
