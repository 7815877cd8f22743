"""Bulk work on photos: one action on many photos in one transaction, a change recorded per photo."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from gallery.archive import Archive
from gallery.errors import Forbidden, InvalidInput, NotFound, TooLong
from gallery.photos import BULK_LIMIT
from tests.imagegen import photo


@pytest.fixture
def ids(archive: Archive, event: str, users, tmp_path: Path) -> list[int]:
    """Import four photos into the event, uploaded by the photographer, captioned 合影."""
    files = [photo(tmp_path / f"{n}.jpg", seed=n + 1) for n in range(4)]
    results = archive.imports.import_files(
        files, event, caption="合影", uploader="photographer", photographer="李满桂"
    )
    return [r.photo_id for r in results]


def _found(archive: Archive, text: str, event: str | None = None) -> set[int]:
    """Return the ids of the photos a search finds."""
    return {h.photo_id for h in archive.search.search(text, event=event, per_page=100).hits}


def test_add_keywords_records_each_photo_and_reaches_search(
    archive: Archive, ids: list[int]
) -> None:
    archive.photos.edit(ids[0], keywords=["义诊"])  # already has it: not changed again
    changed = archive.photos.bulk_edit(ids, "add_keywords", ["义诊", " 党日 ", ""], user="editor")
    assert changed == 4
    assert [archive.exports.photo(i)["keywords"] for i in ids] == [["义诊", "党日"]] + [
        ["义诊", "党日"]
    ] * 3
    last = archive.photos.history(ids[0])[-1]
    assert last["user"] == "editor"
    assert last["details"] == {"keywords": [["义诊"], ["义诊", "党日"]]}
    assert archive.photos.history(ids[1])[-1]["details"] == {"keywords": [[], ["义诊", "党日"]]}
    assert _found(archive, "党日") == set(ids)
    # Nothing left to add: nothing changes and no history is written.
    assert archive.photos.bulk_edit(ids, "add_keywords", ["党日"]) == 0
    assert len(archive.photos.history(ids[1])) == 1


def test_set_and_remove_keywords(archive: Archive, ids: list[int]) -> None:
    archive.photos.bulk_edit(ids[:2], "set_keywords", ["甲", "乙", "甲"])
    archive.photos.bulk_edit(ids, "remove_keywords", ["甲"])
    assert [archive.exports.photo(i)["keywords"] for i in ids] == [["乙"], ["乙"], [], []]
    assert archive.photos.bulk_edit(ids[:1], "set_keywords", []) == 1  # clearing is allowed
    with pytest.raises(InvalidInput):
        archive.photos.bulk_edit(ids, "add_keywords", [" "])


def test_caption_prefix_is_not_doubled(archive: Archive, ids: list[int]) -> None:
    assert archive.photos.bulk_edit(ids, "caption_prefix", "2024年11月1日，") == 4
    assert archive.photos.bulk_edit(ids, "caption_prefix", "2024年11月1日，") == 0
    assert {archive.exports.photo(i)["caption"] for i in ids} == {"2024年11月1日，合影"}
    assert archive.photos.history(ids[2])[-1]["details"] == {
        "caption": ["合影", "2024年11月1日，合影"]
    }


def test_recredit_and_move_to_another_event(archive: Archive, event: str, ids: list[int]) -> None:
    other = archive.events.add("学术交流", "学术交流", dt.date(2024, 2, 1), slug="other").slug
    assert archive.photos.bulk_edit(ids[:3], "photographer", "楊 軍") == 3
    assert archive.photos.bulk_edit(ids[:3], "move", other, user="editor") == 3
    moved = [archive.exports.photo(i) for i in ids[:3]]
    # 楊 軍 is the person 杨军 the photographer's account already names.
    assert {(p["photographer"], p["event"]) for p in moved} == {("杨军", other)}
    assert [p["id"] for p in archive.browse.event(other)["photos"]] == ids[:3]
    assert [p["id"] for p in archive.browse.event(event)["photos"]] == ids[3:]
    assert archive.photos.history(ids[0])[-1]["details"] == {"event": [event, other]}
    assert _found(archive, "合影", event=other) == set(ids[:3])  # search follows the move
    with pytest.raises(NotFound):
        archive.photos.bulk_edit(ids, "move", "no-such-event")
    with pytest.raises(InvalidInput):
        archive.photos.bulk_edit(ids, "photographer", " ")


def test_one_transaction_all_or_nothing(archive: Archive, ids: list[int], tmp_path: Path) -> None:
    with pytest.raises(NotFound):
        archive.photos.bulk_edit([*ids, 999_999], "add_keywords", ["义诊"])
    [other] = archive.imports.import_files(
        [photo(tmp_path / "e.jpg", seed=9)], "exchange", uploader="editor"
    )
    with pytest.raises(Forbidden):
        archive.photos.bulk_edit(
            [*ids, other.photo_id], "add_keywords", ["义诊"], uploader="photographer"
        )
    assert all(archive.exports.photo(i)["keywords"] == [] for i in ids)
    assert all(archive.photos.history(i) == [] for i in ids)
    assert archive.photos.bulk_edit(ids, "add_keywords", ["义诊"], uploader="photographer") == 4


def test_trash_many(archive: Archive, event: str, ids: list[int]) -> None:
    assert archive.photos.bulk_edit(ids[1:], "trash", user="admin") == 3
    assert [p["id"] for p in archive.browse.event(event)["photos"]] == ids[:1]
    assert {p["id"] for p in archive.photos.trash()} == set(ids[1:])
    assert _found(archive, "合影") == {ids[0]}
    assert [c["action"] for c in archive.photos.history(ids[1])] == ["delete"]
    with pytest.raises(NotFound):  # a photo in the trash is not edited in bulk
        archive.photos.bulk_edit(ids, "add_keywords", ["义诊"])


def test_refusals(archive: Archive, ids: list[int]) -> None:
    with pytest.raises(InvalidInput):
        archive.photos.bulk_edit([], "add_keywords", ["义诊"])
    with pytest.raises(InvalidInput):
        archive.photos.bulk_edit(ids, "rename", "x")
    with pytest.raises(InvalidInput):
        archive.photos.bulk_edit(range(BULK_LIMIT + 1), "trash")
    with pytest.raises(InvalidInput):
        archive.photos.bulk_edit(ids, "caption_prefix", ["not", "text"])


def test_adding_to_an_exhibition_is_in_each_photos_history(
    archive: Archive, ids: list[int]
) -> None:
    slug = archive.exhibitions.create("院庆展")
    archive.exhibitions.add_photos(slug, ids[:1])
    assert archive.exhibitions.add_photos(slug, ids, user="editor") == 3
    assert [c["action"] for c in archive.photos.history(ids[0])] == ["exhibit"]  # once
    [change] = archive.photos.history(ids[3])
    assert (change["user"], change["details"]) == ("editor", {"exhibition": [None, slug]})


def test_a_bulk_change_past_a_text_limit_changes_nothing(archive: Archive, ids: list[int]) -> None:
    with pytest.raises(TooLong):
        archive.photos.bulk_edit(ids, "caption_prefix", "长" * 1999, user="editor")
    with pytest.raises(TooLong):
        archive.photos.bulk_edit(ids, "add_keywords", [f"词{n}" for n in range(300)], user="editor")
    assert {archive.exports.photo(i)["caption"] for i in ids} == {"合影"}
    assert all(len(archive.exports.photo(i)["keywords"]) < 300 for i in ids)
