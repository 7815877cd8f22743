"""Every change to searchable rows leaves a search-outbox row in its own transaction, automatically.

A session hook, not each use case, writes the rows: no import, edit, re-credit or delete can forget one.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, insert
from sqlalchemy.orm import Session

from gallery.catalog.models import Credit, Event, Person, Photo, SearchOutbox
from gallery.catalog.records import PhotoPerson


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
