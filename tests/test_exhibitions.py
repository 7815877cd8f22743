"""Exhibitions and display links: curating, permissions, and what a display screen may receive."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from gallery.archive import Archive
from gallery.errors import Conflict, InvalidInput, NotFound
from gallery.exhibitions import DEFAULT_SETTINGS
from tests.conftest import GPS_TAGS, ROLES, login
from tests.imagegen import photo


@pytest.fixture
def show(archive: Archive, event: str, tmp_path: Path) -> tuple[str, list[int]]:
    """An exhibition of three photos (the first with GPS and a serial), curated in reverse order."""
    files = [
        photo(tmp_path / f"IMG_{n}.jpg", tags=GPS_TAGS if n == 0 else None, seed=n)
        for n in range(3)
    ]
    ids = [r.photo_id for r in archive.imports.import_files(files, event, photographer="杨军")]
    for n, photo_id in enumerate(ids):
        archive.photos.edit(photo_id, caption=f"第{n + 1}张")
    slug = archive.exhibitions.create("党建成果展", "展览介绍", "2024年11月")
    archive.exhibitions.add_event(slug, event)
    archive.exhibitions.reorder(slug, list(reversed(ids)))
    return slug, ids


def test_curating(archive: Archive, show) -> None:
    slug, ids = show
    shows = archive.exhibitions
    assert [i["photo_id"] for i in shows.get(slug)["items"]] == ids[::-1]
    assert shows.add_photos(slug, ids) == 0  # already in: they keep their places
    shows.move(slug, ids[0], -1)
    assert [i["photo_id"] for i in shows.get(slug)["items"]] == [ids[2], ids[0], ids[1]]
    shows.move(slug, ids[2], -5)  # already first: stays
    shows.set_caption(slug, ids[1], "展览专用说明")
    assert shows.get(slug)["items"][2]["override"] == "展览专用说明"
    assert (
        archive.exports.photo(ids[1])["caption"] == "第2张"
    )  # the photo's own caption is untouched
    shows.set_caption(slug, ids[1], "  ")
    assert shows.get(slug)["items"][2]["override"] is None
    with pytest.raises(Conflict):
        shows.reorder(slug, ids[:2])
    with pytest.raises(NotFound):
        shows.add_photos(slug, [999])
    shows.remove(slug, ids[0])
    assert len(shows.get(slug)["items"]) == 2
    with pytest.raises(InvalidInput):
        shows.update(slug, settings={"seconds": "0.1"})
    with pytest.raises(InvalidInput):
        shows.update(slug, settings={"transition": "spin"})
    shows.update(slug, settings={"seconds": "5", "overlay": "on"}, form=True)
    settings = shows.get(slug)["settings"]
    assert settings["seconds"] == 5.0 and settings["overlay"] is True
    assert settings["loop"] is False  # an unticked box


def test_playlist_carries_only_the_overlay(archive: Archive, show) -> None:
    slug, ids = show
    token = archive.exhibitions.create_link(slug, "大厅屏幕", {"orientation": "portrait"})
    playlist = archive.exhibitions.playlist(token)
    assert set(playlist) == {"title", "introduction", "dates", "settings", "slides", "version"}
    assert playlist["settings"] == {**DEFAULT_SETTINGS, "orientation": "portrait"}
    assert [s["caption"] for s in playlist["slides"]] == ["第3张", "第2张", "第1张"]
    for slide in playlist["slides"]:
        assert set(slide) == {"key", "width", "height", "caption", "photographer", "event", "date"}
    assert playlist["slides"][0]["photographer"] == "杨军"
    text = str(playlist)
    assert "36." not in text and "SN-0427718" not in text and "IMG_" not in text
    # Trashed photos leave the playlist; the version changes with any change.
    version = playlist["version"]
    archive.photos.delete(ids[1])
    again = archive.exhibitions.playlist(token)
    assert len(again["slides"]) == 2 and again["version"] != version


def test_display_routes(app, archive: Archive, show) -> None:
    slug, ids = show
    token = archive.exhibitions.create_link(slug, "大厅")
    client = app.test_client()  # no sign-in
    page = client.get(f"/display/{token}")
    assert page.status_code == 200 and b'id="player"' in page.data
    assert b'data-worker="/display/sw.js"' in page.data
    worker = client.get("/display/sw.js")
    assert worker.status_code == 200 and "javascript" in worker.mimetype
    answer = client.get(f"/display/{token}/playlist.json")
    assert answer.status_code == 200 and answer.headers["ETag"]
    same = client.get(
        f"/display/{token}/playlist.json", headers={"If-None-Match": answer.headers["ETag"]}
    )
    assert same.status_code == 304 and same.data == b""
    key = answer.json["slides"][0]["key"]
    image = client.get(f"/display/{token}/img/display/{key}.jpg")
    assert image.status_code == 200 and image.headers["Cache-Control"].endswith("immutable")
    with Image.open(io.BytesIO(image.data)) as im:
        assert not im.getexif() and "exif" not in im.info
    # A photo that is not in this exhibition, an original, or a size a player never needs: refused.
    other = archive.imports.import_files(
        [photo(Path(app.config["MEDIA_DIR"]).parent / "x.jpg", seed=77)], "exchange"
    )
    other_sha = archive.exports.photo(other[0].photo_id)["sha256"]
    assert client.get(f"/display/{token}/img/display/{other_sha}.jpg").status_code == 404
    assert client.get(f"/display/{token}/img/thumb/{key}.jpg").status_code == 404
    assert client.get(f"/media/display/{key}.jpg").status_code == 302  # the archive needs a sign-in
    assert client.get(f"/display/{token}x/playlist.json").status_code == 404
    # Revoked: the link, its playlist and its images stop working.
    link_id = archive.exhibitions.get(slug)["links"][0]["id"]
    archive.exhibitions.revoke_link(slug, link_id)
    assert client.get(f"/display/{token}/playlist.json").status_code == 404
    assert client.get(f"/display/{token}/img/display/{key}.jpg").status_code == 404


@pytest.mark.parametrize("role", ROLES)
def test_only_curators_curate(app, archive: Archive, users, show, role: str) -> None:
    slug, ids = show
    client = app.test_client()
    token = login(client, role)
    allowed = role in ("admin", "editor")
    pages = ["/exhibitions", f"/exhibitions/{slug}", f"/exhibitions/{slug}/preview"]
    for url in pages:
        assert (client.get(url).status_code == 200) == allowed, url
    posts = {
        f"/exhibitions/{slug}/photos/{ids[0]}": {"action": "up"},
        f"/exhibitions/{slug}/links": {"name": "屏幕"},
        f"/exhibitions/{slug}/settings": {"title": "新标题"},
        "/exhibitions/add-photo": {"exhibition": slug, "photo_ids": str(ids[0])},
    }
    for url, data in posts.items():
        status = client.post(url, data={**data, "csrf_token": token}).status_code
        assert (status in (200, 201, 302)) == allowed and (status == 403) != allowed, (url, status)


def test_editor_pages(app, archive: Archive, users, show) -> None:
    slug, ids = show
    client = app.test_client()
    token = login(client, "editor")
    created = client.post(
        f"/exhibitions/{slug}/links",
        data={"name": "门厅竖屏", "orientation": "portrait", "csrf_token": token},
    )
    assert created.status_code == 201
    link = (
        created.get_data(as_text=True)
        .split('id="new-link"')[0]
        .rsplit('value="', 1)[1]
        .split('"')[0]
    )
    assert link.startswith("http://localhost/display/")
    assert client.get(link.removeprefix("http://localhost")).status_code == 200
    page = client.get(f"/exhibitions/{slug}").get_data(as_text=True)
    assert "门厅竖屏" in page and link not in page  # the secret is shown once only
    moved = client.post(
        f"/exhibitions/{slug}/photos/{ids[0]}", data={"action": "up", "csrf_token": token}
    )
    assert moved.status_code == 302
    assert [i["photo_id"] for i in archive.exhibitions.get(slug)["items"]] == [
        ids[2],
        ids[0],
        ids[1],
    ]
    order = client.post(
        f"/exhibitions/{slug}/order", json={"photos": ids}, headers={"X-CSRFToken": token}
    )
    assert order.status_code == 200
    assert [i["photo_id"] for i in archive.exhibitions.get(slug)["items"]] == ids
    stale = client.post(
        f"/exhibitions/{slug}/order", json={"photos": ids[:1]}, headers={"X-CSRFToken": token}
    )
    assert stale.status_code == 409
    searched = client.post(f"/exhibitions/{slug}/add", data={"query": "第", "csrf_token": token})
    assert searched.status_code == 302
    added = client.post(
        "/exhibitions/add-photo",
        data={"exhibition": slug, "photo_ids": ids[0], "csrf_token": token},
    )
    assert added.location == f"/photos/{ids[0]}"
