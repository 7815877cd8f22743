"""Dates, times and seconds on the pages as people read them, in Chinese and in English."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from gallery.archive import Archive
from gallery.views import formats
from tests.conftest import login
from tests.imagegen import photo

TAKEN = {
    "DateTimeOriginal": "2024:11:01 09:12:08",
    "SubsecTimeOriginal": "037",
    "OffsetTimeOriginal": "+08:00",
}
READ = {
    "zh_CN": {"day": "2024年11月1日", "taken": "2024年11月1日 09:12"},
    "en": {"day": "1 Nov 2024", "taken": "1 Nov 2024, 09:12"},
}


def as_language(client, code: str) -> None:
    """Switch the interface language, as the header link does."""
    assert client.get(f"/lang/{code}").status_code == 302


@pytest.fixture
def taken_photo(archive: Archive, event: str, tmp_path: Path) -> int:
    """A photo taken at 2024-11-01 09:12:08.037+08:00 (its EXIF), in the event of 1 Nov 2024."""
    [result] = archive.imports.import_files([photo(tmp_path / "a.jpg", tags=TAKEN)], event)
    assert archive.exports.photo(result.photo_id)["taken_at"] == "2024-11-01T09:12:08.037+08:00"
    return result.photo_id


@pytest.mark.parametrize("code", ["zh_CN", "en"])
def test_the_photo_page_shows_when_it_was_taken_as_people_read_it(
    app, users, taken_photo: int, code: str
) -> None:
    client = app.test_client()
    login(client, "editor")
    as_language(client, code)
    page = client.get(f"/photos/{taken_photo}").get_data(as_text=True)
    assert f">{READ[code]['taken']}</time>" in page
    # Outside the table of every tag as the camera wrote it (raw on purpose), no seconds.
    outside = re.sub(r'<details class="tags">.*?</details>', "", page, flags=re.S)
    assert "09:12:08" not in outside.replace('datetime="2024-11-01T09:12:08.037+08:00"', "")
    assert f"{READ[code]['day']} 检验科学术交流" in page  # the event chooser


@pytest.mark.parametrize("code", ["zh_CN", "en"])
def test_the_home_page_and_event_page_write_days(app, users, taken_photo: int, code: str) -> None:
    client = app.test_client()
    login(client, "editor")
    as_language(client, code)
    home = client.get("/").get_data(as_text=True)
    assert READ[code]["day"] in home and "2024-11-01<" not in home


@pytest.mark.parametrize("code", ["zh_CN", "en"])
def test_the_exhibition_editor_and_the_overlay(
    app, archive: Archive, users, taken_photo: int, code: str
) -> None:
    slug = archive.exhibitions.create("党建成果展", "", "")
    archive.exhibitions.add_photos(slug, [taken_photo])
    archive.exhibitions.update(slug, settings={"seconds": 8, "poll_seconds": 30})
    archive.exhibitions.create_link(slug, "竖屏", {"orientation": "portrait", "seconds": 60})
    client = app.test_client()
    login(client, "editor")
    as_language(client, code)
    page = client.get(f"/exhibitions/{slug}").get_data(as_text=True)
    assert 'name="seconds" min="1" max="3600" step="0.5" value="8"' in page
    assert 'name="poll_seconds" min="1" max="3600" value="30"' in page
    assert "orientation=" not in page and "seconds=" not in page
    settings = {
        "zh_CN": "竖屏（旋转安装） · 每张 60 秒",
        "en": "Portrait (turned) · 60 s per photo",
    }
    assert settings[code] in page
    playlist = client.get(f"/exhibitions/{slug}/preview/playlist.json").get_json()
    assert playlist["slides"][0]["date"] == READ[code]["day"]


def test_times_the_server_records_are_shown_in_the_gallerys_zone(app) -> None:
    with app.test_request_context():
        # A visit recorded at 01:12 UTC happened at 09:12 in China.
        assert formats.when(dt.datetime(2024, 11, 1, 1, 12, 8, 37000)) == "2024年11月1日 09:12"
        # A camera's time stays as its clock showed it, whatever its offset.
        assert formats.taken("2024-11-01T09:12:08.037+08:00") == "2024年11月1日 09:12"
        assert formats.taken("2024-11-01T09:12:08-05:00") == "2024年11月1日 09:12"
        assert formats.taken("2024-11-01") == "2024年11月1日"
        assert formats.when(None) == "" and formats.day("") == ""


@pytest.mark.parametrize(
    ("value", "text"), [(8.0, "8"), (1.5, "1.5"), ("60", "60"), (0.25, "0.25")]
)
def test_seconds_without_needless_decimals(value, text: str) -> None:
    assert formats.seconds(value) == text


def test_no_page_shows_a_raw_timestamp(app, archive: Archive, users, taken_photo: int) -> None:
    client = app.test_client()
    login(client, "admin")
    archive.photos.edit(taken_photo, caption="改过的说明", user="admin")  # a line in the history
    raw = re.compile(r"\d{4}-\d\d-\d\d[ T]\d\d:\d\d")
    for url in ("/", f"/photos/{taken_photo}", "/search?q=说明", "/admin/trash"):
        page = client.get(url).get_data(as_text=True)
        shown = re.sub(r'(datetime|value|content)="[^"]*"', "", page)
        shown = re.sub(r'<details class="tags">.*?</details>', "", shown, flags=re.S)
        assert not raw.search(shown), (url, raw.search(shown).group(0))
