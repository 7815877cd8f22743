"""A search plan as PostgreSQL statements: the page, the count and facets, and the events matched.

Each option of a plan becomes a ``tsquery`` on the documents' tokens (``&`` for every term, ``<->``
for a phrase) or a condition on a column; an event's match reaches its photos through the event's
slug. Strength and the ranking words count as in :mod:`gallery.search_index.evaluate`; among the
first matches in that order ``ts_rank_cd`` decides. Facets are grouping sets over the matches.
"""

from __future__ import annotations

import itertools
import math
from typing import Any

from gallery.analysis import Clause, DateRange, Exact, Match, Option, QueryPlan, word_tokens
from gallery.catalog import fulltext
from gallery.text import name_pinyin, search_key

# As in the Whoosh evaluation: weak fields, fields whose event match reaches the event's photos,
# and filters answered by the event documents.
WEAK = {"names", "pinyin"}
EXPANDED = {"text", "pinyin"}
EVENT_FIELDS = {"event", "place", "kind"}
PREFIX = {
    "text": "t:",
    "names": "n:",
    "people": "pp:",
    "pinyin": "p:",
    "words": "w:",
    "person": "pe:",
    "event": "e:",
    "place": "pl:",
    "kind": "k:",
}
# Keyword fields a plan's Exact options name, and the column holding each.
EXACT_COLUMNS = {
    "year": "year",
    "type": "type",
    "facet_event": "event_slug",
    "facet_photographer": "photographer",
    "facet_kind": "kind",
    "facet_year": "year",
}
FACET_COLUMNS = {
    "event": "event_slug",
    "photographer": "photographer",
    "year": "year",
    "kind": "kind",
}


def tsquery(option: Match) -> str:
    """Return the tsquery literal of a match: every term, or the terms in a row for a phrase.

    "ordered" (terms in order, any gap between) has no tsquery operator: it asks for every term.
    """
    prefix = PREFIX[option.field]
    joiner = " <-> " if option.mode == "phrase" else " & "
    return joiner.join(fulltext.quote(prefix + t) for t in option.terms)


