"""Search in PostgreSQL (``GALLERY_SEARCH=postgres``): the same plans and results as the Whoosh index.

A document's tokens are the ones the Whoosh fields hold (:mod:`gallery.analysis`), each prefixed with
its field (``t:`` text grams, ``n:`` names, ``p:`` pinyin, ``w:`` words, ``pe:`` whole names, ``e:``,
``pl:``, ``k:`` an event's title, place and kind), in one tsvector with a GIN index. A plan becomes
one SQL statement: each option a ``tsquery`` match (``&`` for every term, ``<->`` for a phrase), an
event's match reaching its photos through the event's slug, filters on columns; strength and the
ranking words count as in :mod:`gallery.search_index.evaluate`, then ``ts_rank_cd``; facets are
``GROUP BY`` over the matches. Several hosts then share nothing but the database and the media.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from gallery.analysis import (
    FACETS,
    Clause,
    DateRange,
    Exact,
    Match,
    Option,
    QueryPlan,
    document_text,
    gram_tokens,
    names_text,
    pinyin_tokens,
    word_tokens,
)
from gallery.catalog import Catalog, fulltext
from gallery.highlight import highlight
from gallery.search_index import Hit, Results
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


def document_row(document: dict[str, Any]) -> dict[str, Any]:
    """Return the table row of an indexer document, its tokens as in the Whoosh fields."""
    is_event = document["type"] == "event"
    text, names = document_text(document)
    tokens: dict[str, list[int]] = defaultdict(list)

    def grams(field: str, value: str) -> None:
        for token, position in gram_tokens(search_key(value)):
            tokens[PREFIX[field] + token].append(position)

    grams("text", text)
    grams("names", names_text(names))
    grams("people", names_text(document.get("people", [])))
    for name in names:
        tokens["pe:" + search_key(name).replace(" ", "")]
    for n, word in enumerate(word_tokens(f"{text}\n{' '.join(names)}")):
        tokens["w:" + word].append(n)
    for token, position in pinyin_tokens(text):
        tokens["p:" + token].append(position)
    if is_event:
        grams("event", document.get("title", ""))
        grams("place", document.get("place", ""))
        grams("kind", document.get("kind", ""))
    return {
        "id": document["id"],
        "type": document["type"],
        "photo_id": document.get("photo_id"),
        "event_slug": document.get("event_slug", ""),
        "title": document.get("title", ""),
        "caption": document.get("caption", ""),
        "photographer": document.get("photographer") or "",
        "kind": document.get("kind", ""),
        "year": document.get("year", ""),
        "taken": document.get("taken", ""),
        "taken_at": document.get("taken_at") or "",
        "date_source": document.get("date_source", ""),
        "size": len(text),
        "stamp": document.get("stamp", ""),
        "tokens": fulltext.tsvector(tokens),
    }


def tsquery(option: Match) -> str:
    """Return the tsquery literal of a match: every term, or the terms in a row for a phrase.

    "ordered" (terms in order, any gap between) has no tsquery operator: it asks for every term.
    """
    prefix = PREFIX[option.field]
    joiner = " <-> " if option.mode == "phrase" else " & "
    return joiner.join(fulltext.quote(prefix + t) for t in option.terms)


class _Sql:
    """One search being built: its bind parameters, named in order, and the session it reads in.

    Every statement of a search runs in one session (one connection, one snapshot), and an
    event lookup that the page, the count and the events ask alike runs once.
    """

    def __init__(self, session: Any, *, events: bool = False) -> None:
        self.session = session
        self.events = events  # matching the events' own documents
        self.params: dict[str, Any] = {}
        self._looked_up: dict[str, Any] = {}  # event slugs by tsquery; the photographers

    def fork(self, *, events: bool = False) -> _Sql:
        """Return a new statement in the same session, sharing what was looked up."""
        other = _Sql(self.session, events=events)
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

    def plan(self, plan: QueryPlan) -> tuple[str, str, str, str]:
        """Return a plan's condition, strength, ranking-word count and ts_rank_cd expressions."""
        words = [self.clause(c) for c in plan.clauses if not c.is_filter]
        filters = [self.clause(c) for c in plan.clauses if c.is_filter]
        required = filters + ([] if plan.minimum else words)
        conditions = []
        # Clauses that only ask the tokens become one tsquery: one GIN index scan for all.
        alone = [q for q, others, _s, _o in required if q and not others]
        if alone:
            conditions.append(self.matches(" & ".join(f"({q})" for q in alone)))
        conditions += [self.condition(q, o) for q, o, _s, _o in required if not q or o]
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


#: Matches that ``ts_rank_cd`` orders among equals: the first ones by the cheap keys (the Whoosh
#: index's order: strength, ranking words, shorter text). Scoring a document's positions costs
#: microseconds, which over every match of a common word was most of a search's time.
SCORED = 200


def _order(sort: str, rank: bool = True) -> str:
    """Return the ORDER BY of matches: fallbacks below, then by date or by strength."""
    if sort == "date":
        return "label, taken DESC, photo_id"
    if sort == "date-asc":
        return "label, taken, photo_id DESC"
    return f"label, strength DESC, ranked DESC, {'rank DESC, ' if rank else ''}size, photo_id"


