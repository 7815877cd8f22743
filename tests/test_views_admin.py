"""The web archive through Flask's test client. Admin pages: the article form and users."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import login, text_of


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
