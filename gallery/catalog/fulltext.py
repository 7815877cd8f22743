"""The search documents in PostgreSQL: one row per photo and event, its tokens in a GIN-indexed tsvector.

The table is derived data, like a Whoosh folder: the search backend creates it when first used and a
rebuild empties it, so it is not part of the catalogue's migrations (and SQLite never has it). The
tokens are made in Python (:mod:`gallery.analysis`), each prefixed with its field, and stored as a
``tsvector`` literal: PostgreSQL's own parsers never see the text, so the analysis is the same as
Whoosh's. Queries are ``tsquery`` literals (``&`` for all, ``<->`` for a phrase).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from psycopg.rows import dict_row
from sqlalchemy import text
from sqlalchemy.orm import Session

COLUMNS = (
    "id",
    "type",
    "photo_id",
    "event_slug",
    "title",
    "caption",
    "photographer",
    "kind",
    "year",
    "taken",
    "taken_at",
    "date_source",
    "size",
    "stamp",
)
_DDL = (
    """CREATE TABLE IF NOT EXISTS search_document (
        id text PRIMARY KEY,
        type text NOT NULL,
        photo_id integer,
        event_slug text NOT NULL DEFAULT '',
        title text NOT NULL DEFAULT '',
        caption text NOT NULL DEFAULT '',
        photographer text NOT NULL DEFAULT '',
        kind text NOT NULL DEFAULT '',
        year text NOT NULL DEFAULT '',
        taken text NOT NULL DEFAULT '',
        taken_at text NOT NULL DEFAULT '',
        date_source text NOT NULL DEFAULT '',
        size integer NOT NULL DEFAULT 0,
        stamp text NOT NULL DEFAULT '',
        tokens tsvector NOT NULL
    )""",
    # No pending list (fastupdate): a search would read all of it, unsorted, on every query, and
    # after a rebuild it holds megabytes of the last documents until a vacuum merges it.
    "CREATE INDEX IF NOT EXISTS search_document_tokens ON search_document USING gin (tokens)"
    " WITH (fastupdate = off)",
    # The events alone: a plan's event lookups would otherwise fetch every photo that matches.
    "CREATE INDEX IF NOT EXISTS search_document_event_tokens ON search_document USING gin (tokens)"
    " WITH (fastupdate = off) WHERE type = 'event'",
    "CREATE INDEX IF NOT EXISTS search_document_event ON search_document (event_slug)",
    "CREATE INDEX IF NOT EXISTS search_document_type_taken ON search_document (type, taken)",
)
#: A bind parameter of a search statement (``:name``, never the ``::`` of a cast).
_BIND = re.compile(r"(?<![:\w]):([A-Za-z_]\w*)")
#: Positions a tsvector can hold (larger ones PostgreSQL folds into this one).
MAX_POSITION = 16383
#: Positions kept per lexeme (PostgreSQL keeps at most 256).
MAX_POSITIONS = 255


def quote(lexeme: str) -> str:
    """Quote one lexeme for a tsvector or tsquery literal."""
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


def tsvector(tokens: Mapping[str, Iterable[int]]) -> str:
    """Return the tsvector literal of lexemes and their positions (0-based; empty: none)."""
    parts = []
    for lexeme, positions in tokens.items():
        kept = sorted({min(p + 1, MAX_POSITION) for p in positions})[:MAX_POSITIONS]
        parts.append(quote(lexeme) + (":" + ",".join(map(str, kept)) if kept else ""))
    return " ".join(parts)


def create(session: Session) -> None:
    """Create the search table and its indexes if missing (one process at a time)."""
    session.execute(text("SELECT pg_advisory_xact_lock(hashtext('gallery search_document'))"))
    for statement in _DDL:
        session.execute(text(statement))
    options = "SELECT reloptions FROM pg_class WHERE relname = 'search_document_tokens'"
    if "fastupdate=off" not in (session.scalar(text(options)) or []):  # made before it was off
        pending_list(session, False)


def pending_list(session: Session, on: bool) -> None:
    """Let the GIN index collect new documents in its pending list, or merge it and stop.

    A rebuild's inserts go faster through the list; searches are faster without one.
    """
    setting = "on" if on else "off"
    session.execute(text(f"ALTER INDEX search_document_tokens SET (fastupdate = {setting})"))
    if not on:
        session.execute(text("SELECT gin_clean_pending_list('search_document_tokens')"))


def clear(session: Session) -> None:
    """Delete every search document."""
    session.execute(text("TRUNCATE search_document"))


def upsert(session: Session, rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert or replace documents (each a row of :data:`COLUMNS` plus its ``tokens`` literal)."""
    if not rows:
        return
    names = ", ".join((*COLUMNS, "tokens"))
    values = ", ".join(f":{c}" for c in COLUMNS) + ", CAST(:tokens AS tsvector)"
    updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in (*COLUMNS[1:], "tokens"))
    statement = text(
        f"INSERT INTO search_document ({names}) VALUES ({values}) "
        f"ON CONFLICT (id) DO UPDATE SET {updates}"
    )
    session.execute(statement, list(rows))


def delete(session: Session, ids: Sequence[str]) -> None:
    """Delete these documents."""
    if ids:
        session.execute(text("DELETE FROM search_document WHERE id = ANY(:ids)"), {"ids": ids})


def stamps(session: Session) -> dict[str, str]:
    """Return every document id with its stamp."""
    return {
        row[0]: row[1] for row in session.execute(text("SELECT id, stamp FROM search_document"))
    }


def events_matching(session: Session, query: str) -> list[str]:
    """Return the slugs of the events whose own document matches a tsquery literal."""
    statement = (
        "SELECT event_slug FROM search_document WHERE type = 'event'"
        " AND tokens @@ CAST(:q AS tsquery)"
    )
    return [row["event_slug"] for row in run(session, statement, {"q": query})]


def photographers(session: Session) -> list[str]:
    """Return the distinct photographer names of the photos."""
    query = "SELECT DISTINCT photographer FROM search_document WHERE photographer <> ''"
    return list(session.scalars(text(query)))


def run(session: Session, sql: str, params: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Run one search statement built by the search backend; return its rows as mappings.

    Never as a prepared statement: psycopg prepares one it has run five times, and PostgreSQL
    may then plan it once for any values, where the GIN index's selectivity is unknown and a
    bound array of slugs is searched element by element instead of hashed; a repeated search
    got slower than a new one.
    """
    connection = session.connection().connection.driver_connection
    with connection.cursor(row_factory=dict_row) as cursor:
        cursor.execute(_BIND.sub(r"%(\1)s", sql.replace("%", "%%")), dict(params), prepare=False)
        return cursor.fetchall()
