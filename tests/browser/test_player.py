"""The unattended slideshow in a real browser: order, overlay, live changes, network loss, memory."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from werkzeug.serving import WSGIRequestHandler, make_server

from gallery.archive import Archive
from tests.browser.conftest import sign_in
from tests.imagegen import photo

CREDIT = "图／杨军 · 检验科学术交流 · 2024年11月1日"


class OneRequestPerConnection(WSGIRequestHandler):
    """HTTP/1.0: no kept-alive connection outlives a stopped server."""

    protocol_version = "HTTP/1.0"


class Server:
    """The app on a fixed local port that a test can stop and start again."""

    def __init__(self, app) -> None:
        self.app = app
        self.port = 0
        self.start()

    def start(self) -> None:
        """Listen (again, on the same port)."""
        self.server = make_server(
            "127.0.0.1", self.port, self.app, threaded=True, request_handler=OneRequestPerConnection
        )
        self.port = self.server.server_port
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        """Stop answering: connections are refused until start()."""
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@pytest.fixture
def server(app):
    """A restartable server for the app."""
    running = Server(app)
    yield running
    running.stop()


@pytest.fixture
def show(archive: Archive, event: str, tmp_path: Path) -> tuple[str, list[int]]:
    """An exhibition of three photos, arranged 3, 1, 2; one second a slide, polled every second."""
    files = [photo(tmp_path / f"{n}.jpg", size=(640, 400 + 40 * n), seed=n) for n in range(3)]
    ids = [r.photo_id for r in archive.imports.import_files(files, event, photographer="杨军")]
    for n, photo_id in enumerate(ids):
        archive.photos.edit(photo_id, caption=f"第{n + 1}张")
    slug = archive.exhibitions.create("党建成果展", "记录支部的一年。", "2024年11月")
    archive.exhibitions.add_photos(slug, [ids[2], ids[0], ids[1]])
    archive.exhibitions.update(
        slug,
        settings={"seconds": 1, "poll_seconds": 1, "transition": "cut", "title_slide": False},
    )
    return slug, ids


def keys(archive: Archive, slug: str) -> list[str]:
    """Return the slide keys of an exhibition in its current order."""
    return [
        archive.exports.photo(i["photo_id"])["sha256"]
        for i in archive.exhibitions.get(slug)["items"]
    ]


def record(page: Page) -> None:
    """Record every slide the player shows, and whether its image was whole when shown."""
    page.evaluate(
        """() => {
            window.seen = []; window.broken = 0;
            const root = document.getElementById('player');
            new MutationObserver(() => {
                const key = root.dataset.current;
                if (window.seen[window.seen.length - 1] === key) return;
                window.seen.push(key);
                const img = document.querySelector('.slide.shown img');
                if (key !== 'title' && key !== 'stopped' && !(img && img.complete && img.naturalWidth > 0)) {
                    window.broken += 1;
                }
            }).observe(root, {attributes: true, attributeFilter: ['data-current']});
        }"""
    )


def seen(page: Page) -> list[str]:
    return page.evaluate("window.seen")


def test_plays_the_curated_order_with_title_and_overlay(
    page: Page, server: Server, archive: Archive, show, output_path
) -> None:
    slug, ids = show
    archive.exhibitions.update(
        slug, settings={"seconds": 1.5, "poll_seconds": 30, "title_slide": True}
    )
    token = archive.exhibitions.create_link(slug, "大厅")
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(f"{server.url}/display/{token}")
    expect(page.locator(".title-slide h1")).to_have_text("党建成果展")
    expect(page.locator(".title-slide .intro")).to_have_text("记录支部的一年。")
    page.screenshot(path=str(Path(output_path) / "display-title.png"))
    record(page)
    page.wait_for_function("() => window.seen.length >= 5", timeout=15_000)
    order = keys(archive, slug)
    shown = seen(page)
    start = shown.index(order[0])
    assert shown[start : start + 3] == order  # then the title again, at the start of the next loop
    assert shown[start + 3] == "title"
    page.wait_for_function(
        f"() => document.getElementById('player').dataset.current === '{order[0]}'"
    )
    visible = page.locator(".slide.shown")
    expect(visible.locator(".caption")).to_have_text("第3张")
    page.wait_for_function(
        "() => getComputedStyle(document.querySelector('.slide.shown')).opacity === '1'"
    )
    expect(visible.locator(".credit")).to_have_text(CREDIT)
    assert page.evaluate("document.querySelector('.slide.shown img').naturalWidth") > 0
    assert page.evaluate("getComputedStyle(document.body).cursor") == "none"
    page.screenshot(path=str(Path(output_path) / "display-landscape.png"))


def test_portrait_screen(page: Page, server: Server, archive: Archive, show, output_path) -> None:
    slug, _ids = show
    token = archive.exhibitions.create_link(
        slug, "竖屏", {"orientation": "portrait", "seconds": 60}
    )
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(f"{server.url}/display/{token}")
    expect(page.locator(".slide.shown .caption")).to_have_text("第3张")
    box = page.locator("#player").bounding_box()
    assert (round(box["width"]), round(box["height"])) == (1280, 720)  # turned: fills the screen
    assert page.evaluate("getComputedStyle(document.getElementById('player')).transform") != "none"
    page.screenshot(path=str(Path(output_path) / "display-portrait.png"))


def test_reordering_in_the_editor_reaches_a_running_display(
    page: Page, context, server: Server, archive: Archive, users, show
) -> None:
    slug, ids = show
    token = archive.exhibitions.create_link(slug, "大厅")
    page.goto(f"{server.url}/display/{token}")
    record(page)
    page.wait_for_function("() => window.seen.length >= 2")
    editor = context.new_page()
    sign_in(editor, server.url, "editor")
    editor.goto(f"{server.url}/exhibitions/{slug}")
    with editor.expect_response(f"**/exhibitions/{slug}/order"):
        editor.locator(f"#p{ids[2]} button[value=down]").click()  # 3,1,2 → 1,3,2
    items = [i["photo_id"] for i in archive.exhibitions.get(slug)["items"]]
    assert items == [ids[0], ids[2], ids[1]]
    new_order = keys(archive, slug)
    before = len(seen(page))
    # Within one poll (1 s) and the next slide change, the new order is what plays.
    page.wait_for_function(f"() => window.seen.length >= {before + 6}", timeout=15_000)
    after = seen(page)[before + 2 :]
    position = {key: n for n, key in enumerate(new_order)}
    steps = {(position[b] - position[a]) % 3 for a, b in zip(after, after[1:], strict=False)}
    assert steps == {1}, (after, new_order)


def test_keeps_playing_through_network_loss_and_picks_up_changes(
    page: Page, server: Server, archive: Archive, event: str, show, tmp_path: Path
) -> None:
    slug, _ids = show
    token = archive.exhibitions.create_link(slug, "大厅")
    page.goto(f"{server.url}/display/{token}")
    page.evaluate("window.sameDocument = true")
    record(page)
    page.wait_for_function("() => window.seen.length >= 4")  # every slide once: they are cached

    server.stop()
    shown = len(seen(page))
    page.wait_for_function(f"() => window.seen.length >= {shown + 4}", timeout=15_000)
    page.wait_for_function("() => Number(document.getElementById('player').dataset.failures) >= 1")
    assert page.evaluate("window.broken") == 0

    [added] = archive.imports.import_files([photo(tmp_path / "new.jpg", seed=42)], event)
    archive.photos.edit(added.photo_id, caption="新加的照片")
    archive.exhibitions.add_photos(slug, [added.photo_id])
    server.start()
    page.wait_for_function(
        "() => [...document.querySelectorAll('.slide.shown .caption')]"
        ".some((c) => c.textContent === '新加的照片')",
        timeout=30_000,
    )
    assert page.evaluate("window.sameDocument") is True  # no reload
    assert page.evaluate("window.broken") == 0


def test_a_failing_image_is_skipped(browser, server: Server, archive: Archive, show) -> None:
    slug, ids = show
    token = archive.exhibitions.create_link(slug, "大厅")
    broken = archive.exports.photo(ids[0])["sha256"]
    # Without the service worker, whose own requests page routes do not see.
    context = browser.new_context(service_workers="block")
    page = context.new_page()
    page.route(f"**/{broken}.jpg", lambda route: route.fulfill(status=500, body="no"))
    page.goto(f"{server.url}/display/{token}")
    record(page)
    page.wait_for_function("() => window.seen.length >= 6", timeout=15_000)
    assert broken not in seen(page)
    assert page.evaluate("window.broken") == 0
    context.close()


def test_a_revoked_link_stops_the_display(
    page: Page, server: Server, archive: Archive, show
) -> None:
    slug, _ids = show
    token = archive.exhibitions.create_link(slug, "大厅")
    page.goto(f"{server.url}/display/{token}")
    expect(page.locator(".slide.shown .caption")).to_have_text("第3张")
    archive.exhibitions.revoke_link(slug, archive.exhibitions.get(slug)["links"][0]["id"])
    expect(page.locator(".notice")).to_have_text("此展示链接已失效。", timeout=10_000)
    expect(page.locator(".slide.shown")).to_have_count(0)
    assert page.request.get(f"{server.url}/display/{token}/playlist.json").status == 404


def test_a_thousand_slide_changes_keep_the_heap_flat(
    page: Page, server: Server, archive: Archive, show
) -> None:
    slug, _ids = show
    token = archive.exhibitions.create_link(slug, "大厅", {"seconds": 3600})
    page.goto(f"{server.url}/display/{token}")
    expect(page.locator(".slide.shown .caption")).to_have_text("第3张")
    cdp = page.context.new_cdp_session(page)

    def heap() -> int:
        cdp.send("HeapProfiler.collectGarbage")
        return cdp.send("Runtime.getHeapUsage")["usedSize"]

    page.evaluate(
        "async () => { for (let i = 0; i < 50; i++) await window.galleryPlayer.advance(1); }"
    )
    before = heap()
    page.evaluate(
        "async () => { for (let i = 0; i < 1000; i++) await window.galleryPlayer.advance(1); }"
    )
    after = heap()
    shown = int(page.locator("#player").get_attribute("data-shown"))
    assert shown >= 1050
    growth = after - before
    print(f"\nJS heap after 1,000 slide changes: {before / 1024:.0f} KiB → {after / 1024:.0f} KiB")
    assert growth < 256 * 1024, f"the heap grew {growth} bytes over 1,000 slides"


def test_remote_keys_pause_and_step(page: Page, server: Server, archive: Archive, show) -> None:
    slug, _ids = show
    token = archive.exhibitions.create_link(slug, "大厅", {"seconds": 60})
    page.goto(f"{server.url}/display/{token}")
    caption = page.locator(".slide.shown .caption")
    expect(caption).to_have_text("第3张")
    page.keyboard.press("ArrowRight")
    expect(caption).to_have_text("第1张")
    page.keyboard.press("PageDown")  # what a presenter remote sends
    expect(caption).to_have_text("第2张")
    page.keyboard.press("ArrowLeft")
    expect(caption).to_have_text("第1张")
    page.keyboard.press(" ")
    expect(page.locator(".notice")).to_have_text("已暂停")
    page.keyboard.press(" ")
    expect(page.locator(".notice")).to_be_hidden()


def test_drag_and_drop_orders_the_exhibition(
    page: Page, server: Server, archive: Archive, users, show
) -> None:
    slug, ids = show  # arranged 3, 1, 2
    sign_in(page, server.url, "editor")
    page.goto(f"{server.url}/exhibitions/{slug}")
    with page.expect_response(f"**/exhibitions/{slug}/order") as answer:
        page.drag_and_drop(f"#p{ids[1]} .handle", f"#p{ids[2]} img")
    assert answer.value.ok
    order = [i["photo_id"] for i in archive.exhibitions.get(slug)["items"]]
    assert order == [ids[1], ids[2], ids[0]]
    page.reload()
    assert page.locator("#items li").first.get_attribute("data-photo") == str(ids[1])
    expect(page.locator(f"#p{ids[1]} button[value=up]")).to_be_disabled()


def test_a_screen_restarted_while_the_server_is_down_starts_again(
    page: Page, server: Server, archive: Archive, show
) -> None:
    slug, _ids = show
    token = archive.exhibitions.create_link(slug, "大厅")
    page.goto(f"{server.url}/display/{token}")
    # (A function given to wait_for_function must answer, not promise: a Promise is always truthy.)
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.wait_for_function("() => !!navigator.serviceWorker.controller")
    page.reload()  # now every request of the page goes through the worker, and is kept
    record(page)
    page.wait_for_function("() => window.seen.length >= 4")
    server.stop()
    page.reload()  # the screen's computer restarts; the server is still down
    record(page)
    page.wait_for_function("() => window.seen.length >= 4", timeout=15_000)
    assert page.evaluate("window.broken") == 0
    assert set(seen(page)) == set(keys(archive, slug))
    server.start()


@pytest.mark.parametrize(
    "viewport",
    [{"width": 390, "height": 844}, {"width": 1920, "height": 1080}],
    ids=["phone", "tv"],
)
def test_a_screen_opened_once_plays_the_whole_exhibition_after_a_restart_offline(
    browser, server: Server, archive: Archive, event: str, tmp_path: Path, viewport, output_path
) -> None:
    files = [
        photo(tmp_path / f"w{n}.jpg", size=(480, 320 + 8 * n), seed=100 + n) for n in range(20)
    ]
    ids = [r.photo_id for r in archive.imports.import_files(files, event, photographer="杨军")]
    slug = archive.exhibitions.create("二十张", "", "")
    archive.exhibitions.add_photos(slug, ids)
    archive.exhibitions.update(slug, settings={"seconds": 3600, "title_slide": False})
    token = archive.exhibitions.create_link(slug, "大厅")
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    page.goto(f"{server.url}/display/{token}")  # opened once, never reloaded while online
    expect(page.locator(".slide.shown img")).to_be_visible()
    # The worker says when it has every image of the playlist; only the first one was ever shown.
    expect(page.locator("#player")).to_have_attribute("data-kept", "20/20", timeout=30_000)
    assert page.evaluate("Number(document.getElementById('player').dataset.shown)") == 1

    server.stop()
    page.reload()  # the screen's computer restarts; the server is down
    expect(page.locator(".slide.shown img")).to_be_visible()
    record(page)
    page.evaluate(
        "async () => { for (let i = 0; i < 20; i++) await window.galleryPlayer.advance(1); }"
    )
    shown = seen(page)
    assert set(shown) == set(keys(archive, slug)), f"{len(set(shown))} of 20 played"
    assert page.evaluate("window.broken") == 0
    name = "phone" if viewport["width"] < 600 else "tv"
    page.screenshot(path=str(Path(output_path) / f"display-offline-{name}.png"))
    server.start()
    context.close()


def order_on_screen(page: Page) -> list[int]:
    """Return the photo ids of the editor's list, top to bottom."""
    return [
        int(i)
        for i in page.locator("#items li").evaluate_all("els => els.map(e => e.dataset.photo)")
    ]


