"""The web archive through Flask's test client: every route, the role matrix, CSRF, media, the API."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import zipfile
from pathlib import Path

import pytest

from gallery.archive import Archive
from tests.conftest import ROLES, csrf_token, login
from tests.imagegen import encode, photo, upright

GPS_TAGS = {
    "Make": "Canon",
    "Model": "EOS R6",
    "BodySerialNumber": "SN-0427718",
    "DateTimeOriginal": "2024:11:01 10:00:00",
    "GPSLatitudeRef": "N",
    "GPSLatitude": (36.0, 16.0, 50.0),
    "GPSLongitudeRef": "E",
    "GPSLongitude": (100.0, 37.0, 11.0),
}
HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


@pytest.fixture
def photos(archive: Archive, event: str, users, tmp_path: Path) -> list[int]:
    """Import two photos into the event: one with GPS and a camera serial, one plain."""
    first = photo(tmp_path / "in" / "秘密文件名-IMG_0427.jpg", tags=GPS_TAGS, seed=1)
    second = photo(tmp_path / "in" / "b.jpg", seed=2)
    results = archive.import_files([first, second], event, uploader="photographer")
    return [r.photo_id for r in results]


def text_of(answer) -> str:
    """Return an answer's body as text."""
    return answer.get_data(as_text=True)


# ------------------------------------------------------------------------------ signing in


def test_pages_need_a_sign_in(client, photos) -> None:
    for url in ("/", "/events/exchange", f"/photos/{photos[0]}", "/search?q=x", "/upload"):
        answer = client.get(url)
        assert answer.status_code == 302 and answer.location.startswith("/login?next=")
    assert client.get("/api/v1/events").status_code == 401
    assert client.get("/api/v1/events").json == {"error": "请先登录。"}


def test_sign_in_cookie_flags_and_sign_out(client, users) -> None:
    token = csrf_token(client)
    wrong = client.post(
        "/login", data={"username": "admin", "password": "nope", "csrf_token": token}
    )
    assert wrong.status_code == 401 and "用户名或密码错误" in text_of(wrong)
    answer = client.post(
        "/login",
        data={
            "username": "admin",
            "password": "password-admin",
            "csrf_token": token,
            "next": "/search",
        },
    )
    assert answer.status_code == 302 and answer.location == "/search"
    cookie = answer.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert client.get("/").status_code == 200
    # Signing out is a POST with the CSRF token.
    assert client.post("/logout").status_code == 400
    assert client.post("/logout", data={"csrf_token": csrf_token(client, "/")}).status_code == 302
    assert client.get("/").status_code == 302


def test_no_open_redirect_after_sign_in(client, users) -> None:
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        answer = client.post(
            "/login",
            data={
                "username": "viewer",
                "password": "password-viewer",
                "csrf_token": csrf_token(client),
                "next": target,
            },
        )
        assert answer.location == "/"


def test_sign_in_attempts_are_limited(client, users) -> None:
    token = csrf_token(client)
    for _ in range(5):
        data = {"username": "editor", "password": "wrong", "csrf_token": token}
        assert client.post("/login", data=data).status_code == 401
    data = {"username": "editor", "password": "password-editor", "csrf_token": token}
    answer = client.post("/login", data=data)
    assert answer.status_code == 429 and "尝试次数过多" in text_of(answer)


def test_every_route_checks_a_permission(app) -> None:
    """Only signing in, the language switch, static files and display links go without a role."""
    open_by_design = {"static", "auth.login", "auth.logout", "auth.language"}
    unguarded = [
        endpoint
        for endpoint, view in app.view_functions.items()
        if not hasattr(view, "permission")
        and endpoint not in open_by_design
        and not endpoint.startswith("display.")  # a secret link, checked per request
    ]
    assert unguarded == []


def test_security_headers(client, users) -> None:
    login(client, "viewer")
    headers = client.get("/").headers
    csp = headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Cache-Control"] == "no-store"


def test_language_switch(client, users) -> None:
    login(client, "viewer")
    assert "搜索" in text_of(client.get("/"))
    assert client.get("/lang/en?next=/").location == "/"
    page = text_of(client.get("/"))
    assert "Search" in page and "搜索" not in page and 'lang="en"' in page
    assert client.get("/lang/xx").status_code == 404


