"""The search outbox: every searchable change leaves a row; each search index applies every row once.

A session hook, not each use case, writes the rows: no import, edit, re-credit or delete can forget one.

Several processes and hosts may each keep their own index (a Whoosh folder per host) or share one (a
Whoosh folder on one machine, or the search tables in PostgreSQL), so a row cannot be deleted by the
first process that applies it. Instead:

* **sequence** — once its transaction has committed, a row gets a sequence number from the sequencer
  (the cursor row named ""), whose lock makes numbering one transaction at a time. Row ids cannot serve:
  a transaction holding id 7 may commit after the one holding id 8, and a cursor already past 8 would
  never see 7. A sequence number is only given to committed rows, in increasing order, so every row
  numbered later gets a larger number than every row a reader has seen numbered.
* **cursor** — each index (a "consumer") has a cursor row. Applying takes that row ``FOR UPDATE``:
  one writer per index at a time across processes and hosts, the others wait for it (a waiting request
  then finds its own change applied, or applies it). Documents are read from the catalogue when they
  are written, under that lock, so an index never gets an older version after a newer one.
* **collection** — a row is deleted once every consumer's cursor (and a running rebuild's hold) has
  passed it. A consumer not seen for :data:`FORGET_AFTER` stops holding rows back; if it comes back it
  finds its cursor gone and rebuilds.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import delete, event, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from gallery.catalog.models import (
    Credit,
    Event,
    Person,
    Photo,
    SearchCursor,
    SearchOutbox,
    utcnow,
)
from gallery.catalog.records import PhotoPerson

SEQUENCER = ""
#: A consumer (an index folder) unseen for this long no longer keeps outbox rows.
FORGET_AFTER = dt.timedelta(days=7)


def _entity(obj: Any) -> tuple[str, int] | None:
    """Return the (entity, id) the search index must refresh when ``obj`` changes."""
    if isinstance(obj, Photo):
        return ("photo", obj.id)
    if isinstance(obj, Event):
        return ("event", obj.id)
    if isinstance(obj, Credit):
        return ("event", obj.event_id) if obj.event_id else None
    if isinstance(obj, PhotoPerson):
        return ("photo", obj.photo_id) if obj.photo_id else None
    if isinstance(obj, Person):
        return ("person", obj.id)
    return None


def _record_changes(session: Session, _context: Any) -> None:
    """After a flush, insert one outbox row per changed searchable entity, in the same transaction."""
    changed = {
        entity
        for obj in (*session.new, *session.deleted, *session.dirty)
        if (obj in session.new or obj in session.deleted or session.is_modified(obj))
        and (entity := _entity(obj)) is not None
        and entity[1] is not None
    }
    if changed:
        rows = [{"entity": entity, "entity_id": entity_id} for entity, entity_id in sorted(changed)]
        session.connection().execute(insert(SearchOutbox), rows)
        session.info["outbox"] = True  # the catalogue tells its after-commit listeners


def install(session_factory: Any) -> None:
    """Attach the outbox hook to every session ``session_factory`` makes."""
    event.listen(session_factory, "after_flush", _record_changes)


def number(session: Session, limit: int = 5000) -> int:
    """Give committed rows without a sequence number the next numbers; return the last number."""
    if session.scalar(select(SearchOutbox.id).where(SearchOutbox.seq.is_(None)).limit(1)) is None:
        return session.scalar(select(SearchCursor.position).where(SearchCursor.consumer == ""))
    sequencer = session.scalar(
        select(SearchCursor).where(SearchCursor.consumer == SEQUENCER).with_for_update()
    )
    # Read under the sequencer's lock: a row another numbering gave a number is seen numbered.
    ids = session.scalars(
        select(SearchOutbox.id)
        .where(SearchOutbox.seq.is_(None))
        .order_by(SearchOutbox.id)
        .limit(limit)
    ).all()
    last = sequencer.position
    if ids:
        session.execute(
            update(SearchOutbox),
            [{"id": row_id, "seq": last + n} for n, row_id in enumerate(ids, 1)],
        )
        last += len(ids)
        sequencer.position = last
    return last


def cursor(session: Session, consumer: str) -> SearchCursor | None:
    """Lock and return this consumer's cursor (waiting for another writer of its index), if any."""
    found = session.scalar(
        select(SearchCursor).where(SearchCursor.consumer == consumer).with_for_update()
    )
    if found is not None:
        found.seen_at = utcnow()
    return found


def position(session: Session, consumer: str) -> int | None:
    """Return how far this consumer's index has applied the outbox: a plain read, no lock."""
    return session.scalar(select(SearchCursor.position).where(SearchCursor.consumer == consumer))


def start_cursor(session: Session, consumer: str, position: int) -> SearchCursor:
    """Create this consumer's cursor at ``position`` (or lock the one another process just made)."""
    try:
        with session.begin_nested():
            session.add(SearchCursor(consumer=consumer, position=position))
    except IntegrityError:
        pass
    return cursor(session, consumer)


def pending(session: Session, after: int, limit: int) -> list[SearchOutbox]:
    """Return the numbered rows after ``after``, in their order."""
    query = select(SearchOutbox).where(SearchOutbox.seq > after).order_by(SearchOutbox.seq)
    return list(session.scalars(query.limit(limit)))


def behind(session: Session, position: int | None) -> bool:
    """Tell whether rows past ``position`` (or not numbered yet) wait: a cheap read, no lock."""
    if position is None:
        return True
    waiting = (SearchOutbox.seq > position) | SearchOutbox.seq.is_(None)
    return session.scalar(select(SearchOutbox.id).where(waiting).limit(1)) is not None


def waiting(session: Session, consumer: str) -> int:
    """Count the rows this consumer has not applied yet (all of them before its first sync)."""
    position = session.scalar(
        select(SearchCursor.position).where(SearchCursor.consumer == consumer)
    )
    query = select(func.count()).select_from(SearchOutbox)
    if position is not None:
        query = query.where((SearchOutbox.seq > position) | SearchOutbox.seq.is_(None))
    return session.scalar(query)


def collect(session: Session) -> int:
    """Delete the rows every live consumer has passed; forget long-unseen consumers; return how many."""
    session.execute(
        delete(SearchCursor).where(
            SearchCursor.consumer != SEQUENCER, SearchCursor.seen_at < utcnow() - FORGET_AFTER
        )
    )
    consumers = SearchCursor.consumer != SEQUENCER
    passed = session.scalar(select(func.min(SearchCursor.position)).where(consumers))
    held = session.scalar(select(func.min(SearchCursor.hold)).where(consumers))
    if passed is None:
        return 0
    if held is not None:
        passed = min(passed, held)
    done = session.execute(delete(SearchOutbox).where(SearchOutbox.seq <= passed))
    return done.rowcount