def test_arrows_reorder_without_reloading(
    page: Page, server: Server, archive: Archive, users, show
) -> None:
    slug, ids = show  # arranged 3, 1, 2
    sign_in(page, server.url, "editor")
    page.goto(f"{server.url}/exhibitions/{slug}")
    page.evaluate("window.sameDocument = true")
    down = page.locator(f"#p{ids[2]} button[value=down]")
    with page.expect_response(f"**/exhibitions/{slug}/order") as answer:
        down.click()
    assert answer.value.ok
    assert order_on_screen(page) == [ids[0], ids[2], ids[1]]
    expect(down).to_be_focused()  # the next press moves it again
    with page.expect_response(f"**/exhibitions/{slug}/order"):
        page.keyboard.press("Enter")
    assert order_on_screen(page) == [ids[0], ids[1], ids[2]]
    expect(page.locator(f"#p{ids[2]} button[value=down]")).to_be_disabled()
    expect(page.locator(f"#p{ids[0]} button[value=up]")).to_be_disabled()
    expect(page.locator(f"#p{ids[2]} button[value=up]")).to_be_focused()
    expect(page.locator("#order-state")).to_have_text("顺序已保存。")
    assert [i["photo_id"] for i in archive.exhibitions.get(slug)["items"]] == [
        ids[0],
        ids[1],
        ids[2],
    ]
    assert page.evaluate("window.sameDocument") is True  # no reload