# ------------------------------------------------------------------------------- role matrix


# What each action is, and which roles may do it. Everyone not listed gets 403.
def _actions(photo_id: int, other_id: int):
    return {
        "view home": (("GET", "/", None), set(ROLES)),
        "view photo": (("GET", f"/photos/{photo_id}", None), set(ROLES)),
        "upload page": (("GET", "/upload", None), {"admin", "editor", "photographer"}),
        "edit own upload": (
            ("POST", f"/photos/{photo_id}/edit", {"caption": "x"}),
            {"admin", "editor", "photographer"},
        ),
        "edit someone else's": (
            ("POST", f"/photos/{other_id}/edit", {"caption": "y"}),
            {"admin", "editor"},
        ),
        "download original": (
            ("GET", f"/photos/{photo_id}/original", None),
            {"admin", "editor", "photographer"},
        ),
        "press pack": (
            ("GET", "/events/exchange/press-pack.zip", None),
            {"admin", "editor", "photographer"},
        ),
        "import article page": (("GET", "/events/import-article", None), {"admin", "editor"}),
        "trash": (("GET", "/admin/trash", None), {"admin"}),
        "users": (("GET", "/admin/users", None), {"admin"}),
        "delete": (("POST", f"/photos/{other_id}/delete", {}), {"admin"}),
    }


@pytest.mark.parametrize("role", ROLES)
def test_role_matrix(app, archive: Archive, event: str, users, tmp_path: Path, role: str) -> None:
    [own] = archive.import_files(
        [photo(tmp_path / "a.jpg", seed=1)], event, uploader="photographer"
    )
    [other] = archive.import_files([photo(tmp_path / "b.jpg", seed=2)], event, uploader="editor")
    client = app.test_client()
    token = login(client, role)
    for name, ((method, url, data), allowed) in _actions(own.photo_id, other.photo_id).items():
        if data is not None:
            data = {**data, "csrf_token": token}
        answer = client.open(url, method=method, data=data)
        expected = "allowed" if role in allowed else "forbidden"
        got = "forbidden" if answer.status_code == 403 else "allowed"
        assert answer.status_code in (200, 302, 403), (name, answer.status_code)
        assert got == expected, f"{role} / {name}: {answer.status_code}"


@pytest.mark.parametrize("role", ROLES)
def test_api_role_matrix(app, archive: Archive, event: str, users, tmp_path: Path, role) -> None:
    [mine] = archive.import_files([photo(tmp_path / "a.jpg", seed=3)], event, uploader="editor")
    client = app.test_client()
    token = login(client, role)
    headers = {"X-CSRFToken": token}
    upload = client.post(
        "/api/v1/photos",
        data={
            "file": (io.BytesIO(photo(tmp_path / "u.jpg", seed=9).read_bytes()), "u.jpg"),
            "event": event,
        },
        headers=headers,
    )
    assert (upload.status_code == 201) == (role != "viewer"), upload.json
    edit = client.patch(f"/api/v1/photos/{mine.photo_id}", json={"caption": "新"}, headers=headers)
    assert (edit.status_code == 200) == (role in ("admin", "editor")), edit.json
    created = client.post(
        "/api/v1/events", json={"title": "新活动", "date": "2024-12-01"}, headers=headers
    )
    assert (created.status_code == 201) == (role != "viewer")
    delete = client.delete(f"/api/v1/photos/{mine.photo_id}", headers=headers)
    assert (delete.status_code == 204) == (role == "admin")


# -------------------------------------------------------------------------------------- CSRF


