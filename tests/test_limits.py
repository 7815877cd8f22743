"""Text limits: an import keeps what fits with a warning; an edit beyond a limit is refused by field."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from gallery import create_app, get_archive
from gallery.errors import TooLong
from gallery.limits import DEFAULT_LIMITS, parse_limits
from gallery.metadata import read_metadata
from tests.conftest import csrf_token, login, text_of
from tests.imagegen import encode, iptc_block, resource, upright, with_iptc, with_segments, write

KEYWORDS = [(2, 25, f"关键词{i:05d}".encode()) for i in range(10_000)]
UTF8 = [(1, 90, b"\x1b%G")]


def _two_app13_segments(fields: list[tuple[int, int, bytes]]) -> bytes:
    """Return a JPEG whose IPTC is in several APP13 segments, each a whole IPTC resource."""
    groups, current, size = [], [], 0
    for item in fields:
        if size + 5 + len(item[2]) > 60_000:
            groups.append(current)
            current, size = [], 0
        current.append(item)
        size += 5 + len(item[2])
    groups.append(current)
    assert len(groups) > 1
    segments = [(0xED, b"Photoshop 3.0\x00" + resource(0x0404, iptc_block(g))) for g in groups]
    return with_segments(encode(upright()), segments)


def test_keywords_of_every_iptc_segment_are_read(tmp_path: Path) -> None:
    from gallery import images

    for name, data in (
        ("whole.jpg", _two_app13_segments(UTF8 + KEYWORDS)),
        ("cut.jpg", with_iptc(encode(upright()), UTF8 + KEYWORDS, parts=4)),
    ):
        path = write(tmp_path / name, data)
        with images.open_image(path, 10**8) as im:
            words = read_metadata(path, im).keywords()
        assert len(words) == 10_000 and words[-1] == "关键词09999", name


def test_an_import_keeps_what_fits_and_says_what_was_cut(archive, event, tmp_path: Path) -> None:
    # A 2.4 MB caption (80 IPTC caption datasets are joined) and 10,000 keywords in 4 segments.
    caption = [(2, 120, ("说明" * 5_000).encode())] * 80
    path = write(tmp_path / "bomb.jpg", _two_app13_segments(UTF8 + caption + KEYWORDS))
    [result] = archive.imports.import_files([path], event)
    assert result.status == "imported"
    shown = archive.exports.photo(result.photo_id)
    assert len(shown["caption"]) == DEFAULT_LIMITS["caption"]
    assert shown["keywords"] == [f"关键词{i:05d}" for i in range(DEFAULT_LIMITS["keywords"])]
    assert "caption cut to 2000 characters (it had 800079)" in shown["warnings"]
    assert "keywords: kept the first 100 of 10000 keywords" in shown["warnings"]


def test_limits_come_from_the_settings(tmp_path: Path, archive) -> None:
    assert parse_limits("caption:10, keywords:3")["caption"] == 10
    assert parse_limits("")["place"] == DEFAULT_LIMITS["place"]
    for bad in ("caption:0", "colour:3", "caption:many"):
        with pytest.raises(ValueError):
            parse_limits(bad)
    app = create_app(
        {
            "TESTING": True,
            "MEDIA_DIR": tmp_path / "m",
            "INDEX_DIR": tmp_path / "i",
            "TEXT_LIMITS": "title:10",
        }
    )
    try:
        with pytest.raises(TooLong) as refused:
            get_archive(app).events.add("一二三四五六七八九十一", "", dt.date(2024, 1, 1))
        assert refused.value.field == "title" and refused.value.limit == 10
    finally:
        get_archive(app).close()


def test_api_edits_beyond_a_limit_or_of_the_wrong_type_answer_400_naming_the_field(
    app, archive, photos
) -> None:
    client = app.test_client()
    bearer = {"Authorization": "Bearer " + archive.accounts.create_token("editor")}
    url = f"/api/v1/photos/{photos[0]}"
    for body, field in (
        ({"caption": "长" * 2_000_000}, "caption"),
        ({"keywords": [f"k{i}" for i in range(101)]}, "keywords"),
        ({"keywords": ["词" * 1001]}, "keywords"),
        ({"photographer": "名" * 201}, "photographer"),
        ({"caption": 5}, "caption"),
        ({"caption": {"zh": "x"}}, "caption"),
        ({"keywords": [1, 2]}, "keywords"),
        ({"keywords": {"a": 1}}, "keywords"),
        ({"photographer": ["x"]}, "photographer"),
        ({"event": 3}, "event"),
    ):
        answer = client.patch(url, json=body, headers=bearer)
        assert answer.status_code == 400 and answer.json["field"] == field, (body, answer.json)
    assert archive.exports.photo(photos[0])["caption"] == ""
    ok = client.patch(url, json={"caption": "长" * 2000}, headers=bearer)
    assert ok.status_code == 200
    event = client.post(
        "/api/v1/events",
        json={"title": "会", "date": "2024-01-01", "place": "地" * 1_000_000},
        headers=bearer,
    )
    assert event.status_code == 400 and event.json["field"] == "place"


def test_pages_refuse_a_long_caption_with_a_form_error_keeping_the_text(client, photos) -> None:
    token = login(client, "editor")
    typed = "一段很长的说明" * 300
    answer = client.post(
        f"/photos/{photos[0]}/edit",
        data={"caption": typed, "keywords": "甲，乙", "csrf_token": token},
    )
    page = text_of(answer)
    assert answer.status_code == 400
    assert "图片说明过长：最多 2000 个字符（现有 2100 个）。" in page
    assert typed in page and "甲，乙" in page  # what was typed is still in the form
    article = client.post(
        "/events/import-article",
        data={
            "text": "标题\n" + "正文" * 150_000,
            "title": "标题",
            "event_date": "2024-11-01",
            "action": "save",
            "csrf_token": csrf_token(client, "/events/import-article"),
        },
    )
    assert article.status_code == 400 and "文章正文过长" in text_of(article)