def test_a_finger_on_the_handle_reorders_on_a_phone(
    browser, server: Server, archive: Archive, users, show, output_path
) -> None:
    slug, ids = show  # arranged 3, 1, 2
    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        has_touch=True,
        is_mobile=True,
        device_scale_factor=2,
    )
    page = context.new_page()
    sign_in(page, server.url, "editor")
    page.goto(f"{server.url}/exhibitions/{slug}")
    page.evaluate("window.sameDocument = true")
    handle = page.locator(f"#p{ids[2]} .handle").bounding_box()
    target = page.locator(f"#p{ids[1]}").bounding_box()  # the last one: drop in its lower half
    start = (handle["x"] + handle["width"] / 2, handle["y"] + handle["height"] / 2)
    end = (start[0], target["y"] + target["height"] * 0.8)
    cdp = context.new_cdp_session(page)

    def touch(kind: str, x: float, y: float) -> None:
        points = [] if kind == "touchEnd" else [{"x": x, "y": y, "id": 1}]
        cdp.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": points})

    with page.expect_response(f"**/exhibitions/{slug}/order") as answer:
        touch("touchStart", *start)
        for step in range(1, 11):
            touch("touchMove", start[0], start[1] + (end[1] - start[1]) * step / 10)
        touch("touchEnd", *end)
    assert answer.value.ok
    assert order_on_screen(page) == [ids[0], ids[1], ids[2]]
    assert [i["photo_id"] for i in archive.exhibitions.get(slug)["items"]] == [
        ids[0],
        ids[1],
        ids[2],
    ]
    assert page.evaluate("window.sameDocument") is True
    assert page.evaluate("window.scrollX") == 0  # the page itself did not move sideways
    page.screenshot(path=str(Path(output_path) / "exhibition-editor-phone.png"), full_page=True)
    context.close()


def test_a_new_display_link_can_be_copied_and_scanned(
    browser, server: Server, archive: Archive, users, show, output_path
) -> None:
    slug, _ids = show
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    sign_in(page, server.url, "editor")
    page.goto(f"{server.url}/exhibitions/{slug}")
    page.fill("input[name=name]", "大厅")
    page.click("text=创建展示链接")
    link = page.locator("#new-link").input_value()
    assert link.startswith(f"{server.url}/display/")
    page.click("button.copy")
    expect(page.locator(".copy-state")).to_have_text("已复制")
    assert page.evaluate("navigator.clipboard.readText()") == link
    qr = page.locator("figure.qr-code svg")
    expect(qr).to_be_visible()
    box = qr.bounding_box()
    assert (
        box["width"] >= 150 and abs(box["width"] - box["height"]) < 1
    )  # big enough to scan, square
    page.screenshot(path=str(Path(output_path) / "exhibition-new-link.png"), full_page=True)
    context.close()