def test_forms_and_api_refuse_requests_without_the_csrf_token(client, photos) -> None:
    token = login(client, "editor")
    answer = client.post(f"/photos/{photos[0]}/edit", data={"caption": "forged"})
    assert answer.status_code == 400 and "表单已过期" in text_of(answer)
    answer = client.patch(f"/api/v1/photos/{photos[0]}", json={"caption": "forged"})
    assert answer.status_code == 400
    answer = client.patch(
        f"/api/v1/photos/{photos[0]}", json={"caption": "forged"}, headers={"X-CSRFToken": "bad"}
    )
    assert answer.status_code == 400
    assert client.get(f"/api/v1/photos/{photos[0]}").json["caption"] != "forged"
    answer = client.patch(
        f"/api/v1/photos/{photos[0]}", json={"caption": "真的"}, headers={"X-CSRFToken": token}
    )
    assert answer.status_code == 200 and answer.json["caption"] == "真的"


# ------------------------------------------------------------------------------- privacy


def test_viewers_never_receive_gps_serials_or_file_names(client, archive, photos) -> None:
    archive.edit_photo(photos[0], caption="合影留念")
    login(client, "viewer")
    urls = [
        "/",
        "/events/exchange",
        f"/photos/{photos[0]}",
        "/search?q=合影",
        "/api/v1/events",
        "/api/v1/events/exchange",
        f"/api/v1/photos/{photos[0]}",
        "/api/v1/search?q=合影",
        "/people/1",
    ]
    for url in urls:
        answer = client.get(url)
        assert answer.status_code == 200, url
        body = text_of(answer)
        assert "36.28" not in body and "100.61" not in body and "GPS" not in body, url
        assert "SN-0427718" not in body and "秘密文件名" not in body, url
        assert '"gps"' not in body and '"tags"' not in body, url
    # Staff do see them.
    staff = client.application.test_client()
    login(staff, "editor")
    page = text_of(staff.get(f"/photos/{photos[0]}"))
    assert "36.280556" in page and "SN-0427718" in page and "秘密文件名-IMG_0427.jpg" in page


def test_hostile_captions_are_escaped_everywhere(client, archive, photos) -> None:
    archive.edit_photo(photos[0], caption=HOSTILE + " 合影")
    archive.edit_photo(photos[1], keywords=[HOSTILE])
    login(client, "editor")
    for url in (
        "/",
        "/events/exchange",
        f"/photos/{photos[0]}",
        f"/photos/{photos[1]}",
        "/search?q=合影",
    ):
        body = text_of(client.get(url))
        assert "<script>alert" not in body and "<img src=x" not in body, url
        assert "&lt;script&gt;" in body or "&lt;img" in body or url == "/", url


# --------------------------------------------------------------------------------- media


def test_derivatives_are_cached_forever_and_regenerated(client, archive, photos) -> None:
    login(client, "viewer")
    sha = archive.photo(photos[0])["sha256"]
    archive.store.derived_path("thumb", sha).unlink()
    answer = client.get(f"/media/thumb/{sha}.jpg")
    assert answer.status_code == 200 and answer.mimetype == "image/jpeg"
    assert answer.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert b"Exif" not in answer.data[:2000]
    again = client.get(f"/media/thumb/{sha}.jpg", headers={"If-None-Match": answer.headers["ETag"]})
    assert again.status_code == 304
    assert client.get(f"/media/huge/{sha}.jpg").status_code == 404
    assert client.get("/media/thumb/../../catalog.sqlite3.jpg").status_code == 404
    assert client.get(f"/media/thumb/{'0' * 64}.jpg").status_code == 404


def test_originals_only_to_staff_as_attachments(app, archive, photos) -> None:
    viewer = app.test_client()
    login(viewer, "viewer")
    assert viewer.get(f"/photos/{photos[0]}/original").status_code == 403
    staff = app.test_client()
    login(staff, "photographer")
    answer = staff.get(f"/photos/{photos[0]}/original")
    assert answer.status_code == 200
    disposition = answer.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and "IMG_0427.jpg" in disposition
    sha = archive.photo(photos[0])["sha256"]
    assert answer.data == archive.store.original_path(sha, "jpg").read_bytes()


# -------------------------------------------------------------------------------- upload


