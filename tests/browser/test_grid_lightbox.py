"""Photo grids and the lightbox as people use them, on a phone (touch, 390×844) and a desktop.

Every grid keeps each photo's shape (justified rows); the lightbox (PhotoSwipe) keeps its buttons on
the screen, swipes both ways without the browser going "back", and a photo's page answers ← →.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from gallery.archive import Archive
from tests.browser.conftest import sign_in
from tests.imagegen import photo

#: Landscape, portrait, square and wide photos, as an event's photographers bring them.
SIZES = [(640, 427), (427, 640), (800, 450), (600, 600), (480, 640), (660, 300), (640, 480)] * 2
PHONE, DESKTOP = (390, 844), (1280, 900)


@pytest.fixture(params=[PHONE, DESKTOP], ids=["phone", "desktop"])
def screen(request, browser: Browser, output_path) -> Page:
    """Return a page at phone size (a touch screen) or desktop size."""
    width, height = request.param
    phone = request.param == PHONE
    context = browser.new_context(
        viewport={"width": width, "height": height},
        has_touch=phone,
        is_mobile=phone,
        device_scale_factor=2 if phone else 1,
        locale="zh-CN",
    )
    page = context.new_page()
    page.shot = lambda name, full=True: page.screenshot(  # type: ignore[attr-defined]
        path=str(Path(output_path) / f"{name}-{'phone' if phone else 'desktop'}.png"),
        full_page=full,
    )
    page.phone = phone  # type: ignore[attr-defined]
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    yield page
    seen = list(errors)  # closing the context cuts loads short: their errors are not the page's
    context.close()
    assert seen == [], seen  # no script failed along the way


@pytest.fixture
def shot_event(archive: Archive, users, tmp_path: Path) -> tuple[str, list[int]]:
    """An event of 14 photos of mixed shapes, captioned 第1张 … 第14张, by 杨军; return (slug, ids)."""
    slug = archive.events.add("青海湖义诊", "义诊", dt.date(2024, 11, 1), slug="clinic").slug
    files = [photo(tmp_path / f"{n}.jpg", size=size, seed=n + 1) for n, size in enumerate(SIZES)]
    archive.imports.import_files(files, slug, photographer="杨军", uploader="photographer")
    ids = [record["id"] for record in archive.exports.catalogue(slug)["photos"]]
    for n, photo_id in enumerate(ids):
        archive.photos.edit(photo_id, caption=f"第{n + 1}张")
    return slug, ids


def cells_keep_their_aspect(page: Page) -> int:
    """Assert every grid cell on the page shows its photo's aspect within 5 %; return how many."""
    cells = page.locator(".grid .cell")
    expect(cells.first).to_be_visible()
    shapes = cells.evaluate_all(
        """cells => cells.map(c => { const r = c.getBoundingClientRect();
             return {w: r.width, h: r.height, pw: +c.dataset.w, ph: +c.dataset.h,
                     id: c.dataset.photoId}; })"""
    )
    for s in shapes:
        assert s["id"], "each card carries its data-photo-id"
        shown, actual = s["w"] / s["h"], s["pw"] / s["ph"]
        assert abs(shown - actual) / actual < 0.05, s
    return len(shapes)


#: The gaps between each row's right end and the grid's right edge, every row but the last.
ROW_GAPS = """() => { const g = document.querySelector('.grid'), right = g.getBoundingClientRect().right;
    const rows = new Map();
    for (const c of g.querySelectorAll('.cell')) { const r = c.getBoundingClientRect();
      rows.set(Math.round(r.top), Math.max(rows.get(Math.round(r.top)) ?? 0, r.right)); }
    return [...rows.values()].slice(0, -1).map(r => right - r); }"""


def rows_fill_the_width(page: Page) -> None:
    """Assert the grid is justified: every row but the last ends at the grid's right edge."""
    gaps = page.evaluate(ROW_GAPS)
    assert len(gaps) >= 2
    assert all(abs(gap) < 2 for gap in gaps), gaps


