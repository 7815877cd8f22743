"""Evaluate a :class:`~gallery.analysis.QueryPlan` on a Whoosh searcher with boolean masks.

Whoosh's collectors score every match in Python (BM25 asks each document's field length), which was
most of a query's time. Here a term's posting list is read block by block into a mask over the
index's document numbers (numpy), clauses are combined as masks, and ranking, facets and the date
sort read integer columns kept per segment: the total and the facets need no score at all, and
the work per match is a few vector operations rather than Python calls.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any

import numpy as np
from whoosh import query as wq
from whoosh.matching.wrappers import FilterMatcher

from gallery.analysis import (
    FACETS,
    Clause,
    DateRange,
    Exact,
    Match,
    Option,
    QueryPlan,
    QueryRefused,
    word_tokens,
)
from gallery.text import name_pinyin, search_key

# Fields whose match counts less: a word found only inside a longer name, or only by its sound.
WEAK = {"names", "pinyin"}
# A match in these fields of an event's document reaches the event's photos.
EXPANDED = {"text", "pinyin"}
# Filters on an event's own fields are answered by the event documents, then by event.
EVENT_FIELDS = {"event", "place", "kind"}
# Fields without positions: a phrase there is all of its terms.
UNPOSITIONED = {"names", "words", "pinyin", "event", "place", "kind"}
# A query stops (with a clear message) once it has worked this long.
TIME_LIMIT = 2.0
CODED = tuple(f"facet_{name}" for name in FACETS)


class Codes:
    """Value ↔ code of each coded column, shared by all segments and generations (append-only)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.codes: dict[str, dict[str, int]] = {name: {"": 0} for name in CODED}
        self.values: dict[str, list[str]] = {name: [""] for name in CODED}

    def encode(self, name: str, column: list[str]) -> np.ndarray:
        """Return the codes of a column's values, adding new values."""
        with self.lock:
            codes, values = self.codes[name], self.values[name]
            for value in set(column) - codes.keys():
                codes[value] = len(values)
                values.append(value)
            return np.fromiter(map(codes.__getitem__, column), dtype=np.int32, count=len(column))


@dataclass
class Columns:
    """One generation's columns as arrays over its document numbers, and which are live."""

    coded: dict[str, np.ndarray]
    taken: np.ndarray  # YYYYMMDD as an integer, 0 when unknown
    size: np.ndarray
    live: np.ndarray
    codes: Codes


def segment_columns(reader: Any, codes: Codes) -> dict[str, np.ndarray]:
    """Return one segment's columns as arrays (read once in the segment's life)."""
    count = reader.doc_count_all()

    def column(name: str, empty: Any) -> list[Any]:
        values = list(reader.column_reader(name)) if reader.has_column(name) else []
        return values[:count] + [empty] * (count - len(values))

    arrays = {name: codes.encode(name, [v.decode() for v in column(name, b"")]) for name in CODED}
    arrays["taken"] = np.array(column("day", 0), dtype=np.int64)
    arrays["size"] = np.array(column("size", 0), dtype=np.int64)
    return arrays


class Evaluator:
    """Turn plan options into masks over one searcher's document numbers."""

    def __init__(self, searcher: Any, columns: Columns, time_limit: float = TIME_LIMIT):
        self.searcher = searcher
        self.columns = columns
        self.size = searcher.doc_count_all()
        self.leaves = [(leaf.reader(), offset) for leaf, offset in searcher.leaf_searchers()]
        self.deadline = time.monotonic() + time_limit
        self.events = self.term("type", "event")

    def _check_time(self) -> None:
        """Stop a query that has run past its time."""
        if time.monotonic() > self.deadline:
            raise QueryRefused("too_slow", TIME_LIMIT)

    def empty(self) -> np.ndarray:
        """Return a mask that holds nothing."""
        return np.zeros(self.size, dtype=bool)

    def term(self, fieldname: str, text: str) -> np.ndarray:
        """Return the live documents holding one term, reading each posting block whole."""
        found = self.empty()
        for reader, offset in self.leaves:
            if (fieldname, text) not in reader:
                continue
            matcher = reader.postings(fieldname, text)
            if isinstance(matcher, FilterMatcher):
                matcher = matcher.child  # deletions: the live mask below
            found[_block_ids(matcher) + offset] = True
        self._check_time()
        return found & self.columns.live

    def frequency(self, fieldname: str, text: str) -> int:
        """Return how many documents hold a term (deleted ones included), to order intersections."""
        return sum(r.doc_frequency(fieldname, text) for r, _o in self.leaves)

    def whoosh(self, query: wq.Query) -> np.ndarray:
        """Return the documents a Whoosh query matches, unscored."""
        found = self.empty()
        found[np.fromiter(self.searcher.docs_for_query(query), dtype=np.int64)] = True
        self._check_time()
        return found

    def option(self, option: Option) -> np.ndarray:
        """Return the documents one option of a clause matches."""
        if isinstance(option, Exact):
            return self.term(option.field, option.value)
        if isinstance(option, DateRange):
            low, high = (int(b.replace("-", "")) for b in (option.start, option.end))
            taken = self.columns.taken
            return (taken >= low) & (taken <= high) & self.columns.live
        if option.field in EVENT_FIELDS:
            return self._photos_of(self.match(option) & self.events)
        if option.field == "photographer":
            return self._by_photographer(option)
        found = self.match(option)
        if option.field in EXPANDED and (found & self.events).any():
            found |= self._photos_of(found & self.events)
        return found

    def match(self, option: Match) -> np.ndarray:
        """Return the documents holding every term (rarest first), in a row where the mode says so."""
        terms = sorted(set(option.terms), key=lambda t: self.frequency(option.field, t))
        if not terms or self.frequency(option.field, terms[0]) == 0:
            return self.empty()
        found = self.term(option.field, terms[0])
        for text in terms[1:]:
            found &= self.term(option.field, text)
        if (
            option.mode == "all"
            or len(option.terms) == 1
            or option.field in UNPOSITIONED
            or not found.any()
        ):
            return found
        if option.mode == "phrase":
            return found & self.whoosh(wq.Phrase(option.field, list(option.terms)))
        return found & self.whoosh(wq.Ordered([wq.Term(option.field, t) for t in option.terms]))

    def _photos_of(self, events: np.ndarray) -> np.ndarray:
        """Return the photos (and documents) of these event documents, by the event's code."""
        column = self.columns.coded["facet_event"]
        wanted = np.unique(column[events])
        if not len(wanted):
            return self.empty()
        return np.isin(column, wanted) & self.columns.live

    def _by_photographer(self, option: Match) -> np.ndarray:
        """Return the photos by photographers whose name (or its pinyin) holds the value."""
        column = self.columns.coded["facet_photographer"]
        values = self.columns.codes.values["facet_photographer"]
        wanted = []
        for code in np.unique(column[self.columns.live]):
            name = values[code]
            key = search_key(name).replace(" ", "")
            if name and (
                all(t in key for t in option.terms)
                or (len(option.terms) == 1 and option.terms[0] in name_pinyin(name))
            ):
                wanted.append(code)
        return np.isin(column, wanted) & self.columns.live

    def clause(self, clause: Clause) -> tuple[np.ndarray, np.ndarray]:
        """Return the documents a clause matches, and those it matches in a strong field."""
        every, strong = self.empty(), self.empty()
        for option in clause.options:
            found = self.option(option)
            every |= found
            if getattr(option, "field", "") not in WEAK:
                strong |= found
        return every, strong


