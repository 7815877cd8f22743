"""Bulk work in the browser: select ten photos, add a keyword, move them to another event."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from gallery.archive import Archive
from tests.browser.conftest import sign_in
from tests.imagegen import photo

SIZES = {"phone": (390, 844), "desktop": (1280, 900)}


@pytest.fixture(params=list(SIZES))
def screen(request, browser: Browser) -> Page:
    """Return a page at phone size (a touch screen: taps) or desktop size (a mouse: clicks)."""
    phone = request.param == "phone"
    width, height = SIZES[request.param]
    context = browser.new_context(
        viewport={"width": width, "height": height}, has_touch=phone, is_mobile=phone
    )
    page = context.new_page()
    page.size = request.param  # type: ignore[attr-defined]
    yield page
    context.close()


def press(page: Page, target) -> None:
    """Tap on a phone, click on a desktop."""
    target.tap() if page.size == "phone" else target.click()  # type: ignore[attr-defined]


@pytest.fixture
def twelve(archive: Archive, event: str, users, tmp_path: Path) -> list[int]:
    """Import twelve photos into the event (captioned 第1张 …) and make a second event."""
    archive.events.add("义诊进社区", "义诊", dt.date(2024, 12, 3), slug="clinic")
    results = []
    for n in range(12):
        size = (480, 320) if n % 3 else (320, 480)
        tags = {"DateTimeOriginal": f"2024:11:01 10:{n:02d}:00"}
        path = photo(tmp_path / f"{n}.jpg", tags=tags, size=size, seed=n + 1)
        results += archive.imports.import_files(
            [path], event, caption=f"第{n + 1}张", uploader="editor"
        )
    return [r.photo_id for r in results]


def _bar_fits(page: Page, width: int, height: int) -> None:
    """The bar is fixed at the bottom, inside the screen; every control is a big target."""
    box = page.locator("#bulk-bar").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= width + 0.5
    assert abs(box["y"] + box["height"] - height) <= 1
    for control in page.locator("#bulk-bar button:visible, #bulk-bar select:visible").all():
        target = control.bounding_box()
        assert target["height"] >= 44 and target["x"] + target["width"] <= width + 0.5


def test_select_ten_add_a_keyword_and_move_them(
    screen: Page, live_server: str, archive: Archive, twelve: list[int], output_path
) -> None:
    page, size = screen, screen.size  # type: ignore[attr-defined]
    width, height = SIZES[size]
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    sign_in(page, live_server, "editor")
    page.goto(f"{live_server}/events/exchange")
    cells = page.locator(".grid [data-photo-id]")
    expect(cells).to_have_count(12)
    bar = page.locator("#bulk-bar")
    expect(bar).to_be_hidden()

    press(page, page.locator("#bulk-start"))
    expect(bar).to_be_visible()
    press(page, cells.nth(0))
    if size == "phone":  # no shift key on a phone: the Range button, then a tap
        press(page, page.locator('[data-bulk="range"]'))
        expect(page.locator('[data-bulk="range"]')).to_have_attribute("aria-pressed", "true")
        press(page, cells.nth(9))
    else:
        cells.nth(9).click(modifiers=["Shift"])
    expect(bar.locator(".bulk-count")).to_have_text("已选 10 张")
    expect(page.locator(".bulk-selected")).to_have_count(10)
    expect(cells.nth(10)).to_have_attribute("aria-checked", "false")
    expect(page.locator(".pswp")).to_have_count(0)  # selecting never opens the lightbox
    assert page.url == f"{live_server}/events/exchange"  # nor a photo's page
    if size == "desktop":  # from the keyboard: Space ticks and unticks the photo in focus
        cells.nth(10).focus()
        page.keyboard.press("Space")
        expect(bar.locator(".bulk-count")).to_have_text("已选 11 张")
        page.keyboard.press("Space")
        expect(cells.nth(10)).to_have_attribute("aria-checked", "false")
    _bar_fits(page, width, height)
    page.screenshot(path=str(Path(output_path) / f"bulk-selected-{size}.png"))

    bar.locator('input[name="value"]:visible').fill("义诊")
    press(page, bar.locator('button[type="submit"]'))
    expect(page.locator(".flash.ok")).to_have_text("10 张照片已更改。")
    expect(bar).to_be_hidden()  # the page came back with nothing selected
    page.goto(f"{live_server}/photos/{twelve[9]}")
    expect(page.locator("p.keywords")).to_have_text("义诊")
    page.goto(f"{live_server}/photos/{twelve[10]}")
    expect(page.locator("p.keywords")).to_have_count(0)

    # The ten are found by their new keyword; select all of the results and move them.
    page.goto(f"{live_server}/search?q=义诊")
    hits = page.locator(".hit-grid [data-photo-id]")
    expect(hits).to_have_count(10)
    press(page, page.locator("#bulk-start"))
    press(page, page.locator('[data-bulk="all"]'))
    expect(bar.locator(".bulk-count")).to_have_text("已选 10 张")
    bar.locator('select[name="action"]').select_option("move")
    bar.locator('select[name="value"]').select_option("clinic")
    _bar_fits(page, width, height)
    page.screenshot(path=str(Path(output_path) / f"bulk-move-{size}.png"))
    press(page, bar.locator('button[type="submit"]'))
    expect(page.locator(".flash.ok")).to_have_text("10 张照片已更改。")
    expect(page.locator(".hit .meta a").first).to_have_text("义诊进社区")

    page.goto(f"{live_server}/events/clinic")
    expect(page.locator(".grid [data-photo-id]")).to_have_count(10)
    page.goto(f"{live_server}/events/exchange")
    expect(page.locator(".grid [data-photo-id]")).to_have_count(2)
    assert [int(i) for i in cells.evaluate_all("cs => cs.map(c => c.dataset.photoId)")] == twelve[
        10:
    ]
    page.screenshot(path=str(Path(output_path) / f"bulk-after-{size}.png"))
    history = archive.photos.history(twelve[0])
    assert [h["details"] for h in history] == [
        {"keywords": [[], ["义诊"]]},
        {"event": ["exchange", "clinic"]},
    ]
    assert errors == [], json.dumps(errors, ensure_ascii=False)


def test_a_viewer_gets_no_selection_bar(
    page: Page, live_server: str, twelve: list[int], output_path
) -> None:
    sign_in(page, live_server, "viewer")
    page.goto(f"{live_server}/events/exchange")
    expect(page.locator(".grid [data-photo-id]")).to_have_count(12)
    expect(page.locator("#bulk-start")).to_have_count(0)
    page.locator(".grid [data-photo-id]").first.click()
    expect(page.locator(".pswp")).to_have_class(re.compile(r"\blb-ready\b"))  # the lightbox opens


def test_a_photographer_selects_only_their_own(
    page: Page, live_server: str, archive: Archive, event: str, users, tmp_path: Path
) -> None:
    mine = archive.imports.import_files(
        [photo(tmp_path / f"m{n}.jpg", seed=n + 20) for n in range(3)],
        event,
        uploader="photographer",
    )
    theirs = archive.imports.import_files(
        [photo(tmp_path / f"t{n}.jpg", seed=n + 30) for n in range(2)], event, uploader="editor"
    )
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, live_server, "photographer")
    page.goto(f"{live_server}/events/{event}")
    page.click("#bulk-start")
    expect(page.locator(".bulk-locked")).to_have_count(2)
    page.locator(f'[data-photo-id="{theirs[0].photo_id}"]').click()
    expect(page.locator(".pswp")).to_have_count(0)
    expect(page.locator(".bulk-selected")).to_have_count(0)
    page.click('[data-bulk="all"]')
    expect(page.locator("#bulk-bar .bulk-count")).to_have_text("已选 3 张")
    page.locator('#bulk-bar input[name="value"]:visible').fill("党日")
    page.locator('#bulk-bar button[type="submit"]').click()
    expect(page.locator(".flash.ok")).to_have_text("3 张照片已更改。")
    assert [archive.exports.photo(r.photo_id)["keywords"] for r in mine + theirs] == [
        ["党日"]
    ] * 3 + [[]] * 2
