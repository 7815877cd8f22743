"""What the pages say: one language per message, its own punctuation, and a name for every image link."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from lxml import html

from gallery.archive import Archive
from gallery.errors import REFUSALS
from tests.conftest import csrf_token, login, text_of

LATIN_WORD = re.compile(r"[A-Za-z]{2,}")


def as_language(client, code: str) -> None:
    """Switch the interface language, as the header link does."""
    assert client.get(f"/lang/{code}").status_code == 302


def message(page: str) -> str:
    """Return the text of an error page's message."""
    return " ".join(html.fromstring(page).xpath("//main")[0].text_content().split())


@pytest.mark.parametrize("code", ["zh_CN", "en"])
def test_a_refused_guest_upload_is_told_in_one_language(
    app, archive: Archive, event: str, code: str
) -> None:
    token = archive.shares.create(event, label="海南州人民医院", user="editor", guest_upload=True)
    partner = app.test_client()
    as_language(partner, code)
    csrf = csrf_token(partner, f"/s/{token}")
    answer = partner.post(
        f"/s/{token}/upload",
        data={"csrf_token": csrf, "name": "马医生", "file": (io.BytesIO(b"not a photo"), "a.jpg")},
    )
    assert answer.status_code == 422
    said = message(text_of(answer))
    assert REFUSALS["not_an_image"] not in said  # the English reason, never inside a page
    if code == "zh_CN":
        assert "不是图片" in said and not LATIN_WORD.search(said), said
    else:
        assert "not an image" in said and not re.search(r"[\u4e00-\u9fff]", said), said


def test_every_chinese_message_keeps_chinese_punctuation() -> None:
    from babel.messages.pofile import read_po

    with open("gallery/translations/zh/LC_MESSAGES/messages.po", "rb") as po:
        catalog = read_po(po)
    ascii_beside_cjk = re.compile(
        r"[\u4e00-\u9fff][,;!?]|[,;!?][\u4e00-\u9fff]|[\u4e00-\u9fff]\(|\)[\u4e00-\u9fff]"
    )
    wrong = []
    for entry in catalog:
        strings = [entry.string] if isinstance(entry.string, str) else list(entry.string)
        ids = [entry.id] if isinstance(entry.id, str) else list(entry.id)
        wrong += [s for s in strings if s and ascii_beside_cjk.search(s)]
        wrong += [
            i for i in ids if re.search(r"[，。：；！？（）]", i) and "例如" not in "".join(strings)
        ]
    assert not wrong, wrong


def test_the_home_page_has_one_search_box(app, users, photos) -> None:
    client = app.test_client()
    login(client, "viewer")
    home = html.fromstring(text_of(client.get("/")))
    assert len(home.xpath("//input[@name='q']")) == 1
    event = html.fromstring(text_of(client.get("/events/exchange")))
    assert len(event.xpath("//input[@name='q']")) == 1  # the header's, on every other page


def accessible_name(link) -> str:
    """Return a link's name as a screen reader reads it: its text, else its images' alt texts."""
    text = " ".join(link.text_content().split())
    return text or " ".join(img.get("alt", "") for img in link.xpath(".//img")).strip()


def test_every_image_link_has_a_name(app, archive: Archive, users, photos) -> None:
    archive.photos.edit(photos[0], caption="专家在检验科交流")
    client = app.test_client()
    login(client, "editor")
    for url in ("/", "/events/exchange", "/search?q=检验科"):
        page = html.fromstring(text_of(client.get(url)))
        links = [a for a in page.xpath("//a[.//img]")]
        assert links, url
        names = [accessible_name(a) for a in links]
        assert all(names), (url, names)
    grid = html.fromstring(text_of(client.get("/events/exchange")))
    alts = [img.get("alt") for img in grid.xpath("//a[@class='cell']/img")]
    assert sorted(alts) == sorted(["专家在检验科交流", "检验科学术交流，照片 2"]), alts


def contrast(one: str, other: str) -> float:
    """Return the WCAG contrast ratio of two #rrggbb colours."""

    def luminance(colour: str) -> float:
        channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    high, low = sorted((luminance(one), luminance(other)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_muted_text_is_readable_on_every_background_it_sits_on() -> None:
    css = open("gallery/static/css/gallery.css", encoding="utf-8").read()
    colours = {
        name: value if len(value) == 7 else "#" + "".join(c * 2 for c in value[1:])
        for name, value in re.findall(r"--(\w+): (#[0-9a-f]{6}|#[0-9a-f]{3})\b", css)
    }
    for background in ("paper", "wash"):
        assert contrast(colours["muted"], colours[background]) >= 4.5, background


@pytest.mark.parametrize(
    ("code", "credit", "organisers"),
    [("zh_CN", "图／杨军", "组织单位："), ("en", "Photo: 杨军", "Organisers: ")],
)
def test_credits_and_labels_take_the_readers_punctuation(
    app, archive: Archive, users, photos, code: str, credit: str, organisers: str
) -> None:
    archive.photos.edit(photos[0], photographer="杨军")
    archive.photos.edit(photos[1], photographer="杨军")
    client = app.test_client()
    login(client, "editor")
    as_language(client, code)
    event = text_of(client.get("/events/exchange"))
    assert f'data-credit="{credit}"' in event
    photo = html.fromstring(text_of(client.get(f"/photos/{photos[0]}")))
    assert " ".join(photo.xpath("//span[@class='credit']")[0].text_content().split()) == credit
    slug = archive.events.add(
        "主题党日", "", dt.date(2024, 12, 1), organisers=["检验科党支部"]
    ).slug
    page = html.fromstring(text_of(client.get(f"/events/{slug}")))
    said = page.xpath("//p[@class='organisers']")[0].text_content()
    assert said == f"{organisers}检验科党支部"