def test_grids_keep_each_photo_whole(
    screen: Page, live_server: str, shot_event: tuple[str, list[int]], archive: Archive
) -> None:
    slug, _ = shot_event
    sign_in(screen, live_server, "viewer")
    screen.goto(f"{live_server}/events/{slug}")
    expect(screen.locator(".grid.justified")).to_have_count(1)
    assert cells_keep_their_aspect(screen) == len(SIZES)
    rows_fill_the_width(screen)
    assert screen.evaluate("document.documentElement.scrollWidth") <= screen.viewport_size["width"]
    screen.shot("event-grid")
    # Turned sideways (or a narrower window), the rows are laid out again for the new width.
    width, height = screen.viewport_size["width"], screen.viewport_size["height"]
    screen.set_viewport_size({"width": height if screen.phone else 900, "height": width})  # type: ignore[attr-defined]
    screen.wait_for_function(f"() => ({ROW_GAPS})().every(gap => Math.abs(gap) < 2)")
    cells_keep_their_aspect(screen)
    rows_fill_the_width(screen)
    screen.set_viewport_size({"width": width, "height": height})
    # The home page's recent uploads and a photographer's page: the same grid.
    screen.goto(f"{live_server}/")
    expect(screen.locator(".grid.justified")).to_have_count(1)
    assert cells_keep_their_aspect(screen) == 12
    screen.shot("home")
    screen.locator(".grid .cell").first.click()  # no lightbox on the home page: the photo's page
    expect(screen.locator(".photo-page")).to_be_visible()
    screen.locator(".photo-page .credit a").click()
    expect(screen.locator(".grid.justified")).to_have_count(1)
    assert cells_keep_their_aspect(screen) == len(SIZES)
    screen.shot("person")


def test_grid_without_javascript_still_shows_whole_photos(
    browser: Browser, live_server: str, shot_event: tuple[str, list[int]], output_path
) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, java_script_enabled=False)
    page = context.new_page()
    sign_in(page, live_server, "viewer")
    page.goto(f"{live_server}/events/{shot_event[0]}")
    expect(page.locator(".grid.justified")).to_have_count(0)
    images = page.locator(".grid .cell img")
    expect(images).to_have_count(len(SIZES))
    for shape in images.evaluate_all(
        "imgs => imgs.map(i => [i.getBoundingClientRect().width, i.getBoundingClientRect().height,"
        " +i.getAttribute('width'), +i.getAttribute('height')])"
    ):
        assert abs(shape[0] / shape[1] - shape[2] / shape[3]) / (shape[2] / shape[3]) < 0.05
    page.screenshot(path=str(Path(output_path) / "event-grid-no-js-phone.png"), full_page=True)
    context.close()


def swipe(page: Page, direction: int) -> None:
    """Swipe a finger across the middle of the screen: -1 to the left (next), +1 to the right."""
    width, height = page.viewport_size["width"], page.viewport_size["height"]
    start, end, y = width * (0.5 - 0.3 * direction), width * (0.5 + 0.3 * direction), height / 2
    if page.phone:  # type: ignore[attr-defined]
        cdp = page.context.new_cdp_session(page)
        point = {"x": start, "y": y}
        cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [point]})
        for step in range(1, 9):
            x = start + (end - start) * step / 8
            cdp.send(
                "Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [{"x": x, "y": y}]}
            )
        cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
        cdp.detach()
    else:  # a mouse drags the photo along
        page.mouse.move(start, y)
        page.mouse.down()
        page.mouse.move(end, y, steps=8)
        page.mouse.up()


def inside(box: dict, size: dict) -> bool:
    """Tell whether a bounding box lies wholly on the screen."""
    return (
        box["x"] >= 0
        and box["y"] >= 0
        and box["x"] + box["width"] <= size["width"]
        and box["y"] + box["height"] <= size["height"]
    )


