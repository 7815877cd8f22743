"""Event pages for editors: the edit form, old links redirecting, deleting, a new event; sign-in."""

from __future__ import annotations

import datetime as dt

from gallery.archive import Archive
from tests.conftest import csrf_token, login, text_of


def _form(token: str, **changes: str) -> dict[str, str]:
    """Return a complete edit form for the fixture's event, with ``changes`` typed in."""
    return {
        "csrf_token": token,
        "title": "检验科学术交流",
        "start_date": "2024-11-01",
        "end_date": "",
        "kind": "学术交流",
        "place": "",
        "organisers": "",
        "description": "",
        "keywords": "",
        "article": "",
        "slug": "exchange",
        **{f"credit_{r}": "" for r in ("text", "photo", "layout", "editor", "review")},
        **changes,
    }


def test_editor_corrects_every_field_and_old_links_redirect(
    client, archive: Archive, photos, event
) -> None:
    token = login(client, "editor")
    page = text_of(client.get("/events/exchange"))
    assert 'href="/events/exchange/edit"' in page and "编辑活动" in page
    assert "删除活动" not in page  # only admins delete
    form = text_of(client.get("/events/exchange/edit"))
    assert 'value="检验科学术交流"' in form and 'name="csrf_token"' in form
    answer = client.post(
        "/events/exchange/edit",
        data=_form(
            token,
            title="检验科 学术交流会",
            start_date="2024-11-02",
            end_date="2024-11-03",
            place="海南州建政 70 周年主题展览馆",
            organisers="检验科\n第三十三党支部\n",
            description="第一段。\n第二段。",
            keywords="检验质量管理",
            credit_text="马秀清",
            credit_photo="杨军、李满桂",
            slug="lab-exchange-2024",
        ),
    )
    assert answer.status_code == 302 and answer.location == "/events/lab-exchange-2024"
    got = archive.events.get("lab-exchange-2024")
    assert got["title"] == "检验科 学术交流会" and got["end_date"] == "2024-11-03"
    assert got["organisers"] == ["检验科", "第三十三党支部"]
    assert got["keywords"] == ["检验质量管理"]
    assert [c["names"] for c in got["credits"]] == [["马秀清"], ["杨军", "李满桂"]]
    old = client.get("/events/exchange")
    assert old.status_code == 301 and old.location == "/events/lab-exchange-2024"
    page = text_of(client.get("/events/lab-exchange-2024"))
    assert "检验科 学术交流会" in page and "已保存" in page
    [change] = archive.events.history("lab-exchange-2024")
    assert change["user"] == "editor"
    assert "修改记录" in text_of(client.get("/events/lab-exchange-2024/edit"))
    assert {h.photo_id for h in archive.search.search("主题展览馆").hits} == set(photos)
    assert client.get("/events/never-was").status_code == 404


def test_wrong_fields_are_shown_by_the_form_and_nothing_is_saved(
    client, archive: Archive, event, users
) -> None:
    archive.events.add("另一个活动", "", dt.date(2024, 12, 1), slug="other")
    token = login(client, "editor")
    answer = client.post(
        "/events/exchange/edit",
        data=_form(token, title="  ", start_date="2024-11-05", end_date="2024-11-01", slug="A B"),
    )
    page = text_of(answer)
    assert answer.status_code == 400
    assert "活动需要标题。" in page and "结束日期早于开始日期。" in page
    assert "链接名只能由小写拉丁字母、数字和连字符组成。" in page
    assert 'value="2024-11-05"' in page  # what was typed is kept
    assert page.count('aria-invalid="true"') == 3
    taken = client.post("/events/exchange/edit", data=_form(token, slug="other"))
    assert taken.status_code == 400 and "另一个活动已使用这个链接名。" in text_of(taken)
    assert archive.events.history(event) == []
    no_token = client.post("/events/exchange/edit", data={"title": "x"})
    assert no_token.status_code == 400 and archive.events.get(event)["title"] == "检验科学术交流"


