"""Daily use on a phone (touch, 390×844) and a desktop: correcting and deleting an event, uploading as
a photographer (who is credited by default), creating an event, signing in after a typo."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from gallery.archive import Archive
from tests.browser.conftest import sign_in
from tests.imagegen import photo

SIZES = {
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
    "desktop": {"viewport": {"width": 1280, "height": 900}},
}
#: Chromium drops touch emulation while it captures a full page: phones are shot screen by screen.
FULL = {"phone": False, "desktop": True}


@pytest.fixture(params=list(SIZES))
def device(request) -> str:
    """Return the name of the device a test runs on: a touch phone or a desktop."""
    return request.param


@pytest.fixture
def screen(browser: Browser, device: str) -> Iterator[Page]:
    """Return a page in a browser context made like the device: size, touch, mobile."""
    context = browser.new_context(**SIZES[device])
    yield context.new_page()
    context.close()


def _inside(page: Page, selector: str, width: int) -> None:
    """Assert that an element lies within the screen's width."""
    box = page.locator(selector).bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width + 0.5


def test_editor_corrects_an_event_and_an_admin_deletes_one(
    screen: Page, device: str, live_server: str, archive: Archive, photos, output_path
) -> None:
    page, width = screen, SIZES[device]["viewport"]["width"]
    archive.events.add("合并目标活动", "学术交流", dt.date(2024, 11, 8), slug="target")
    sign_in(page, live_server, "admin")
    page.goto(f"{live_server}/events/exchange")
    page.get_by_role("link", name="编辑活动").click()
    expect(page).to_have_url(f"{live_server}/events/exchange/edit")
    title = page.get_by_label("标题", exact=True)
    expect(title).to_have_value("检验科学术交流")
    _inside(page, "input[name=title]", width)
    _inside(page, "form.event-form button[type=submit]", width)
    # A mistake first: the form says what is wrong and keeps what was typed.
    title.fill("")
    page.get_by_label("地点").fill("海南州建政 70 周年主题展览馆")
    page.get_by_role("button", name="保存").click()
    expect(page.locator("#error-title")).to_have_text("活动需要标题。")
    expect(page.get_by_label("地点")).to_have_value("海南州建政 70 周年主题展览馆")
    page.screenshot(
        path=str(Path(output_path) / f"event-edit-error-{device}.png"), full_page=FULL[device]
    )
    title.fill("检验科 学术交流会")
    page.get_by_label("链接名").fill("lab-exchange")
    page.get_by_role("button", name="保存").click()
    expect(page).to_have_url(f"{live_server}/events/lab-exchange")
    expect(page.locator("h1")).to_have_text("检验科 学术交流会")
    expect(page.locator(".event .meta")).to_contain_text("海南州建政 70 周年主题展览馆")
    page.goto(f"{live_server}/events/exchange")  # an old link still leads there
    expect(page).to_have_url(f"{live_server}/events/lab-exchange")
    assert archive.events.history("lab-exchange")[0]["user"] == "admin"

    page.get_by_role("link", name="删除活动").click()
    expect(page.locator("main")).to_contain_text("这个活动有 2 张照片")
    page.get_by_label("照片移往").select_option("target")
    page.screenshot(
        path=str(Path(output_path) / f"event-delete-{device}.png"), full_page=FULL[device]
    )
    page.get_by_role("button", name="移走照片并删除活动").click()
    expect(page).to_have_url(f"{live_server}/events/target")
    expect(page.locator(".flash")).to_have_text("活动已删除，2 张照片已移到这里。")
    expect(page.locator(".grid .cell")).to_have_count(2)
    page.goto(f"{live_server}/")
    expect(page.locator(".event-card .title")).to_have_text(["合并目标活动"])


