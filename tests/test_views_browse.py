"""The web archive through Flask's test client. Event and photo pages, editing and the trash."""

from __future__ import annotations

import datetime as dt
import re

from gallery.archive import Archive
from tests.conftest import login, text_of
from tests.imagegen import encode, upright


def test_event_page_credit_line_grid_and_photo_page(client, archive, photos) -> None:
    archive.events.set_credits(
        "exchange", {"text": ["张雯"], "photo": ["杨军"], "review": ["刘强"]}
    )
    login(client, "viewer")
    page = text_of(client.get("/events/exchange"))
    assert re.search(r"文：张雯.*图：杨军.*审核：刘强", page, re.S)
    assert page.count('loading="lazy"') == 2 and 'srcset="' in page and 'width="320"' in page
    first = text_of(client.get(f"/photos/{photos[0]}"))
    assert "下一张" in first and "上一张" not in first
    assert "图／" in first and "下载原图" not in first
    assert client.get("/photos/999").status_code == 404


def test_editing_is_recorded_and_reaches_search(client, archive, photos, event) -> None:
    archive.events.add("另一个活动", "培训", dt.date(2024, 12, 1), slug="other")
    token = login(client, "editor")
    answer = client.post(
        f"/photos/{photos[1]}/edit",
        data={
            "caption": "全体党员在纪念馆前合影",
            "keywords": "合影，纪念馆、党员",
            "photographer": "楊 軍",
            "event": "other",
            "csrf_token": token,
        },
    )
    assert answer.status_code == 302
    record = archive.exports.photo(photos[1])
    assert record["keywords"] == ["合影", "纪念馆", "党员"] and record["event"] == "other"
    assert record["photographer"] == "杨军"  # the same person as 楊 軍
    assert [h.photo_id for h in archive.search.search("紀念館 合影").hits] == [photos[1]]
    [change] = archive.photos.history(photos[1])
    assert change["user"] == "editor" and change["details"]["event"] == ["exchange", "other"]
    assert "修改记录" in text_of(client.get(f"/photos/{photos[1]}"))


def test_trash_delete_restore_and_purge(client, runner, archive, photos) -> None:
    token = login(client, "admin")
    archive.photos.edit(photos[0], caption="待删除的合影")
    assert client.post(f"/photos/{photos[0]}/delete", data={"csrf_token": token}).status_code == 302
    assert client.get(f"/photos/{photos[0]}").status_code == 404
    assert archive.search.search("待删除").total == 0
    assert "待删除的合影" in text_of(client.get("/admin/trash"))
    answer = client.post(f"/admin/trash/{photos[0]}/restore", data={"csrf_token": token})
    assert answer.status_code == 302 and archive.search.search("待删除").total == 1
    archive.photos.delete(photos[0])
    sha = archive.exports.photo(photos[1])["sha256"]  # the other photo's files stay
    original = archive.store.original_path(archive.exports.photo(photos[0])["sha256"], "jpg")
    assert archive.photos.purge_trash() == 0  # not 30 days yet
    assert runner.invoke(args=["trash", "purge"]).output == "0 photos purged\n"
    later = dt.datetime.now(dt.UTC).replace(tzinfo=None) + dt.timedelta(days=31)
    assert archive.photos.purge_trash(later) == 1
    assert not original.exists() and archive.store.original_path(sha, "jpg").exists()
    assert archive.search.check().ok


def test_a_damaged_picture_is_flagged_on_its_page(
    archive: Archive, event: str, client, users, tmp_path
) -> None:
    data = encode(upright((800, 600)))
    cut = tmp_path / "cut.jpg"
    cut.write_bytes(data[: len(data) * 3 // 4])
    [result] = archive.imports.import_files([cut], event)
    assert result.status == "imported"
    login(client, "editor")
    page = text_of(client.get(f"/photos/{result.photo_id}"))
    assert "图片数据已损坏：部分画面无法解码。" in page
    login(client, "viewer")
    assert "图片数据已损坏" not in text_of(client.get(f"/photos/{result.photo_id}"))


def test_the_trash_page_never_purges_the_purge_is_a_post_with_csrf(client, archive, photos):
    from gallery.catalog import Photo

    token = login(client, "admin")
    archive.photos.delete(photos[0], user="admin")
    sha = archive.exports.photo(photos[0])["sha256"]
    with archive.catalog.transaction() as session:  # deleted 31 days ago: past its time
        session.get(Photo, photos[0]).deleted_at -= dt.timedelta(days=31)
    for _ in range(2):
        page = text_of(client.get("/admin/trash"))
        assert f"/media/thumb/{sha}.jpg" in page and "永久删除" in page
    assert len(archive.photos.trash()) == 1
    assert client.post("/admin/trash/purge").status_code == 400  # no CSRF token
    assert len(archive.photos.trash()) == 1
    answer = client.post("/admin/trash/purge", data={"csrf_token": token})
    assert answer.status_code == 302 and archive.photos.trash() == []
    assert not archive.store.original_path(sha, "jpg").exists()
    assert "回收站是空的" in text_of(client.get("/admin/trash"))
