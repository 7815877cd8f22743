"""The web archive through Flask's test client. Admin pages: the article form and users."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import csrf_token, login, text_of


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
    event = archive.events.get("party")
    assert event["title"] == "党建引领促发展" and event["start_date"] == "2024-10-31"
    assert [(c["role"], c["names"]) for c in event["credits"]] == [
        ("text", ["张雯"]),
        ("photo", ["杨军", "李明"]),  # 楊軍 is the photographer user's person 杨军
        ("review", ["刘强"]),
    ]
    assert "(" not in event["article"] and "檢驗科" in event["article"]


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


def _session_cookie(client) -> str:
    """Return the value of the client's session cookie."""
    return client.get_cookie("gallery_session").value


def test_a_session_cookie_replayed_after_sign_out_no_longer_works(app, users) -> None:
    browser = app.test_client()
    token = login(browser, "viewer")
    copied = _session_cookie(browser)
    assert browser.post("/logout", data={"csrf_token": token}).status_code == 302
    thief = app.test_client()
    thief.set_cookie("gallery_session", copied)
    assert thief.get("/").status_code == 302  # to the sign-in page
    assert thief.get("/api/v1/events").status_code == 401


def test_admin_ends_sessions_disables_deletes_users_and_revokes_tokens(app, archive, photos):
    admin, phone, laptop = app.test_client(), app.test_client(), app.test_client()
    token = login(admin, "admin")
    login(phone, "photographer")
    login(laptop, "photographer")
    bearer = {"Authorization": "Bearer " + archive.accounts.create_token("photographer", "uploads")}
    assert phone.get("/api/v1/events").status_code == 200
    assert app.test_client().get("/api/v1/events", headers=bearer).status_code == 200

    page = text_of(admin.get("/admin/users"))
    assert "uploads" in page and "退出所有登录" in page and "撤销" in page

    answer = admin.post(
        "/admin/users/photographer/access", data={"action": "sign_out", "csrf_token": token}
    )
    assert answer.status_code == 302
    assert phone.get("/").status_code == 302 and laptop.get("/").status_code == 302
    assert app.test_client().get("/api/v1/events", headers=bearer).status_code == 200

    login(phone, "photographer")
    admin.post("/admin/users/photographer/access", data={"action": "disable", "csrf_token": token})
    assert phone.get("/").status_code == 302
    assert app.test_client().get("/api/v1/events", headers=bearer).status_code == 401
    assert "已停用" in text_of(admin.get("/admin/users"))
    refused = phone.post(
        "/login",
        data={
            "username": "photographer",
            "password": "password-photographer",
            "csrf_token": csrf_token(phone),
        },
    )
    assert refused.status_code == 401
    admin.post("/admin/users/photographer/access", data={"action": "enable", "csrf_token": token})
    assert app.test_client().get("/api/v1/events", headers=bearer).status_code == 200

    token_id = archive.accounts.tokens("photographer")[0]["id"]
    assert (
        admin.post(f"/admin/tokens/{token_id}/revoke", data={"csrf_token": token}).status_code
        == 302
    )
    assert app.test_client().get("/api/v1/events", headers=bearer).status_code == 401
    assert "已撤销" in text_of(admin.get("/admin/users"))

    # An admin cannot lock themselves out; changing their own password keeps their own session.
    myself = admin.post(
        "/admin/users/admin/access", data={"action": "disable", "csrf_token": token}
    )
    assert myself.status_code == 302 and not archive.accounts.for_session_of("admin").disabled
    other = app.test_client()
    login(other, "admin")
    admin.post("/admin/users/admin", data={"password": "another-password", "csrf_token": token})
    assert admin.get("/").status_code == 200 and other.get("/").status_code == 302

    admin.post("/admin/users/photographer/access", data={"action": "delete", "csrf_token": token})
    assert "photographer" not in {a.username for a in archive.accounts.all()}
    assert admin.get(f"/photos/{photos[0]}").status_code == 200