def test_upload_outcomes_and_path_tricks(client, archive, event, users, tmp_path: Path) -> None:
    token = login(client, "photographer")
    good = photo(tmp_path / "g.jpg", seed=5).read_bytes()

    def send(data: bytes, name: str):
        return client.post(
            "/api/v1/photos",
            data={"file": (io.BytesIO(data), name), "event": event},
            headers={"X-CSRFToken": token},
        )

    imported = send(good, "../../../etc/合影.jpg")
    assert imported.status_code == 201 and imported.json["status"] == "imported"
    record = archive.photo(imported.json["photo_id"])
    assert record["original_name"] == "合影.jpg"
    assert record["photographer"] == "杨军"  # the uploader's person
    assert record["uploader"] == "photographer"
    duplicate = send(good, "again.jpg")
    assert duplicate.status_code == 200 and duplicate.json["status"] == "duplicate"
    assert duplicate.json["photo_id"] == imported.json["photo_id"]
    assert duplicate.json["photo"]["url"] == f"/photos/{imported.json['photo_id']}"
    failed = send(b"this is not an image", "notes.jpg")
    assert failed.status_code == 422 and failed.json["status"] == "failed"
    assert failed.json["error"] and failed.json["filename"] == "notes.jpg"
    zero = send(b"", "empty.jpg")
    assert zero.status_code == 422
    assert not list((archive.store.root / "tmp").iterdir())  # nothing half-written left
    missing = client.post("/api/v1/photos", data={"event": event}, headers={"X-CSRFToken": token})
    assert missing.status_code == 400 and "file" in missing.json["error"]


def test_oversized_upload_gets_413_with_a_reason(tmp_path: Path, database_url: str) -> None:
    from gallery import create_app, get_archive

    app = create_app(
        {
            "TESTING": True,
            "MEDIA_DIR": tmp_path / "media",
            "INDEX_DIR": tmp_path / "index",
            "MAX_CONTENT_LENGTH": 50_000,
            "DATABASE_URL": database_url,
        }
    )
    archive = get_archive(app)
    archive.accounts.add("photographer", "photographer", "password-photographer")
    archive.add_event("e", "", dt.date(2024, 1, 1), slug="e")
    client = app.test_client()
    token = login(client, "photographer")
    big = encode(upright((1200, 900)), quality=100) + b"\0" * 60_000
    answer = client.post(
        "/api/v1/photos",
        data={"file": (io.BytesIO(big), "big.jpg"), "event": "e"},
        headers={"X-CSRFToken": token, "Accept": "application/json"},
    )
    assert answer.status_code == 413
    assert "上限" in answer.json["error"]
    assert archive.photo_count() == 0
    archive.close()


def test_upload_page_offers_the_articles_photographers(client, archive, users) -> None:
    archive.add_event(
        "主题党日", "主题党日", dt.date(2024, 11, 1), slug="d", credits={"photo": ["楊 軍", "李明"]}
    )
    login(client, "photographer")
    page = text_of(client.get("/upload?event=d"))
    assert 'data-photographers="杨军|李明"' in page  # 楊 軍 is the user's person 杨军
    assert 'value="杨军" data-default="杨军"' in page


# ------------------------------------------------------------------------- browse and edit


def test_event_page_credit_line_grid_and_photo_page(client, archive, photos) -> None:
    archive.set_credits("exchange", {"text": ["张雯"], "photo": ["杨军"], "review": ["刘强"]})
    login(client, "viewer")
    page = text_of(client.get("/events/exchange"))
    assert re.search(r"文：张雯.*图：杨军.*审核：刘强", page, re.S)
    assert page.count('loading="lazy"') == 2 and 'srcset="' in page and 'width="320"' in page
    first = text_of(client.get(f"/photos/{photos[0]}"))
    assert "下一张" in first and "上一张" not in first
    assert "图／" in first and "下载原图" not in first
    assert client.get("/photos/999").status_code == 404


def test_editing_is_recorded_and_reaches_search(client, archive, photos, event) -> None:
    archive.add_event("另一个活动", "培训", dt.date(2024, 12, 1), slug="other")
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
    record = archive.photo(photos[1])
    assert record["keywords"] == ["合影", "纪念馆", "党员"] and record["event"] == "other"
    assert record["photographer"] == "杨军"  # the same person as 楊 軍
    assert [h.photo_id for h in archive.search("紀念館 合影").hits] == [photos[1]]
    [change] = archive.editor.history(photos[1])
    assert change["user"] == "editor" and change["details"]["event"] == ["exchange", "other"]
    assert "修改记录" in text_of(client.get(f"/photos/{photos[1]}"))