def test_roles_that_may_not_edit_or_delete(client, archive: Archive, event, users) -> None:
    token = login(client, "photographer")
    assert client.get("/events/exchange/edit").status_code == 403
    assert client.post("/events/exchange/edit", data=_form(token)).status_code == 403
    assert "编辑活动" not in text_of(client.get("/events/exchange"))
    client.post("/logout", data={"csrf_token": token})
    token = login(client, "editor")
    assert client.get("/events/exchange/delete").status_code == 403
    assert client.post("/events/exchange/delete", data={"csrf_token": token}).status_code == 403
    assert archive.events.get(event)


def test_admin_deletes_an_event_moving_its_photos_first(
    client, archive: Archive, photos, event
) -> None:
    archive.events.add("合并目标活动", "", dt.date(2024, 11, 1), slug="target")
    token = login(client, "admin")
    assert 'href="/events/exchange/delete"' in text_of(client.get("/events/exchange"))
    page = text_of(client.get("/events/exchange/delete"))
    assert "这个活动有 2 张照片" in page and '<option value="target">' in page
    assert '<option value="exchange">' not in page
    refused = client.post("/events/exchange/delete", data={"csrf_token": token})
    assert refused.status_code == 409 and "请选择照片移往的活动" in text_of(refused)
    answer = client.post(
        "/events/exchange/delete", data={"csrf_token": token, "move_photos_to": "target"}
    )
    assert answer.status_code == 302 and answer.location == "/events/target"
    assert "活动已删除，2 张照片已移到这里。" in text_of(client.get("/events/target"))
    assert client.get("/events/exchange").location == "/events/target"
    assert archive.events.get("target")["photos"] == 2
    archive.events.add("空活动", "", dt.date(2024, 1, 1), slug="empty")
    assert "这个活动没有照片。" in text_of(client.get("/events/empty/delete"))
    gone = client.post("/events/empty/delete", data={"csrf_token": token})
    assert gone.status_code == 302 and gone.location == "/"
    assert client.get("/events/empty").status_code == 404


def test_new_event_button_and_page(client, archive: Archive, users) -> None:
    token = login(client, "editor")
    home = text_of(client.get("/"))
    assert 'href="/events/new"' in home and "新建活动" in home
    bad = client.post("/events/new", data=_form(token, title="", slug=""))
    assert bad.status_code == 400 and "活动需要标题。" in text_of(bad)
    answer = client.post(
        "/events/new",
        data=_form(token, title="义诊 进社区", kind="义诊", slug="", credit_photo="杨军"),
    )
    assert answer.status_code == 302
    slug = answer.location.rsplit("/", 1)[1]
    assert slug.startswith("2024-11-01") and archive.events.get(slug)["title"] == "义诊 进社区"
    client.post("/logout", data={"csrf_token": token})
    login(client, "photographer")
    assert 'href="/events/new"' not in text_of(client.get("/"))


def test_a_wrong_password_keeps_the_user_name(client, users) -> None:
    token = csrf_token(client)
    answer = client.post(
        "/login", data={"username": "editor", "password": "wrong", "csrf_token": token}
    )
    page = text_of(answer)
    assert answer.status_code == 401 and "用户名或密码错误" in page
    assert 'name="username" autocomplete="username" value="editor"' in page
    assert 'autocomplete="current-password" required autofocus' in page


def test_upload_page_preselects_no_event_and_prefers_the_uploaders_person(
    client, archive: Archive, users
) -> None:
    archive.events.add(
        "旧活动", "", dt.date(2024, 10, 1), slug="old", credits={"photo": ["李满桂"]}
    )
    login(client, "photographer")
    page = text_of(client.get("/upload"))
    assert (
        '<option value="" selected>' in page and 'value="old" data-photographers="李满桂">' in page
    )
    assert 'data-default="杨军"' in page
    chosen = text_of(client.get("/upload?event=old"))
    assert 'value="old" data-photographers="李满桂" selected>' in chosen
