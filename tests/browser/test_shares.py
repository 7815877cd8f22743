"""A partner's share page on a phone: photos, the lightbox, download all, and a guest upload."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Page, expect

from gallery.archive import Archive
from tests.imagegen import photo


def test_share_page_and_guest_upload_on_a_phone(
    page: Page, live_server: str, archive: Archive, event: str, photos, output_path, tmp_path: Path
) -> None:
    archive.photos.edit(photos[0], caption="专家在检验科交流")
    token = archive.shares.create(event, label="海南州人民医院", guest_upload=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server}/s/{token}")
    cells = page.locator(".grid .cell img")
    expect(cells).to_have_count(2)
    for n in range(2):  # every picture arrives (none broken)
        page.wait_for_function(
            "(n) => { const i = document.querySelectorAll('.grid .cell img')[n];"
            " i.scrollIntoView(); return i.complete && i.naturalWidth > 0; }",
            arg=n,
        )
    page.locator(".grid .cell").first.click()
    box = page.locator(".pswp")
    expect(box).to_have_class(re.compile(r"\blb-ready\b"))  # opened
    expect(box.locator(".lb-caption")).to_have_text("专家在检验科交流")
    expect(box.locator(".lb-event")).to_contain_text("2024年11月1日")
    page.keyboard.press("Escape")
    expect(box).to_have_count(0)
    with page.expect_download() as download:
        page.get_by_role("link", name="全部下载（ZIP）").click()
    assert download.value.suggested_filename == f"{event}.zip"
    page.fill("input[name=name]", "马医生")
    page.set_input_files("input[type=file]", str(photo(tmp_path / "guest.jpg", seed=31)))
    page.get_by_role("button", name="发送").click()
    expect(page.locator(".flash")).to_contain_text("审核")
    assert [u["photographer"] for u in archive.shares.pending(event)] == ["马医生"]
    page.screenshot(path=str(Path(output_path) / "share-phone.png"), full_page=True)