def test_trash_delete_restore_and_purge(client, runner, archive, photos) -> None:
    token = login(client, "admin")
    archive.edit_photo(photos[0], caption="待删除的合影")
    assert client.post(f"/photos/{photos[0]}/delete", data={"csrf_token": token}).status_code == 302
    assert client.get(f"/photos/{photos[0]}").status_code == 404
    assert archive.search("待删除").total == 0
    assert "待删除的合影" in text_of(client.get("/admin/trash"))
    answer = client.post(f"/admin/trash/{photos[0]}/restore", data={"csrf_token": token})
    assert answer.status_code == 302 and archive.search("待删除").total == 1
    archive.delete_photo(photos[0])
    sha = archive.photo(photos[1])["sha256"]  # the other photo's files stay
    original = archive.store.original_path(archive.photo(photos[0])["sha256"], "jpg")
    assert archive.purge_trash() == 0  # not 30 days yet
    assert runner.invoke(args=["trash", "purge"]).output == "0 photos purged\n"
    later = dt.datetime.now(dt.UTC).replace(tzinfo=None) + dt.timedelta(days=31)
    assert archive.purge_trash(later) == 1
    assert not original.exists() and archive.store.original_path(sha, "jpg").exists()
    assert archive.check_index().ok


# -------------------------------------------------------------------------------- search


def test_search_page_traditional_facets_and_no_results(client, archive, photos) -> None:
    archive.edit_photo(photos[0], caption="检验科党员参观纪念馆")
    login(client, "viewer")
    page = text_of(client.get("/search?q=紀念館"))
    assert "找到 1 张照片" in page and "<mark>纪念馆</mark>" in page
    assert "/search?q=%E7%B4%80%E5%BF%B5%E9%A4%A8+year:2024&amp;" in page  # the year facet narrows
    assert 'href="/search?q=%E7%B4%80%E5%BF%B5%E9%A4%A8&amp;event=exchange' in page
    empty = text_of(client.get("/search?q=不存在的词语"))
    assert "找到 0 张照片" in empty and "试试更少的词" in empty
    assert client.get("/search?q=x&sort=bogus").status_code == 400


# -------------------------------------------------------------------------------- article


def test_article_form_preview_correct_and_save(client, archive, users) -> None:
    token = login(client, "editor")
    text = (Path(__file__).parent / "articles" / "garbled.txt").read_text(encoding="utf-8")
    preview = client.post("/events/import-article", data={"text": text, "csrf_token": token})
    page = text_of(preview)
    assert preview.status_code == 200
    assert 'value="黨建引領促發展——檢驗科黨支部開展主題黨日活動"' in page
    assert 'name="event_date" value="2024-11-01"' in page
    assert 'name="credit_photo" value="楊軍"' in page
    answer = client.post(
        "/events/import-article",
        data={
            "text": text,
            "csrf_token": token,
            "action": "save",
            "slug": "party",
            "title": "党建引领促发展",
            "event_date": "2024-10-31",
            "kind": "主题党日",
            "places": "红色教育基地",
            "organisers": "检验科党支部",
            "keywords": "",
            "credit_text": "张雯",
            "credit_photo": "楊 軍 李明",
            "credit_review": "刘强",
        },
    )
    assert answer.status_code == 302 and answer.location == "/events/party"
    event = archive.event("party")
    assert event["title"] == "党建引领促发展" and event["start_date"] == "2024-10-31"
    assert [(c["role"], c["names"]) for c in event["credits"]] == [
        ("text", ["张雯"]),
        ("photo", ["杨军", "李明"]),  # 楊軍 is the photographer user's person 杨军
        ("review", ["刘强"]),
    ]
    assert "(" not in event["article"] and "檢驗科" in event["article"]


# ------------------------------------------------------------------------------ API tokens


