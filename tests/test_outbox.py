"""The search outbox: every searchable change leaves a row, and the index follows every commit."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import func, select

from gallery.archive import Archive
from gallery.catalog import Catalog, Event
from gallery.catalog.models import SearchOutbox
from tests.imagegen import photo


def _pending(catalog: Catalog) -> list[tuple[str, int]]:
    with catalog.reading() as session:
        return [(r.entity, r.entity_id) for r in session.scalars(select(SearchOutbox))]


def test_changes_leave_rows_and_listeners_run_after_commit(tmp_path: Path) -> None:
    catalog = Catalog(f"sqlite:///{tmp_path / 'c.sqlite3'}")
    catalog.migrate()
    calls: list[list[tuple[str, int]]] = []
    catalog.after_commit(lambda: calls.append(_pending(catalog)))
    with catalog.transaction() as session:
        session.add(Event(slug="e", title="义诊", kind="", start_date=dt.date(2024, 1, 1)))
    assert calls == [[("event", 1)]]  # called once, after the row was committed
    with catalog.transaction() as session:
        session.scalar(select(func.count()).select_from(Event))  # reads only
    assert len(calls) == 1, "a commit that changed nothing searchable tells nobody"
    catalog.close()


def test_a_failing_listener_never_undoes_the_commit(tmp_path: Path) -> None:
    catalog = Catalog(f"sqlite:///{tmp_path / 'c.sqlite3'}")
    catalog.migrate()

    def broken() -> None:
        raise OSError("the index is damaged")

    catalog.after_commit(broken)
    with catalog.transaction() as session:
        session.add(Event(slug="e", title="义诊", kind="", start_date=dt.date(2024, 1, 1)))
    assert _pending(catalog) == [("event", 1)]  # kept for the next sync
    catalog.close()


def test_a_batch_tells_listeners_once_per_so_many_commits(tmp_path: Path) -> None:
    catalog = Catalog(f"sqlite:///{tmp_path / 'c.sqlite3'}")
    catalog.migrate()
    calls: list[int] = []
    catalog.after_commit(lambda: calls.append(len(_pending(catalog))))
    with catalog.batched(every=3):
        for n in range(7):
            with catalog.transaction() as session:
                session.add(Event(slug=f"e{n}", title="t", kind="", start_date=dt.date(2024, 1, 1)))
    assert calls == [3, 6, 7]
    catalog.close()


def test_the_archive_index_follows_without_a_manual_sync(
    archive: Archive, event: str, tmp_path
) -> None:
    [result] = archive.imports.import_files([photo(tmp_path / "a.jpg")], event)
    archive.photos.edit(result.photo_id, caption="为牧民测量血压")
    assert [h.photo_id for h in archive.search.search("血压").hits] == [result.photo_id]
    assert _pending(archive.catalog) == []