def test_upload_credits_the_photographer_and_shows_progress_under_the_chooser(
    screen: Page, device: str, live_server: str, archive: Archive, users, tmp_path, output_path
) -> None:
    page, height = screen, SIZES[device]["viewport"]["height"]
    archive.events.add(
        "旧活动", "", dt.date(2024, 10, 1), slug="old", credits={"photo": ["李满桂"]}
    )
    archive.events.add(
        "义诊", "义诊", dt.date(2024, 11, 1), slug="clinic", credits={"photo": ["李满桂"]}
    )
    sign_in(page, live_server, "photographer")  # the person 杨军
    page.goto(f"{live_server}/upload")
    event = page.locator("#event")
    expect(event).to_have_value("")  # no old event chosen for them
    photographer = page.get_by_label("摄影者")
    expect(photographer).to_have_value("杨军")
    event.select_option("clinic")
    expect(photographer).to_have_value("杨军")  # not the event's 图 credit, a colleague
    chooser = page.locator("label.choose-files")
    expect(chooser).to_be_visible()
    if device == "phone":  # no dragging on a touch screen: one large button
        expect(page.locator(".drop-hint")).to_be_hidden()
        assert chooser.bounding_box()["height"] >= 44
    else:
        expect(page.locator(".drop-hint")).to_be_visible()
    files = [photo(tmp_path / f"{n}.jpg", size=(640, 480), seed=n + 1) for n in range(3)]
    page.set_input_files("#files", [str(f) for f in files])
    expect(page.locator("#summary")).to_contain_text("3 / 3", timeout=30_000)
    expect(page.locator("#file-list li.imported")).to_have_count(3)
    progress, below = page.locator("#progress").bounding_box(), chooser.bounding_box()
    assert 0 <= progress["y"] - (below["y"] + below["height"]) < 120  # right under the chooser
    assert progress["y"] < height  # on screen without scrolling
    page.screenshot(path=str(Path(output_path) / f"upload-{device}.png"), full_page=FULL[device])
    records = [archive.exports.photo(p["id"]) for p in archive.browse.event("clinic")["photos"]]
    assert [r["photographer"] for r in records] == ["杨军"] * 3


def test_an_editor_without_a_person_gets_the_events_photographer(
    screen: Page, device: str, live_server: str, archive: Archive, users
) -> None:
    page = screen
    archive.events.add(
        "义诊", "义诊", dt.date(2024, 11, 1), slug="clinic", credits={"photo": ["李满桂"]}
    )
    archive.events.add("培训", "培训", dt.date(2024, 11, 2), slug="course")
    sign_in(page, live_server, "editor")
    page.goto(f"{live_server}/upload")
    photographer = page.get_by_label("摄影者")
    expect(photographer).to_have_value("")
    page.locator("#event").select_option("clinic")
    expect(photographer).to_have_value("李满桂")
    page.locator("#event").select_option("course")
    expect(photographer).to_have_value("")
    # Files chosen before any event wait for one, and the page says so.
    page.locator("#event").select_option("")
    page.set_input_files("#files", [{"name": "a.jpg", "mimeType": "image/jpeg", "buffer": b"x"}])
    expect(page.locator("#upload-error")).to_have_text("请先选择或创建活动。")
    expect(page.locator("#file-list li")).to_have_count(0)


def test_new_event_from_the_home_page_and_sign_in_after_a_typo(
    screen: Page, device: str, live_server: str, archive: Archive, users
) -> None:
    page = screen
    page.goto(f"{live_server}/login")
    page.fill("input[name=username]", "editor")
    page.fill("input[name=password]", "wrong")
    page.click("button[type=submit]")
    expect(page.locator(".flash.error")).to_be_visible()
    expect(page.locator("input[name=username]")).to_have_value("editor")
    expect(page.locator("input[name=password]")).to_be_focused()
    page.fill("input[name=password]", "password-editor")
    page.click("button[type=submit]")
    expect(page).to_have_url(f"{live_server}/")
    page.get_by_role("link", name="新建活动").click()
    page.get_by_label("标题", exact=True).fill("志愿服务进社区")
    page.get_by_label("开始日期").fill("2024-12-05")
    page.get_by_label("类型").fill("志愿服务")
    page.get_by_role("button", name="创建活动").click()
    expect(page.locator("h1")).to_have_text("志愿服务进社区")
    assert [e["title"] for e in archive.events.summaries()] == ["志愿服务进社区"]