def _block_ids(matcher: Any) -> np.ndarray:
    """Return every document number of a posting list, a block at a time where Whoosh allows it."""
    if not hasattr(matcher, "_read_data") or getattr(matcher, "_byteids", True):
        return np.fromiter(matcher.all_ids(), dtype=np.int64)
    blocks = []
    while matcher.is_active():
        if matcher._data is None:
            matcher._read_data()
        blocks.append(np.cumsum(np.asarray(matcher._data[0], dtype=np.int64)))
        matcher._i = matcher._blocklength
        matcher._next_block()
    return np.concatenate(blocks) if blocks else np.zeros(0, dtype=np.int64)


def evaluate(
    evaluator: Evaluator, plan: QueryPlan
) -> tuple[np.ndarray | None, np.ndarray, np.ndarray]:
    """Return the documents a plan matches (None: every one), with per-document strengths.

    The first array says how many word clauses a document matches in a strong field; the second
    how many of the plan's ranking words (rjieba's) it holds as words.
    """
    words = [c for c in plan.clauses if not c.is_filter]
    filters = [c for c in plan.clauses if c.is_filter]
    found: np.ndarray | None = None
    for clause in filters:
        every, _strong = evaluator.clause(clause)
        found = every if found is None else found & every
    results = [evaluator.clause(c) for c in words]
    if results:
        if plan.minimum:
            hits = np.sum([every for every, _s in results], axis=0)
            matched = hits >= plan.minimum
        else:
            matched = np.logical_and.reduce([every for every, _s in results])
        found = matched if found is None else found & matched
    strength = np.zeros(evaluator.size, dtype=np.int32)
    ranked = np.zeros(evaluator.size, dtype=np.int32)
    for _every, strong in results:
        strength += strong
    for word in dict.fromkeys(w for key in plan.rank for w in word_tokens(key)):
        ranked += evaluator.term("words", word)
    return found, strength, ranked


def ranking(
    found: np.ndarray, strength: np.ndarray, ranked: np.ndarray, columns: Columns, sort: str
) -> np.ndarray:
    """Order matches: by date when asked; else strong fields first, ranking words, shorter text.

    A shorter text ranks first among equals, as BM25 would for a term found once.
    """
    ids = np.flatnonzero(found)
    if sort in ("date", "date-asc"):
        taken = columns.taken[ids]
        order = np.lexsort((-ids, -taken)) if sort == "date" else np.lexsort((ids, taken))
        return ids[order]
    order = np.lexsort((ids, columns.size[ids], -ranked[ids], -strength[ids]))
    return ids[order]


def facet_counts(columns: Columns, ids: np.ndarray) -> dict[str, dict[str, int]]:
    """Count the documents ``ids`` by event, photographer, year and kind."""
    counts: dict[str, dict[str, int]] = {}
    for name in FACETS:
        values = columns.codes.values[f"facet_{name}"]
        tally = np.bincount(columns.coded[f"facet_{name}"][ids], minlength=1)
        present = [(values[code], int(tally[code])) for code in np.flatnonzero(tally) if code]
        counts[name] = dict(sorted(present, key=lambda kv: (-kv[1], kv[0])))
    return counts
