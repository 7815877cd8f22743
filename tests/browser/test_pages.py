"""What people do in the browser: upload with per-file progress, caption, search, lightbox, language."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from gallery.archive import Archive
from tests.browser.conftest import sign_in
from tests.imagegen import photo


def _payloads(tmp_path: Path) -> list[dict[str, str]]:
    """Return 10 files to upload: 8 distinct photos, a copy of the first, and a broken one."""
    files = []
    for n in range(8):
        data = photo(tmp_path / f"p{n}.jpg", size=(640, 480), seed=n + 1).read_bytes()
        files.append({"name": f"活动照片-{n + 1}.jpg", "data": data})
    files.append({"name": "副本.jpg", "data": files[0]["data"]})
    broken = (
        "会议纪要：不是图片".encode() * 40
    )  # a text file named .jpg (a cut JPEG is kept, flagged)
    files.append({"name": "损坏.jpg", "data": broken})
    return [
        {"name": f["name"], "b64": base64.b64encode(f["data"]).decode(), "type": "image/jpeg"}
        for f in files
    ]


def _drop(page: Page, selector: str, payloads: list[dict[str, str]]) -> None:
    """Drop files onto an element, as dragging them from the desktop does."""
    transfer = page.evaluate_handle(
        """(files) => {
            const dt = new DataTransfer();
            for (const f of files) {
                const bytes = Uint8Array.from(atob(f.b64), (c) => c.charCodeAt(0));
                dt.items.add(new File([bytes], f.name, { type: f.type }));
            }
            return dt;
        }""",
        payloads,
    )
    page.dispatch_event(selector, "drop", {"dataTransfer": transfer})


def test_upload_caption_and_find_by_traditional_characters(
    page: Page, live_server: str, archive: Archive, event: str, users, tmp_path: Path, output_path
) -> None:
    sign_in(page, live_server, "photographer")
    page.goto(f"{live_server}/upload?event={event}")
    # Watch every progress bar move: record the highest value each bar reaches.
    page.evaluate(
        """() => { window.progressSeen = 0;
            new MutationObserver(() => {
              window.progressSeen = Math.max(window.progressSeen,
                document.querySelectorAll('progress').length);
            }).observe(document.body, {subtree: true, childList: true, attributes: true});
        }"""
    )
    _drop(page, "#dropzone", _payloads(tmp_path))
    rows = page.locator("#file-list li")
    expect(rows).to_have_count(10)
    expect(page.locator("#summary")).to_contain_text("10 / 10", timeout=30_000)
    expect(page.locator("#file-list li.imported")).to_have_count(8)
    expect(page.locator("#file-list li.duplicate")).to_have_count(1)
    expect(page.locator("#file-list li.failed")).to_have_count(1)
    failed = page.locator("#file-list li.failed")
    expect(failed.locator(".name")).to_have_text("损坏.jpg")
    expect(failed.locator(".status")).to_contain_text("失败")
    # The duplicate links the photo its first copy became.
    original = rows.filter(has_text="活动照片-1.jpg").locator(".status a")
    duplicate = page.locator("#file-list li.duplicate .status a")
    assert duplicate.get_attribute("href") == original.get_attribute("href")
    expect(failed.locator(".status")).to_contain_text("文件内容不是图片格式")
    assert page.evaluate("window.progressSeen") == 10
    values = page.eval_on_selector_all(
        "#file-list li.imported progress", "ps => ps.map(p => p.value)"
    )
    assert values == [100] * 8
    expect(page.locator("#retry")).to_be_visible()
    page.screenshot(path=str(Path(output_path) / "upload.png"), full_page=True)

    # Caption the first photo in the batch table; it saves when the box is left.
    first = page.locator("#batch-rows tr").first
    photo_id = int(first.get_attribute("data-photo"))
    first.locator("textarea").fill("检验科党员在纪念馆前合影留念")
    first.locator("input").click()
    expect(first.locator(".saved")).to_have_text("已保存")
    assert archive.exports.photo(photo_id)["caption"] == "检验科党员在纪念馆前合影留念"
    assert archive.exports.photo(photo_id)["photographer"] == "杨军"

    # Find it by a Traditional word of that caption.
    page.fill("header input[type=search]", "紀念館 合影")
    page.keyboard.press("Enter")
    expect(page.locator(".total")).to_have_text("找到 1 张照片")
    expect(page.locator(".hit .snippet mark").first).to_have_text("纪念馆")
    page.locator(".hit a").first.click()
    expect(page).to_have_url(f"{live_server}/photos/{photo_id}")


def test_retry_failed_uploads_after_the_connection_returns(
    page: Page, live_server: str, event: str, users, tmp_path: Path
) -> None:
    sign_in(page, live_server, "editor")
    page.goto(f"{live_server}/upload?event={event}")
    page.route("**/api/v1/photos", lambda route: route.abort())  # the network is down
    page.set_input_files(
        "#files",
        [
            {
                "name": "a.jpg",
                "mimeType": "image/jpeg",
                "buffer": photo(tmp_path / "a.jpg").read_bytes(),
            }
        ],
    )
    expect(page.locator("#file-list li.failed .status")).to_contain_text("网络连接失败")
    page.unroute("**/api/v1/photos")
    page.click("#retry")
    expect(page.locator("#file-list li.imported")).to_have_count(1)
    expect(page.locator("#retry")).to_be_hidden()


def test_language_switch_and_no_script_errors(
    page: Page, live_server: str, users, output_path
) -> None:
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    sign_in(page, live_server, "admin")
    expect(page.locator("header nav")).to_contain_text("上传")
    page.click("a.lang")
    expect(page.locator("header nav")).to_contain_text("Upload")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    for url in ("/upload", "/search?q=x", "/admin/users", "/events/import-article"):
        page.goto(live_server + url)
    page.set_viewport_size({"width": 390, "height": 844})  # a phone
    page.goto(f"{live_server}/upload")
    page.screenshot(path=str(Path(output_path) / "upload-phone.png"), full_page=True)
    assert errors == [], json.dumps(errors, ensure_ascii=False)


@pytest.fixture
def event(archive: Archive) -> str:
    """An event to upload into."""
    import datetime as dt

    return archive.events.add("主题党日", "主题党日", dt.date(2024, 11, 1), slug="party-day").slug