class Sql:
    """One search being built: its bind parameters, named in order, and the session it reads in.

    Every statement of a search runs in one session (one connection, one snapshot), and an
    event lookup that the page, the count and the events ask alike runs once.
    """

    def __init__(self, session: Any, *, events: bool = False) -> None:
        self.session = session
        self.events = events  # matching the events' own documents
        self.params: dict[str, Any] = {}
        self._looked_up: dict[str, Any] = {}  # event slugs by tsquery; the photographers

    def fork(self, *, events: bool = False) -> Sql:
        """Return a new statement in the same session, sharing what was looked up."""
        other = Sql(self.session, events=events)
        other._looked_up = self._looked_up
        return other

    def bind(self, value: Any) -> str:
        """Return a placeholder bound to ``value``."""
        name = f"p{len(self.params)}"
        self.params[name] = value
        return f":{name}"

    def matches(self, query: str) -> str:
        """Return the condition "the document's tokens match this tsquery"."""
        return f"d.tokens @@ CAST({self.bind(query)} AS tsquery)"

    def events_matching(self, query: str) -> str:
        """Return the condition "the document belongs to an event whose own document matches".

        The events are found first (few rows): an array of slugs keeps the photo condition one
        that the indexes answer (a bitmap OR), where a subquery would scan every photo.
        """
        if query not in self._looked_up:
            self._looked_up[query] = fulltext.events_matching(self.session, query)
        slugs = self._looked_up[query]
        if not slugs:
            return "FALSE"
        return f"d.event_slug = ANY({self.bind(slugs)})"

    def option(self, option: Option) -> tuple[str | None, str | None]:
        """Return what one option of a clause matches: a tsquery on the tokens, or an SQL condition.

        Keeping tsqueries apart lets a clause (and a plan) ask the GIN index once, with ``|`` and
        ``&`` inside one tsquery, where OR-ed conditions would make PostgreSQL scan every row.
        """
        if isinstance(option, Exact):
            if option.field == "person":
                return fulltext.quote("pe:" + option.value), None
            column = EXACT_COLUMNS.get(option.field)
            return None, (f"d.{column} = {self.bind(option.value)}" if column else "FALSE")
        if isinstance(option, DateRange):
            return None, f"d.taken BETWEEN {self.bind(option.start)} AND {self.bind(option.end)}"
        if not option.terms or option.field not in PREFIX | {"photographer": ""}:
            return None, "FALSE"
        if option.field == "photographer":
            return None, f"d.photographer = ANY({self.bind(self.photographers(option))})"
        query = tsquery(option)
        if self.events and option.field in EVENT_FIELDS | EXPANDED:
            return query, None  # an event's document is the one whose slug the lookup would find
        if option.field in EVENT_FIELDS:
            return None, self.events_matching(query)
        if option.field in EXPANDED:
            events = self.events_matching(query)
            return query, (None if events == "FALSE" else events)
        return query, None

    def photographers(self, option: Match) -> list[str]:
        """Return the photographers whose name (or its pinyin) holds the value, as in Whoosh."""
        if "" not in self._looked_up:
            self._looked_up[""] = fulltext.photographers(self.session)
        wanted = "".join(t for t in option.terms if len(t) != 2 or t.isascii())
        wanted = wanted if len(option.terms) > 1 else option.terms[0]
        return [
            name
            for name in self._looked_up[""]
            if all(t in search_key(name).replace(" ", "") for t in option.terms)
            or wanted in name_pinyin(name)
        ]

    def clause(self, clause: Clause) -> tuple[str, list[str], str, list[str]]:
        """Return a clause's tsquery and other conditions: for any option, and for strong ones."""
        every_q, every_sql, strong_q, strong_sql = [], [], [], []
        for option in clause.options:
            query, condition = self.option(option)
            strong = getattr(option, "field", "") not in WEAK
            for target_q, target_sql in [(every_q, every_sql)] + (
                [(strong_q, strong_sql)] if strong else []
            ):
                if query:
                    target_q.append(f"({query})")
                if condition and condition != "FALSE":
                    target_sql.append(condition)
        return " | ".join(every_q), every_sql, " | ".join(strong_q), strong_sql

    def condition(self, query: str, others: list[str]) -> str:
        """Return "one of ``others`` holds, or the tokens match ``query``" (the cheap test first)."""
        parts = others + ([self.matches(query)] if query else [])
        return "(" + " OR ".join(parts) + ")" if parts else "FALSE"

    def required(self, alone: list[str], mixed: list[tuple[str, list[str]]]) -> list[str]:
        """Return the conditions that every match meets: ``alone`` tsqueries and ``mixed`` clauses.

        A mixed clause holds when one of its conditions (an event's slugs, a column) does or the
        tokens match its tsquery. Distributed into a few alternatives, each one tsquery of all
        the words it takes from the tokens (``&``) and the conditions it takes from columns, the
        GIN index intersects the words itself: "检验科 合影" then reads the photos holding both,
        not every photo with 合影 to test the other clause on each.
        """
        choices = [[("q", q)] * bool(q) + [("c", c) for c in others] for q, others in mixed]
        if not mixed or any(not c for c in choices) or math.prod(map(len, choices)) > ALTERNATIVES:
            whole = [self.matches(" & ".join(f"({q})" for q in alone))] if alone else []
            return whole + [self.condition(q, o) for q, o in mixed]
        alternatives = []
        for pick in itertools.product(*choices):
            queries = alone + [value for kind, value in pick if kind == "q"]
            parts = [value for kind, value in pick if kind == "c"]
            if queries:
                parts.append(self.matches(" & ".join(f"({q})" for q in queries)))
            alternatives.append("(" + " AND ".join(parts) + ")")
        return ["(" + " OR ".join(alternatives) + ")"]

    def plan(self, plan: QueryPlan) -> tuple[str, str, str, str]:
        """Return a plan's condition, strength, ranking-word count and ts_rank_cd expressions."""
        words = [self.clause(c) for c in plan.clauses if not c.is_filter]
        filters = [self.clause(c) for c in plan.clauses if c.is_filter]
        required = filters + ([] if plan.minimum else words)
        # Clauses that only ask the tokens become one tsquery: one GIN index scan for all.
        alone = [q for q, others, _s, _o in required if q and not others]
        conditions = self.required(alone, [(q, o) for q, o, _s, _o in required if not q or o])
        if words and plan.minimum:
            held = " + ".join(f"({self.condition(q, o)})::int" for q, o, _s, _o in words)
            any_word = " | ".join(f"({q})" for q, _o, _s, _so in words if q)
            others = [c for _q, o, _s, _so in words for c in o]
            conditions.append(self.condition(any_word, others))  # the index narrows first
            conditions.append(f"({held}) >= {int(plan.minimum)}")
        strength = " + ".join(f"({self.condition(s, o)})::int" for _q, _o, s, o in words) or "0"
        ranking = list(dict.fromkeys(w for key in plan.rank for w in word_tokens(key)))
        ranked = " + ".join(f"({self.matches(fulltext.quote('w:' + w))})::int" for w in ranking)
        cover = " | ".join(fulltext.quote("t:" + w) for w in ranking)
        rank = f"ts_rank_cd(d.tokens, CAST({self.bind(cover)} AS tsquery))" if cover else "0"
        return " AND ".join(conditions) or "TRUE", strength, ranked or "0", rank


#: Alternatives a plan's condition may be distributed into (two words with events make four).
ALTERNATIVES = 16
#: Matches that ``ts_rank_cd`` orders among equals: the first ones by the cheap keys (the Whoosh
#: index's order: strength, ranking words, shorter text). Scoring a document's positions costs
#: microseconds, which over every match of a common word was most of a search's time.
SCORED = 200


def order(sort: str, rank: bool = True) -> str:
    """Return the ORDER BY of matches: fallbacks below, then by date or by strength."""
    if sort == "date":
        return "label, taken DESC, photo_id"
    if sort == "date-asc":
        return "label, taken, photo_id DESC"
    return f"label, strength DESC, ranked DESC, {'rank DESC, ' if rank else ''}size, photo_id"


