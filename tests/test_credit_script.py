"""A credit line in one script: a Traditional article's names as written, a mixed line made one."""

from __future__ import annotations

import datetime as dt

from gallery.archive import Archive
from gallery.article import parse_article
from gallery.text import script
from tests.conftest import login, text_of

BODY = "5月18日上午，輸血科黨支部在醫院學術報告廳舉辦專題講座。"


def article(title: str, credits: str) -> str:
    """Return an article as pasted: headline, publication line, a paragraph, the credits."""
    return f"{title}\n發布時間：2023-05-20 09:12\n\n{BODY}\n\n{credits}\n"


def credits_on_page(client, slug: str) -> str:
    """Return the credit line of an event's page as text."""
    page = text_of(client.get(f"/events/{slug}"))
    return page.split('<p class="credits">', 1)[1].split("</p>", 1)[0]


def known_photographer(archive: Archive) -> None:
    """杨军 is in the catalogue, in Simplified, from an earlier event."""
    archive.events.add(
        "检验科学术交流", "学术交流", dt.date(2023, 1, 5), credits={"photo": ["杨军"]}
    )


def test_a_traditional_article_keeps_its_names_as_written(app, archive: Archive, users) -> None:
    known_photographer(archive)
    text = article("黨建引領強服務——輸血科開展聯學共建活動", "文：馬秀清\n圖：楊 軍")
    slug = archive.events.add_from_article(parse_article(text)).slug
    client = app.test_client()
    login(client, "viewer")
    line = credits_on_page(client, slug)
    assert "馬秀清" in line and "楊軍" in line and "杨军" not in line, line


def test_a_mixed_line_shows_each_person_by_their_catalogue_name(
    app, archive: Archive, users
) -> None:
    known_photographer(archive)
    archive.events.add("早先的活动", "", dt.date(2023, 2, 1), credits={"text": ["马秀清"]})
    text = article("黨建引領強服務——輸血科開展聯學共建活動", "文：馬秀清\n图：杨军")
    slug = archive.events.add_from_article(parse_article(text)).slug
    client = app.test_client()
    login(client, "viewer")
    line = credits_on_page(client, slug)
    assert "马秀清" in line and "杨军" in line and "馬秀清" not in line, line


def test_script_of_names() -> None:
    assert script("馬秀清") == "traditional" and script("杨军") == "simplified"
    assert script("扎洛") == "" and script("楊军") == "mixed"
