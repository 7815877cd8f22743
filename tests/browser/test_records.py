"""The archive description page in a browser, one-handed on a phone and on a desktop."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from gallery.archive import Archive
from tests.browser.conftest import sign_in


@pytest.mark.parametrize("size", [(390, 844), (1280, 900)], ids=["phone", "desktop"])
def test_describe_choose_and_number(
    page: Page, live_server: str, archive: Archive, event: str, photos, output_path, size
) -> None:
    archive.records.rules = dataclasses.replace(archive.records.rules, fonds="0427")
    page.set_viewport_size({"width": size[0], "height": size[1]})
    sign_in(page, live_server, "editor")
    page.goto(f"{live_server}/events/{event}")
    page.get_by_role("link", name="档案著录").click()
    checklist = page.locator(".checklist li")
    expect(checklist.filter(has_text="保管期限")).to_have_count(1)
    first = page.locator(".record-photo").first
    first.locator("input[type=checkbox]").check()
    first.locator("input[name^=people]").fill("扎洛（海南州人民医院 院长）、李满桂")
    page.select_option("select[name=retention]", "permanent")
    page.select_option("select[name=secrecy]", "内部")
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".flash")).to_contain_text("已保存")
    expect(checklist.filter(has_text="保管期限")).to_have_count(0)
    expect(page.locator(".record-photo.chosen")).to_have_count(1)
    box = page.locator(".record-photo").first.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= size[0]  # nothing off the screen
    page.get_by_role("button", name="编制档号").click()
    expect(page.locator(".code").first).to_have_text("0427-ZP-2024-Y-001")
    expect(page.locator(".record-photo.chosen .choose span")).to_have_text(
        "0427-ZP-2024-Y-001-0001"
    )
    name = f"records-{'phone' if size[0] < 600 else 'desktop'}.png"
    page.screenshot(path=str(Path(output_path) / name), full_page=True)
