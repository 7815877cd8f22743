"""The search outbox with several index folders and writers: every index applies every change once."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import func, select

from gallery import create_app, get_archive
from gallery.archive import Archive
from gallery.catalog import Photo
from gallery.catalog.models import SearchOutbox
from tests.imagegen import photo


def open_archive(tmp_path: Path, database_url: str, index: str) -> Archive:
    """Open an archive on the shared catalogue and media folder, with its own index folder."""
    config = {"MEDIA_DIR": tmp_path / "media", "INDEX_DIR": tmp_path / index}
    if database_url:
        config["DATABASE_URL"] = database_url
    return get_archive(create_app(config))


def outbox_rows(archive: Archive) -> int:
    """Return how many outbox rows the catalogue still keeps."""
    with archive.catalog.reading() as session:
        return session.scalar(select(func.count()).select_from(SearchOutbox))


def test_two_index_folders_each_apply_every_change(tmp_path: Path, database_url: str) -> None:
    a = open_archive(tmp_path, database_url, "index-a")
    b = open_archive(tmp_path, database_url, "index-b")
    event = a.events.add("义诊", "义诊", dt.date(2024, 1, 1), slug="e")
    [first] = a.imports.import_files(
        [photo(tmp_path / "1.jpg", seed=1)], event.slug, caption="测量血压"
    )
    assert [h.photo_id for h in b.search.search("血压").hits] == [first.photo_id]
    b.photos.edit(first.photo_id, caption="发放药品")
    assert [h.photo_id for h in a.search.search("药品").hits] == [first.photo_id]
    assert a.search.search("血压").total == 0 and b.search.search("血压").total == 0
    # Both folders passed every row: none is kept.
    assert outbox_rows(a) == 0
    assert a.search.check().ok and b.search.check().ok
    a.close()
    b.close()


def test_rows_wait_for_the_index_that_has_not_applied_them(
    tmp_path: Path, database_url: str
) -> None:
    a = open_archive(tmp_path, database_url, "index-a")
    b = open_archive(tmp_path, database_url, "index-b")
    b.search.sync()  # a host that served (gallery serve syncs as it starts)...
    b.close()  # ...then is down for a while
    event = a.events.add("义诊", "义诊", dt.date(2024, 1, 1), slug="e")
    a.imports.import_files([photo(tmp_path / "1.jpg", seed=1)], event.slug, caption="测量血压")
    assert outbox_rows(a) > 0
    b = open_archive(tmp_path, database_url, "index-b")  # back: its start applies what it missed
    assert b.search.search("血压").total == 1 and b.search.check().ok
    a.search.sync()
    assert outbox_rows(a) == 0
    a.close()
    b.close()


def test_a_new_index_folder_builds_itself(tmp_path: Path, database_url: str) -> None:
    a = open_archive(tmp_path, database_url, "index-a")
    event = a.events.add("义诊", "义诊", dt.date(2024, 1, 1), slug="e")
    a.imports.import_files([photo(tmp_path / "1.jpg", seed=1)], event.slug, caption="测量血压")
    a.close()
    b = open_archive(tmp_path, database_url, "index-new")
    assert b.search.search("血压").total == 1 and b.search.check().ok
    b.close()


def test_a_change_committed_after_a_later_one_is_applied(tmp_path: Path, database_url: str) -> None:
    if not database_url:
        pytest.skip("SQLite serialises writers: a later change cannot commit first")
    archive = open_archive(tmp_path, database_url, "index")
    event = archive.events.add("义诊", "义诊", dt.date(2024, 1, 1), slug="e")
    results = archive.imports.import_files(
        [photo(tmp_path / f"{n}.jpg", seed=n) for n in (1, 2)], event.slug, caption="开班"
    )
    slow, fast = (r.photo_id for r in results)
    with archive.catalog.transaction() as session:
        session.get(Photo, slow).caption = "测量血压"
        session.flush()  # its outbox row now holds an id, and is not committed
        archive.photos.edit(fast, caption="发放药品")  # a later id, committed and applied first
        assert [h.photo_id for h in archive.search.search("药品").hits] == [fast]
    assert [h.photo_id for h in archive.search.search("血压").hits] == [slow]
    assert archive.search.check().ok
    archive.close()
