"""The caption table after an upload, worked one-handed on a phone (390×844) and on a desktop."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from gallery.archive import Archive
from tests.browser.conftest import sign_in
from tests.imagegen import photo

LONG = "检验科党员在青海湖畔合影留念，" * 6  # several lines on a phone


@pytest.mark.parametrize("size", [(390, 844), (1280, 900)], ids=["phone", "desktop"])
def test_caption_table_is_usable_on_every_screen(
    browser: Browser,
    live_server: str,
    archive: Archive,
    event: str,
    users,
    tmp_path: Path,
    output_path,
    size,
) -> None:
    phone = size[0] < 600
    context = browser.new_context(
        viewport={"width": size[0], "height": size[1]}, has_touch=phone, is_mobile=phone
    )
    page = context.new_page()
    sign_in(page, live_server, "photographer")
    page.goto(f"{live_server}/upload?event={event}")
    shapes = [(640, 427), (427, 640), (800, 450)]
    page.set_input_files(
        "#files",
        [
            {
                "name": f"{n}.jpg",
                "mimeType": "image/jpeg",
                "buffer": photo(tmp_path / f"{n}.jpg", size=shape, seed=n + 1).read_bytes(),
            }
            for n, shape in enumerate(shapes)
        ],
    )
    rows = page.locator("#batch-rows tr")
    expect(rows).to_have_count(3, timeout=30_000)
    width = size[0]
    for n in range(3):
        row = rows.nth(n)
        thumb = row.locator("img")
        expect(thumb).to_have_js_property("complete", True)
        box = thumb.bounding_box()
        assert box["width"] >= 80 and box["x"] >= 0 and box["x"] + box["width"] <= width, box
        area = row.locator("textarea").bounding_box()
        assert area["x"] >= 0 and area["x"] + area["width"] <= width, area
        if phone:  # full width: the row's whole width, not a sliver beside the thumbnail
            assert area["width"] >= 0.85 * row.bounding_box()["width"], area
    first = rows.first
    caption = first.locator("textarea")
    expect(caption).to_have_attribute("aria-label", "图片说明")
    caption.fill(LONG)
    # The box grows with the caption: every line of it is visible, none scrolled away.
    assert caption.evaluate("t => t.scrollHeight <= t.clientHeight + 1")
    first.locator("input").click()
    status = first.locator(".saved")
    expect(status).to_have_text("已保存")
    lines = status.evaluate(
        "s => { const r = document.createRange(); r.selectNodeContents(s);"
        " return new Set([...r.getClientRects()].map(b => Math.round(b.top))).size; }"
    )
    assert lines == 1, "the status fits on one line"
    s = status.bounding_box()
    assert s["x"] >= 0 and s["x"] + s["width"] <= width
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # no sideways scrolling
    assert archive.exports.photo(int(first.get_attribute("data-photo")))["caption"] == LONG
    name = f"caption-table-{'phone' if phone else 'desktop'}.png"
    page.evaluate("document.getElementById('batch').scrollIntoView()")  # below the sticky header
    page.screenshot(path=str(Path(output_path) / name))
    page.screenshot(path=str(Path(output_path) / f"upload-{name}"), full_page=True)
    context.close()