def _facets() -> str:
    """Return the facet counts over the matches ``m``: one pass, a grouping set per facet."""
    columns = list(FACET_COLUMNS.values())
    full = (1 << len(columns)) - 1
    names = " ".join(
        f"WHEN {full ^ (1 << (len(columns) - 1 - n))} THEN '{name}'"
        for n, name in enumerate(FACET_COLUMNS)
    )
    return f"""
        SELECT CASE GROUPING({", ".join(columns)}) {names} END AS facet,
               COALESCE({", ".join(columns)}) AS value, count(*) AS n
        FROM m GROUP BY GROUPING SETS ({", ".join(f"({c})" for c in columns)})"""


class PostgresSearch:
    """The search documents in the catalogue's PostgreSQL database, with the Whoosh index's methods."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        with catalog.transaction() as session:
            fulltext.create(session)

    def outdated(self) -> bool:
        """Tell whether the stored index is of another shape: never here, migrations shape the table."""
        return False

    def clear(self) -> None:
        """Empty the index (a rebuild starts here)."""
        with self.catalog.transaction() as session:
            fulltext.clear(session)

    def write(self, documents: Iterable[dict[str, Any]], deletions: Iterable[str] = ()) -> None:
        """Add or replace documents and delete ids, in one transaction."""
        rows = [document_row(d) for d in documents]
        with self.catalog.transaction() as session:
            fulltext.delete(session, list(deletions))
            for start in range(0, len(rows), 500):
                fulltext.upsert(session, rows[start : start + 500])

    def bulk(self, batches: Iterable[Iterable[dict[str, Any]]]) -> None:
        """Add the documents of an emptied index, a batch per transaction.

        The GIN index collects them in its pending list meanwhile (inserted a page at a time, not
        a posting at a time), merged into the index at the end.
        """
        with self.catalog.transaction() as session:
            fulltext.pending_list(session, True)
        try:
            for batch in batches:
                self.write(batch)
        finally:
            with self.catalog.transaction() as session:
                fulltext.pending_list(session, False)

    def optimize(self) -> None:
        """Nothing to merge: PostgreSQL maintains the GIN index itself."""

    def stamps(self) -> dict[str, str]:
        """Return every document id with the stamp of the content it was indexed from."""
        with self.catalog.reading() as session:
            return fulltext.stamps(session)

    def close(self) -> None:
        """Nothing to close: the catalogue owns the connections."""

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

        When the plan matches fewer than ``few`` photos, each fallback plan adds its other matches
        below, in order. Every statement runs in one reading session.
        """
        fallbacks = list(fallbacks)
        labelled = [("exact", plan)]
        with self.catalog.reading() as session:
            sql = _Sql(session)
            answer = _query(sql, labelled, event, sort, page, per_page)
            if answer["exact"] < few and fallbacks:
                labelled += fallbacks
                answer = _query(sql.fork(), labelled, event, sort, page, per_page)
            events = _events(sql.fork(events=True), plan) if plan.clauses else []
        labels = [label for label, _plan in labelled]
        hits = [
            Hit(
                photo_id=row["photo_id"],
                event=row["event_slug"],
                caption=row["caption"],
                photographer=row["photographer"] or None,
                taken_at=row["taken_at"] or None,
                score=float(row["strength"]),
                highlight=highlight(row["caption"], plan.needles) if row["caption"] else "",
                event_title=row["title"],
                date=row["taken"],
                date_from_event=row["date_source"] == "event",
                match=labels[row["label"]],
            )
            for row in answer["page"] or []
        ]
        facets: dict[str, dict[str, int]] = {name: {} for name in FACETS}
        for row in answer["facets"] or []:
            if row["value"]:
                facets[row["facet"]][row["value"]] = row["n"]
        facets = {
            name: dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
            for name, counts in facets.items()
        }
        results = Results(answer["total"], hits, facets, events, exact=answer["exact"])
        results.relaxed = answer["total"] > answer["exact"]
        return results


def _query(
    sql: _Sql,
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
        order = _order(sort)
        shown = f"""shown AS (
            SELECT id, photo_id, label, strength, taken FROM m
            ORDER BY {order} LIMIT {limit} OFFSET {skip}
        )"""
    else:
        cheap, order = _order(sort, rank=False), "tier, " + _order(sort)
        rank = " ".join(f"WHEN {n} THEN {p[3]}" for n, p in enumerate(parts))
        rest = (
            f""" UNION ALL SELECT 1, id, photo_id, label, strength, ranked, CAST(0 AS real), size
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
            ) u ORDER BY {order} LIMIT {limit} OFFSET {skip}
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
                ORDER BY {", ".join("s." + c.strip() for c in order.split(","))}
            ) x) AS page,
            (SELECT json_agg(f) FROM ({_facets()}) f) AS facets
        FROM counted
    """
    [row] = fulltext.run(sql.session, statement, sql.params)
    for key in ("page", "facets"):
        if isinstance(row[key], str):
            row[key] = json.loads(row[key])
    return row


def _events(sql: _Sql, plan: QueryPlan) -> list[dict[str, Any]]:
    """Return the (at most five) events whose documents match the plan, strongest first."""
    condition, strength, ranked, _rank = sql.plan(plan)
    statement = f"""
        SELECT d.event_slug, d.title, ({strength}) AS strength, ({ranked}) AS ranked
        FROM search_document d
        WHERE d.type = 'event' AND {condition}
        ORDER BY strength DESC, ranked DESC, d.id LIMIT 5
    """
    rows = fulltext.run(sql.session, statement, sql.params)
    return [
        {
            "slug": row["event_slug"],
            "title": row["title"],
            "score": float(row["strength"]),
            "highlight": highlight(row["title"], plan.needles),
        }
        for row in rows
    ]