def test_lightbox_buttons_swipes_and_keys(
    screen: Page, live_server: str, shot_event: tuple[str, list[int]]
) -> None:
    slug, _ = shot_event
    sign_in(screen, live_server, "viewer")
    screen.goto(f"{live_server}/events/{slug}")
    url, history = screen.url, screen.evaluate("history.length")
    first = screen.locator(".grid .cell").first
    first.tap() if screen.phone else first.click()  # type: ignore[attr-defined]
    box = screen.locator(".pswp")
    expect(box).to_have_class(re.compile(r"\blb-ready\b"))  # opened
    caption = box.locator(".lb-caption")
    expect(caption).to_have_text("第1张")
    expect(box.locator(".lb-credit")).to_have_text("图／杨军")
    expect(box.locator(".lb-event")).to_have_text("青海湖义诊 · 2024年11月1日")
    expect(box.locator(".pswp__counter")).to_have_text(f"1 / {len(SIZES)}")
    expect(box.locator(".pswp__button--close")).to_have_attribute("title", "关闭")
    size = screen.viewport_size
    for name in ("close", "arrow--prev", "arrow--next"):
        button = box.locator(f".pswp__button--{name}")
        expect(button).to_be_visible()
        assert inside(button.bounding_box(), size), name
    assert inside(box.locator(".lb-text").bounding_box(), size)
    # The first photo's display image arrives, drawn whole on the screen.
    display = first.get_attribute("data-display")
    image = box.locator(f'img.pswp__img:not(.pswp__img--placeholder)[src="{display}"]')
    screen.wait_for_function("i => i.complete && i.naturalWidth > 0", arg=image.element_handle())
    assert inside(image.bounding_box(), size)
    screen.shot("lightbox", full=False)

    swipe(screen, -1)  # to the left: the next photo
    expect(caption).to_have_text("第2张")
    expect(box.locator(".pswp__counter")).to_have_text(f"2 / {len(SIZES)}")
    swipe(screen, +1)  # to the right: back to the first, and the page stays
    expect(caption).to_have_text("第1张")
    swipe(screen, +1)  # and round to the last
    expect(caption).to_have_text(f"第{len(SIZES)}张")
    assert screen.url == url and screen.evaluate("history.length") == history
    box.locator(".pswp__button--arrow--next").click()
    expect(caption).to_have_text("第1张")
    screen.keyboard.press("ArrowRight")
    expect(caption).to_have_text("第2张")
    screen.keyboard.press("ArrowLeft")
    expect(caption).to_have_text("第1张")
    screen.keyboard.press("Escape")
    expect(box).to_have_count(0)
    expect(first).to_be_focused()  # focus comes back to the photo it opened from
    assert screen.url == url and screen.evaluate("history.length") == history


def test_photo_page_answers_the_arrow_keys(
    screen: Page, live_server: str, shot_event: tuple[str, list[int]]
) -> None:
    _, ids = shot_event
    sign_in(screen, live_server, "viewer")
    screen.goto(f"{live_server}/photos/{ids[1]}")
    screen.shot("photo")
    for key, at in (("ArrowRight", 2), ("ArrowLeft", 1), ("ArrowLeft", 0)):
        screen.keyboard.press(key)
        expect(screen).to_have_url(f"{live_server}/photos/{ids[at]}")
        screen.wait_for_load_state("load")  # its scripts have run and its photo has come
    expect(screen.locator(".pager")).to_contain_text(f"1 / {len(SIZES)}")


def test_search_results_show_each_photo_whole(
    screen: Page, live_server: str, shot_event: tuple[str, list[int]]
) -> None:
    sign_in(screen, live_server, "viewer")
    screen.goto(f"{live_server}/search?q=第")
    images = screen.locator(".hit img")
    expect(images).to_have_count(len(SIZES))
    for fit, shown, actual in images.evaluate_all(
        """imgs => imgs.map(i => { const r = i.getBoundingClientRect();
             return [getComputedStyle(i).objectFit, r.width / r.height,
                     +i.getAttribute('width') / +i.getAttribute('height')]; })"""
    ):
        # The box has the photo's shape, or the photo is fitted inside it: never cut.
        assert fit == "contain" or abs(shown - actual) / actual < 0.05, (fit, shown, actual)
    assert screen.evaluate("document.documentElement.scrollWidth") <= screen.viewport_size["width"]
    # The filters leave room: the first results are on the first screen, two abreast on a phone.
    first, second = images.nth(0).bounding_box(), images.nth(1).bounding_box()
    assert first and second and second["y"] + second["height"] < screen.viewport_size["height"]
    assert abs(first["y"] - second["y"]) < first["height"]  # side by side
    screen.shot("search-results")