def test_api_tokens_for_scripts(app, runner, archive, photos) -> None:
    result = runner.invoke(args=["token", "create", "editor", "--name", "backup"])
    assert result.exit_code == 0
    token = result.output.strip()
    client = app.test_client()
    bearer = {"Authorization": f"Bearer {token}"}
    events = client.get("/api/v1/events", headers=bearer)
    assert events.status_code == 200 and events.json["events"][0]["slug"] == "exchange"
    # A script needs no CSRF token: the bearer token cannot be sent by another site's page.
    edit = client.patch(f"/api/v1/photos/{photos[0]}", json={"caption": "脚本"}, headers=bearer)
    assert edit.status_code == 200 and edit.json["caption"] == "脚本"
    assert client.get("/api/v1/events", headers={"Authorization": "Bearer nope"}).status_code == 401
    found = client.get("/api/v1/search?q=脚本", headers=bearer).json
    assert found["total"] == 1 and found["hits"][0]["photo"]["thumb"].startswith("/media/thumb/")


def test_press_pack_download(client, archive, photos) -> None:
    login(client, "editor")
    answer = client.get("/events/exchange/press-pack.zip")
    assert answer.status_code == 200 and answer.mimetype == "application/zip"
    with zipfile.ZipFile(io.BytesIO(answer.data)) as pack:
        assert sorted(pack.namelist()) == ["2024-11-01-01.jpg", "2024-11-01-02.jpg", "captions.txt"]
    assert not list((archive.store.root / "tmp").iterdir())


def test_admin_adds_users_and_changes_roles(client, archive, users) -> None:
    token = login(client, "admin")
    answer = client.post(
        "/admin/users",
        data={
            "username": "newbie",
            "password": "long-enough",
            "role": "viewer",
            "csrf_token": token,
        },
    )
    assert answer.status_code == 302
    assert (
        client.post("/admin/users/newbie", data={"role": "editor", "csrf_token": token}).status_code
        == 302
    )
    assert {a.username: a.role for a in archive.accounts.all()}["newbie"] == "editor"
    short = client.post(
        "/admin/users",
        data={"username": "x", "password": "short", "role": "viewer", "csrf_token": token},
    )
    assert short.status_code == 400 and "8" in text_of(short)


def test_api_event_json_is_documented_shape(client, photos) -> None:
    login(client, "viewer")
    data = client.get("/api/v1/events/exchange").json
    assert {"slug", "title", "credits", "photos"} <= set(data)
    assert set(data["photos"][0]) >= {"id", "caption", "url", "thumb", "display", "width", "height"}
    assert json.dumps(data)  # serialisable as it is


def test_concurrent_uploads_lose_nothing(app, archive, event, tmp_path: Path) -> None:
    """Uploads at once through a threaded server, each naming a person not yet known."""
    import threading

    from werkzeug.serving import make_server

    archive.accounts.add("newcomer", "photographer", "password-newcomer")  # no person yet
    token = archive.accounts.create_token("newcomer")
    files = [photo(tmp_path / f"{n}.jpg", seed=100 + n).read_bytes() for n in range(12)]
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    statuses: list[int] = []

    def send(n: int) -> None:
        import urllib.request
        import uuid

        boundary = uuid.uuid4().hex
        body = (
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="event"\r\n\r\n{event}\r\n'
                f'--{boundary}\r\nContent-Disposition: form-data; name="photographer"\r\n\r\n新人{n % 3}\r\n'
                f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{n}.jpg"\r\n\r\n'
            ).encode()
            + files[n]
            + f"\r\n--{boundary}--\r\n".encode()
        )
        request = urllib.request.Request(
            f"http://127.0.0.1:{server.server_port}/api/v1/photos",
            data=body,
            headers={
                "Authorization": f"Bearer {token}",
                "Content-Type": f"multipart/form-data; boundary={boundary}",
            },
        )
        with urllib.request.urlopen(request) as answer:
            statuses.append(answer.status)

    threads = [threading.Thread(target=send, args=(n,)) for n in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    server.shutdown()
    assert statuses == [201] * 12
    assert archive.photo_count() == 12 and archive.check_index().ok
    assert {p["photographer"] for p in archive.export()["photos"]} == {"新人0", "新人1", "新人2"}
