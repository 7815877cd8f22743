"""Search in PostgreSQL (``GALLERY_SEARCH=postgres``): the same plans and results as the Whoosh index.

A document's tokens are the ones the Whoosh fields hold (:mod:`gallery.analysis`), each prefixed with
its field (``t:`` text grams, ``n:`` names, ``p:`` pinyin, ``w:`` words, ``pe:`` whole names, ``e:``,
``pl:``, ``k:`` an event's title, place and kind), in one tsvector with a GIN index. A plan becomes
one SQL statement (:mod:`gallery.pg_statements`) that pages, counts and facets the matches; all of
a search's statements run in one reading session. Several hosts then share nothing but the
database and the media.
"""

from __future__ import annotations

import contextlib
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from gallery.analysis import (
    FACETS,
    QueryPlan,
    document_text,
    gram_tokens,
    names_text,
    pinyin_tokens,
    word_tokens,
)
from gallery.catalog import Catalog, fulltext
from gallery.highlight import highlight
from gallery.pg_statements import PREFIX, Sql, query
from gallery.pg_statements import events as matched_events
from gallery.search_index import Hit, Results
from gallery.text import search_key


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

    def build(self, batches: Iterable[Iterable[dict[str, Any]]]) -> None:
        """Refill the table in place (a rebuild): there is no second copy to build beside it."""
        self.clear()
        self.bulk(batches)

    def swap(self, _built: None) -> None:
        """Nothing to swap: :meth:`build` filled the live table."""

    def discard(self, _built: None) -> None:
        """Nothing to remove: :meth:`build` wrote no second copy."""

    def rebuilding(self) -> contextlib.AbstractContextManager[None]:
        """Return no lock: the outbox cursor's row already orders the writers."""
        return contextlib.nullcontext()

    def reopen(self) -> None:
        """Nothing to reopen: every search reads the table as it is."""

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
            sql = Sql(session)
            answer = query(sql, labelled, event, sort, page, per_page)
            if answer["exact"] < few and fallbacks:
                labelled += fallbacks
                answer = query(sql.fork(), labelled, event, sort, page, per_page)
            events = [
                {
                    "slug": row["event_slug"],
                    "title": row["title"],
                    "score": float(row["strength"]),
                    "highlight": highlight(row["title"], plan.needles),
                }
                for row in (matched_events(sql.fork(events=True), plan) if plan.clauses else [])
            ]
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
        counted = answer["facets"] or {}
        facets = {name: counted.get(name, {}) for name in FACETS}
        results = Results(answer["total"], hits, facets, events, exact=answer["exact"])
        results.relaxed = answer["total"] > answer["exact"]
        return results
