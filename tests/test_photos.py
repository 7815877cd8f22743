"""Photos as staff change them: edits with their history, the trash, the purge."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from gallery.archive import Archive
from gallery.catalog.models import utcnow
from gallery.errors import NotFound
from tests.imagegen import photo


@pytest.fixture
def photo_id(archive: Archive, event: str, tmp_path: Path) -> int:
    [result] = archive.imports.import_files([photo(tmp_path / "a.jpg")], event, caption="旧说明")
    return result.photo_id


def test_an_edit_records_before_and_after(archive: Archive, photo_id: int) -> None:
    archive.photos.edit(photo_id, user="editor", caption=" 新说明 ", keywords=["义诊", " 义诊", ""])
    archive.photos.edit(photo_id, user="editor", caption="新说明")  # no change, no record
    [change] = archive.photos.history(photo_id)
    assert change["user"] == "editor" and change["action"] == "edit"
    assert change["details"] == {"caption": ["旧说明", "新说明"], "keywords": [[], ["义诊"]]}
    assert archive.exports.photo(photo_id)["keywords"] == ["义诊"]


def test_photographer_by_name_and_event_by_slug(archive: Archive, photo_id: int) -> None:
    other = archive.events.add("学术交流", "学术交流", dt.date(2024, 2, 1), slug="other")
    archive.photos.edit(photo_id, photographer="楊 軍", event=other.slug)
    record = archive.exports.photo(photo_id)
    assert record["photographer"] == "楊軍" and record["event"] == "other"  # spaced name joined
    with pytest.raises(NotFound):
        archive.photos.edit(photo_id, event="no-such-event")


def test_trash_restore_and_purge_after_the_days(archive: Archive, photo_id: int) -> None:
    original = archive.store.original_path(archive.exports.photo(photo_id)["sha256"], "jpg")
    archive.photos.delete(photo_id, user="admin")
    with pytest.raises(NotFound):
        archive.photos.edit(photo_id, caption="x")
    assert [p["id"] for p in archive.photos.trash()] == [photo_id]
    archive.photos.restore(photo_id, user="admin")
    assert archive.photos.trash() == []
    archive.photos.delete(photo_id)
    assert archive.photos.purge_trash() == 0  # not yet
    later = utcnow() + dt.timedelta(days=31)
    assert archive.photos.purge_trash(later) == 1
    assert not original.exists()
    with pytest.raises(NotFound):
        archive.exports.photo(photo_id)
    actions = [c["action"] for c in archive.photos.history(photo_id)]
    assert actions == ["delete", "restore", "delete", "purge"]