def facets() -> str:
    """Return the facet counts over the matches ``m`` as one JSON object, each facet's in order.

    One pass (a grouping set per facet); the most frequent first, then by value in code point
    order (``COLLATE "C"``, as Python sorts), so that the page needs no sorting of its own.
    """
    columns = list(FACET_COLUMNS.values())
    full = (1 << len(columns)) - 1
    names = " ".join(
        f"WHEN {full ^ (1 << (len(columns) - 1 - n))} THEN '{name}'"
        for n, name in enumerate(FACET_COLUMNS)
    )
    return f"""
        SELECT json_object_agg(facet, counts) FROM (
            SELECT facet, json_object_agg(value, n ORDER BY n DESC, value COLLATE "C") AS counts
            FROM (
                SELECT CASE GROUPING({", ".join(columns)}) {names} END AS facet,
                       COALESCE({", ".join(columns)}) AS value, count(*) AS n
                FROM m GROUP BY GROUPING SETS ({", ".join(f"({c})" for c in columns)})
            ) g WHERE value <> '' GROUP BY facet
        ) f"""


def query(
    sql: Sql,
    labelled: list[tuple[str, QueryPlan]],
    event: str | None,
    sort: str,
    page: int,
    per_page: int,
) -> dict[str, Any]:
    """Run the statement that counts, ranks one page and counts facets of these plans' matches.

    Every match gets its label and cheap keys (a few ``@@`` each); ``ts_rank_cd`` scores only
    the first :data:`SCORED` of them in relevance order, the rest follow in the cheap order.
    """
    parts = [sql.plan(p) for _label, p in labelled]

    def by_label(index: int) -> str:
        if len(parts) == 1:
            return parts[0][index]
        return "CASE " + " ".join(f"WHEN {p[0]} THEN {p[index]}" for p in parts) + " END"

    label = "0"
    if len(parts) > 1:
        label = "CASE " + " ".join(f"WHEN {p[0]} THEN {n}" for n, p in enumerate(parts)) + " END"
    where = " OR ".join(f"({p[0]})" for p in parts)
    scope = f" AND d.event_slug = {sql.bind(event)}" if event else ""
    offset = (max(1, page) - 1) * per_page
    limit, skip = sql.bind(per_page), sql.bind(offset)
    if sort in ("date", "date-asc"):
        ordering = order(sort)
        shown = f"""shown AS (
            SELECT id, photo_id, label, strength, taken FROM m
            ORDER BY {ordering} LIMIT {limit} OFFSET {skip}
        )"""
    else:
        cheap, ordering = order(sort, rank=False), "tier, " + order(sort)
        rank = " ".join(f"WHEN {n} THEN {p[3]}" for n, p in enumerate(parts))
        rest = (
            f""" UNION ALL SELECT 1, id, photo_id, label, strength, ranked, size, CAST(0 AS real)
                FROM (SELECT * FROM m ORDER BY {cheap} OFFSET {SCORED}) r"""
            if offset + per_page > SCORED
            else ""
        )
        shown = f"""top AS (
            SELECT id, photo_id, label, strength, ranked, size FROM m
            ORDER BY {cheap} LIMIT {SCORED}
        ), shown AS (
            SELECT * FROM (
                SELECT 0 AS tier, t.*, CAST(CASE t.label {rank} END AS real) AS rank
                FROM top t JOIN search_document d ON d.id = t.id{rest}
            ) u ORDER BY {ordering} LIMIT {limit} OFFSET {skip}
        )"""
    statement = f"""
        WITH m AS MATERIALIZED (
            SELECT d.id, d.photo_id, d.event_slug, d.photographer, d.year, d.kind, d.taken,
                   d.size, {label} AS label, {by_label(1)} AS strength, {by_label(2)} AS ranked
            FROM search_document d
            WHERE d.type = 'photo' AND ({where}){scope}
        ), {shown}, counted AS (
            SELECT count(*) AS total, count(*) FILTER (WHERE label = 0) AS exact FROM m
        )
        SELECT counted.total, counted.exact,
            (SELECT json_agg(x) FROM (
                SELECT s.photo_id, s.label, s.strength, d.event_slug, d.caption,
                       d.photographer, d.taken_at, d.title, d.taken, d.date_source
                FROM shown s JOIN search_document d ON d.id = s.id
                ORDER BY {", ".join("s." + c.strip() for c in ordering.split(","))}
            ) x) AS page,
            ({facets()}) AS facets
        FROM counted
    """
    [row] = fulltext.run(sql.session, statement, sql.params)
    return row


def events(sql: Sql, plan: QueryPlan) -> list[dict[str, Any]]:
    """Return the (at most five) event documents that match the plan, strongest first."""
    condition, strength, ranked, _rank = sql.plan(plan)
    statement = f"""
        SELECT d.event_slug, d.title, ({strength}) AS strength, ({ranked}) AS ranked
        FROM search_document d
        WHERE d.type = 'event' AND {condition}
        ORDER BY strength DESC, ranked DESC, d.id LIMIT 5
    """
    return fulltext.run(sql.session, statement, sql.params)
