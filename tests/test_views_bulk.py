"""Bulk work through the web: the selection bar's form, the JSON API, who may do what, CSRF."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from gallery.archive import Archive
from tests.conftest import ROLES, login, text_of
from tests.imagegen import photo


@pytest.fixture
def batch(archive: Archive, event: str, users, tmp_path: Path) -> dict[str, list[int]]:
    """Import six photos: four uploaded by the photographer, two by the editor; make a 2nd event."""
    archive.events.add("学术交流", "学术交流", dt.date(2024, 2, 1), slug="other")
    archive.exhibitions.create("院庆展")
    files = [photo(tmp_path / f"{n}.jpg", seed=n + 1) for n in range(6)]
    own = archive.imports.import_files(files[:4], event, caption="合影", uploader="photographer")
    other = archive.imports.import_files(files[4:], event, caption="合影", uploader="editor")
    return {"own": [r.photo_id for r in own], "other": [r.photo_id for r in other]}


def _keywords(archive: Archive, ids: list[int]) -> list[list[str]]:
    return [archive.exports.photo(i)["keywords"] for i in ids]


def test_one_form_post_changes_every_photo_and_records_each(app, archive: Archive, batch) -> None:
    client = app.test_client()
    token = login(client, "editor")
    ids = batch["own"] + batch["other"]
    answer = client.post(
        "/photos/bulk",
        data={
            "csrf_token": token,
            "ids": ",".join(map(str, ids)),
            "action": "add_keywords",
            "value": "义诊，党日",
            "next": "/events/exchange",
        },
    )
    assert answer.status_code == 302 and answer.headers["Location"] == "/events/exchange"
    assert _keywords(archive, ids) == [["义诊", "党日"]] * 6
    for photo_id in ids:
        [change] = archive.photos.history(photo_id)
        assert change["user"] == "editor"
        assert change["details"] == {"keywords": [[], ["义诊", "党日"]]}
    page = text_of(client.get("/events/exchange"))
    assert "6 张照片已更改" in page


def test_form_post_needs_the_csrf_token(app, archive: Archive, batch) -> None:
    client = app.test_client()
    login(client, "editor")
    answer = client.post(
        "/photos/bulk", data={"ids": str(batch["own"][0]), "action": "trash", "value": ""}
    )
    assert answer.status_code == 400
    assert archive.photos.trash() == []


def test_move_from_the_search_page_goes_back_to_it(app, archive: Archive, batch) -> None:
    client = app.test_client()
    token = login(client, "editor")
    answer = client.post(
        "/photos/bulk",
        data={
            "csrf_token": token,
            "ids": " ".join(map(str, batch["own"])),
            "action": "move",
            "value": "other",
            "next": "/search?q=合影",
        },
        follow_redirects=True,
    )
    assert answer.request.path == "/search"
    assert [p["id"] for p in archive.browse.event("other")["photos"]] == batch["own"]
    page = text_of(client.get("/events/other"))
    assert page.count("data-photo-id=") == 4


def test_somewhere_else_is_not_a_place_to_go_back_to(app, batch) -> None:
    client = app.test_client()
    token = login(client, "editor")
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        answer = client.post(
            "/photos/bulk",
            data={"csrf_token": token, "ids": "1", "action": "add_keywords", "value": "x"}
            | {"next": target},
        )
        assert answer.headers["Location"] == "/"


def test_a_photographer_changes_only_their_own(app, archive: Archive, batch) -> None:
    client = app.test_client()
    token = login(client, "photographer")
    mixed = batch["own"] + batch["other"][:1]
    form = {"csrf_token": token, "action": "add_keywords", "value": "义诊", "next": "/"}
    client.post("/photos/bulk", data=form | {"ids": ",".join(map(str, mixed))})
    assert _keywords(archive, mixed) == [[]] * 5  # nothing, not four of five
    assert "你只能更改自己上传的照片" in text_of(client.get("/"))
    client.post("/photos/bulk", data=form | {"ids": ",".join(map(str, batch["own"]))})
    assert _keywords(archive, batch["own"]) == [["义诊"]] * 4


ACTIONS = {
    "add_keywords": ("义诊", {"admin", "editor", "photographer"}),
    "caption_prefix": ("院庆：", {"admin", "editor", "photographer"}),
    "photographer": ("李满桂", {"admin", "editor", "photographer"}),
    "move": ("other", {"admin", "editor"}),
    "exhibit": (None, {"admin", "editor"}),
    "trash": ("", {"admin"}),
}


@pytest.mark.parametrize("role", ROLES)
def test_api_role_matrix(app, archive: Archive, batch, role: str) -> None:
    client = app.test_client()
    headers = {"X-CSRFToken": login(client, role)}
    exhibition = archive.exhibitions.all()[0]["slug"]
    for action, (value, allowed) in ACTIONS.items():
        answer = client.post(
            "/api/v1/photos/bulk",
            json={"ids": batch["own"], "action": action, "value": value or exhibition},
            headers=headers,
        )
        if role in allowed:
            assert answer.status_code == 200, (role, action, answer.json)
            assert answer.json == {"action": action, "selected": 4, "changed": 4}
        else:
            assert answer.status_code == 403, (role, action, answer.status_code)
    if role == "photographer":  # someone else's photo: refused whole
        answer = client.post(
            "/api/v1/photos/bulk",
            json={"ids": batch["own"] + batch["other"], "action": "add_keywords", "value": "甲"},
            headers=headers,
        )
        assert answer.status_code == 403 and "甲" not in _keywords(archive, batch["own"])[0]


def test_api_checks_csrf_for_sessions_not_for_tokens(app, runner, archive: Archive, batch) -> None:
    client = app.test_client()
    login(client, "editor")
    body = {"ids": batch["own"], "action": "set_keywords", "value": ["甲", "乙"]}
    assert client.post("/api/v1/photos/bulk", json=body).status_code == 400
    assert _keywords(archive, batch["own"]) == [[]] * 4
    token = runner.invoke(args=["token", "create", "editor"]).output.strip()
    script = app.test_client()
    answer = script.post(
        "/api/v1/photos/bulk", json=body, headers={"Authorization": f"Bearer {token}"}
    )
    assert answer.status_code == 200 and answer.json["changed"] == 4
    assert _keywords(archive, batch["own"]) == [["甲", "乙"]] * 4


def test_api_refuses_what_it_cannot_read(app, batch) -> None:
    client = app.test_client()
    headers = {"X-CSRFToken": login(client, "editor")}
    for body in (
        {"ids": "seven", "action": "trash"},
        {"ids": [], "action": "add_keywords", "value": "x"},
        {"ids": batch["own"], "action": "rename", "value": "x"},
        {"ids": batch["own"], "action": "move", "value": ""},
    ):
        answer = client.post("/api/v1/photos/bulk", json=body, headers=headers)
        assert answer.status_code in (400, 404) and answer.json["error"], body
    missing = client.post(
        "/api/v1/photos/bulk",
        json={"ids": [*batch["own"], 999_999], "action": "add_keywords", "value": "x"},
        headers=headers,
    )
    assert missing.status_code == 404


def _bar(page: str) -> list[str]:
    """Return the actions the selection bar of a page offers (empty: no bar)."""
    form = re.search(r'<form class="bulk-bar".*?</form>', page, re.S)
    return re.findall(r'<option value="(\w+)"', form[0].split("</select>")[0]) if form else []


def test_the_bar_offers_what_the_role_may_do(app, batch) -> None:
    keywords = ["add_keywords", "set_keywords", "remove_keywords", "caption_prefix", "photographer"]
    offers = {
        "admin": [*keywords, "move", "exhibit", "trash"],
        "editor": [*keywords, "move", "exhibit"],
        "photographer": keywords,
        "viewer": [],
    }
    for role, actions in offers.items():
        client = app.test_client()
        login(client, role)
        for url in ("/events/exchange", "/search?q=合影"):
            page = text_of(client.get(url))
            assert _bar(page) == actions, (role, url)
            assert page.count("data-photo-id=") == 6, (role, url)
            own = re.search(r'data-own="([^"]*)"', page)
            if role == "photographer":  # only their own photos can be selected
                assert own[1] == ",".join(map(str, batch["own"]))
            else:
                assert own is None


def test_exhibition_and_trash_from_the_form(app, archive: Archive, batch) -> None:
    client = app.test_client()
    token = login(client, "admin")
    slug = archive.exhibitions.all()[0]["slug"]
    ids = ",".join(map(str, batch["own"]))
    form = {"csrf_token": token, "ids": ids, "next": "/events/exchange"}
    client.post("/photos/bulk", data=form | {"action": "exhibit", "value": slug})
    assert "已将 4 张照片加入展览。" in text_of(client.get("/events/exchange"))
    assert [i["photo_id"] for i in archive.exhibitions.get(slug)["items"]] == batch["own"]
    client.post("/photos/bulk", data=form | {"action": "trash"})
    page = text_of(client.get("/events/exchange"))
    assert "已将 4 张照片移到回收站。" in page and page.count("data-photo-id=") == 2
    assert {p["id"] for p in archive.photos.trash()} == set(batch["own"])
    client.post("/photos/bulk", data=form | {"action": "add_keywords", "value": "x"})
    assert "所选的照片、活动或展览已不存在" in text_of(client.get("/"))  # they are in the trash
