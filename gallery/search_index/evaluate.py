"""Evaluate a :class:`~gallery.analysis.QueryPlan` on a Whoosh searcher as sets of document numbers.

Whoosh's collectors score every match in Python (BM25 asks each document's field length), which was
most of a query's time. Here a term's posting list is read block by block into a set, clauses are
intersected in C, and ranking uses a few set memberships per match plus a stored length column:
the total and the facets need no score at all, and only the page is sorted.
"""

from __future__ import annotations

import time
from collections import Counter
from typing import Any

from whoosh import query as wq
from whoosh.matching.wrappers import FilterMatcher

from gallery.analysis import (
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
# Filters on an event's own fields are answered by the event documents, then by event slug.
EVENT_FIELDS = {"event", "place", "kind"}
# A query stops (with a clear message) once it has worked this long.
TIME_LIMIT = 2.0


class Evaluator:
    """Turn plan options into sets of global document numbers on one searcher."""

    def __init__(
        self, searcher: Any, columns: dict[str, list[Any]], time_limit: float = TIME_LIMIT
    ):
        self.searcher = searcher
        self.columns = columns
        self.leaves = [(leaf.reader(), offset) for leaf, offset in searcher.leaf_searchers()]
        self.deadline = time.monotonic() + time_limit
        self.events = self.term("type", "event")

    def _check_time(self) -> None:
        """Stop a query that has run past its time."""
        if time.monotonic() > self.deadline:
            raise QueryRefused("too_slow", TIME_LIMIT)

    def term(self, fieldname: str, text: str) -> set[int]:
        """Return the live documents holding one term, reading each posting block whole."""
        found: set[int] = set()
        for reader, offset in self.leaves:
            if (fieldname, text) not in reader:
                continue
            matcher = reader.postings(fieldname, text)
            deleted = None
            if isinstance(matcher, FilterMatcher):
                matcher, deleted = matcher.child, reader.deleted_docs_set
            ids = _block_ids(matcher)
            if deleted:
                ids = [i for i in ids if i not in deleted]
            found.update(ids if not offset else [i + offset for i in ids])
        self._check_time()
        return found

    def frequency(self, fieldname: str, text: str) -> int:
        """Return how many documents hold a term (deleted ones included), to order intersections."""
        return sum(r.doc_frequency(fieldname, text) for r, _o in self.leaves)

    def whoosh(self, query: wq.Query) -> set[int]:
        """Return the documents a Whoosh query matches, unscored."""
        found = set(self.searcher.docs_for_query(query))
        self._check_time()
        return found

    def option(self, option: Option) -> set[int]:
        """Return the documents one option of a clause matches."""
        if isinstance(option, Exact):
            return self.term(option.field, option.value)
        if isinstance(option, DateRange):
            return self.whoosh(wq.TermRange("taken", option.start, option.end))
        if option.field in EVENT_FIELDS:
            return self._by_event(option)
        if option.field == "photographer":
            return self._by_photographer(option)
        found = self.match(option)
        if option.field in EXPANDED and not found.isdisjoint(self.events):
            found |= self._photos_of(found & self.events)
        return found

    def _photos_of(self, events: set[int]) -> set[int]:
        """Return the photos of these event documents, by the event's slug."""
        found: set[int] = set()
        for slug in {self.columns["facet_event"][d] for d in events}:
            found |= self.term("facet_event", slug)
        return found

    def match(self, option: Match) -> set[int]:
        """Return the documents holding every term (rarest first), in a row where the mode says so."""
        terms = sorted(set(option.terms), key=lambda t: self.frequency(option.field, t))
        if not terms or self.frequency(option.field, terms[0]) == 0:
            return set()
        found = self.term(option.field, terms[0])
        for text in terms[1:]:
            if not found:
                return found
            found &= self.term(option.field, text)
        if option.mode == "all" or len(option.terms) == 1 or not found:
            return found
        words = [wq.Term(option.field, t) for t in option.terms]
        query = wq.Phrase(option.field, list(option.terms)) if option.mode == "phrase" else None
        return found & self.whoosh(query or wq.Ordered(words))

    def _by_event(self, option: Match) -> set[int]:
        """Return the photos (and events) of the events whose own field matches."""
        return self._photos_of(self.match(option) & self.events)

    def _by_photographer(self, option: Match) -> set[int]:
        """Return the photos by photographers whose name (or its pinyin) holds the value."""
        wanted = "".join(t for t in option.terms if len(t) != 2 or t.isascii())
        wanted = wanted if len(option.terms) > 1 else option.terms[0]
        found: set[int] = set()
        for reader, _offset in self.leaves:
            names = {n.decode() if isinstance(n, bytes) else n for n in _lexicon(reader)}
            for name in names:
                key = search_key(name).replace(" ", "")
                if _holds(key, option.terms) or wanted in name_pinyin(name):
                    found |= self.term("facet_photographer", name)
        return found

    def clause(self, clause: Clause) -> tuple[set[int], set[int]]:
        """Return the documents a clause matches, and those it matches in a strong field."""
        every, strong = set(), set()
        for option in clause.options:
            found = self.option(option)
            every |= found
            if getattr(option, "field", "") not in WEAK:
                strong |= found
        return every, strong


def _holds(key: str, terms: tuple[str, ...]) -> bool:
    """Tell whether a name key holds every term of a match."""
    return all(t in key for t in terms)


def _lexicon(reader: Any) -> list[Any]:
    """Return the distinct photographer names of a segment (few: one per person)."""
    if "facet_photographer" not in reader.indexed_field_names():
        return []
    return list(reader.lexicon("facet_photographer"))


def _block_ids(matcher: Any) -> list[int]:
    """Return every document number of a posting list, a block at a time where Whoosh allows it."""
    if not hasattr(matcher, "_read_ids"):
        return list(matcher.all_ids())
    ids: list[int] = []
    while matcher.is_active():
        if matcher._ids is None:
            matcher._read_ids()
        ids.extend(matcher._ids[matcher._i :])
        matcher._i = matcher._blocklength
        matcher._next_block()
    return ids


def evaluate(
    evaluator: Evaluator, plan: QueryPlan
) -> tuple[set[int] | None, Counter[int], Counter[int]]:
    """Return the documents a plan matches (None: every one), with per-document strength counts.

    The first counter says how many word clauses a document matches in a strong field; the second
    how many of the plan's ranking words (rjieba's) it holds as words.
    """
    words = [c for c in plan.clauses if not c.is_filter]
    filters = [c for c in plan.clauses if c.is_filter]
    found: set[int] | None = None
    for clause in filters:
        every, _strong = evaluator.clause(clause)
        found = every if found is None else found & every
    results = [evaluator.clause(c) for c in words]
    if plan.minimum and results:
        hits: Counter[int] = Counter()
        for every, _strong in results:
            hits.update(every if found is None else every & found)
        matched = {d for d, n in hits.items() if n >= plan.minimum}
        found = matched
    else:
        for every, _strong in sorted(results, key=lambda r: len(r[0])):
            found = every if found is None else found & every
    strength: Counter[int] = Counter()
    ranked: Counter[int] = Counter()
    if found is not None and words:
        for _every, strong in results:
            strength.update(strong & found)
        for word in dict.fromkeys(w for key in plan.rank for w in word_tokens(key)):
            ranked.update(evaluator.term("words", word) & found)
    return found, strength, ranked
