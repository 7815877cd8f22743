"""A damaged search index: the archive starts and works without search, and a rebuild repairs it.

Real archives, real Whoosh files, a segment file really deleted; the two-process test runs a real
``gallery serve`` and a real ``gallery index rebuild`` beside it.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from pathlib import Path
from urllib.parse import quote

import pytest
from sqlalchemy import func, select

from gallery import create_app, get_archive
from gallery.catalog.models import SearchOutbox
from gallery.search_index import generations
from tests.conftest import login, text_of
from tests.imagegen import photo
from tests.procs import Runner, gallery, request, serve

REBUILDING = "搜索索引正在重建"  # the Chinese of "the search index is being rebuilt"


def config(root: Path) -> dict:
    """Return the settings of an archive kept in ``root``."""
    return {"TESTING": True, "MEDIA_DIR": root / "media", "INDEX_DIR": root / "index"}


def fill(root: Path, photos: int = 3) -> list[int]:
    """Create an event with captioned photos, indexed; return the photo ids."""
    archive = get_archive(create_app(config(root)))
    archive.events.add("检验科学术交流", "学术交流", dt.date(2024, 11, 1), slug="exchange")
    archive.accounts.add("editor", "editor", "password-editor")
    ids = []
    for n in range(photos):
        # One import per photo: each commit adds its own small segment (a .seg file).
        [result] = archive.imports.import_files(
            [photo(root / "in" / f"{n}.jpg", seed=n)], "exchange", caption=f"学员合影 第{n}张"
        )
        ids.append(result.photo_id)
    assert archive.search.search("合影").total == photos
    archive.close()
    return ids


def damage(root: Path) -> Path:
    """Delete one segment file of the live index, as a bad disk or a careless hand would."""
    live = generations.current(root / "index")
    segment = sorted(live.glob("*.seg"))[-1]
    segment.unlink()
    return segment


def listing(folder: Path) -> dict[str, tuple[int, int]]:
    """Return every file under ``folder`` with its size and modification time."""
    return {
        str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def outbox_rows(archive) -> int:
    """Return how many outbox rows wait in the catalogue."""
    with archive.catalog.reading() as session:
        return session.scalar(select(func.count()).select_from(SearchOutbox))


def token_for(app) -> dict[str, str]:
    """Return the headers of an editor's API token."""
    made = Runner(get_archive(app)).invoke(args=["token", "create", "editor", "--name", "t"])
    assert made.exit_code == 0, made.output
    return {"Authorization": f"Bearer {made.output.strip()}"}


def test_a_damaged_index_stops_search_only_and_a_rebuild_repairs_it(tmp_path: Path) -> None:
    ids = fill(tmp_path)
    damage(tmp_path)
    app = create_app(config(tmp_path))  # starts: nothing syncs the index on the way
    archive = get_archive(app)
    client = app.test_client()
    bearer = token_for(app)

    # Everything but search answers.
    assert client.get("/api/v1/events/exchange", headers=bearer).status_code == 200
    found = client.get("/api/v1/search?q=" + quote("合影"), headers=bearer)
    assert found.status_code == 503 and REBUILDING in found.json["error"]
    assert found.headers["Retry-After"]
    # An edit and an upload are kept (in the catalogue, and in the outbox for the index).
    edit = client.patch(
        f"/api/v1/photos/{ids[0]}", json={"caption": "颁发结业证书"}, headers=bearer
    )
    assert edit.status_code == 200 and edit.json["caption"] == "颁发结业证书"
    new = photo(tmp_path / "in" / "new.jpg", seed=99)
    with new.open("rb") as f:
        upload = client.post(
            "/api/v1/photos", data={"event": "exchange", "file": (f, "new.jpg")}, headers=bearer
        )
    assert upload.status_code == 201, upload.json
    pending = outbox_rows(archive)
    assert pending >= 2

    # The search page says so, in the reader's language, and keeps the search box.
    archive.accounts.add("viewer", "viewer", "password-viewer")
    login(client, "viewer")
    page = client.get("/search?q=合影")
    assert page.status_code == 503
    assert REBUILDING in text_of(page) and 'name="q" value="合影"' in text_of(page)
    client.get("/lang/en")
    assert "The search index is being rebuilt" in text_of(client.get("/search?q=合影"))

    # index check reads only: it reports the damage and the rows waiting, and changes nothing.
    runner = Runner(get_archive(app))
    before = listing(tmp_path / "index")
    check = runner.invoke(args=["index", "check"])
    assert check.exit_code == 1
    assert "damaged" in check.output and f"pending {pending}" in check.output
    assert listing(tmp_path / "index") == before and outbox_rows(archive) == pending

    # rebuild writes a new generation beside the broken one and swaps it in.
    broken = generations.current(tmp_path / "index")
    rebuild = runner.invoke(args=["index", "rebuild"])
    assert rebuild.exit_code == 0, rebuild.output
    live = generations.current(tmp_path / "index")
    assert live != broken and live.parent == tmp_path / "index"
    assert not broken.exists()  # the broken one is removed, not kept for readers
    answer = client.get("/api/v1/search?q=结业证书", headers=bearer)
    assert answer.status_code == 200 and [h["photo_id"] for h in answer.json["hits"]] == [ids[0]]
    # The event's photos: the three, and the one uploaded while the index was broken.
    assert client.get("/api/v1/search?q=学术交流", headers=bearer).json["total"] == len(ids) + 1
    check = runner.invoke(args=["index", "check"])
    assert check.exit_code == 0, check.output
    assert "missing 0, stale 0, extra 0, pending 0" in check.output
    archive.close()


def test_check_reports_pending_rows_without_applying_them(tmp_path: Path) -> None:
    ids = fill(tmp_path, photos=1)
    # A change committed by a process that died before indexing it: no after-commit listener.
    from gallery.catalog import Catalog, Photo

    app = create_app(config(tmp_path))
    archive = get_archive(app)
    with Catalog(archive.config["DATABASE_URL"]).transaction() as session:
        session.get(Photo, ids[0]).caption = "为牧民测量血压"
    before = listing(tmp_path / "index")
    check = Runner(get_archive(app)).invoke(args=["index", "check"])
    assert check.exit_code == 1
    assert f"stale: photo:{ids[0]}" in check.output and "pending 1" in check.output
    assert listing(tmp_path / "index") == before and outbox_rows(archive) == 1
    # The next search applies it.
    assert [h.photo_id for h in archive.search.search("血压").hits] == ids
    assert archive.search.check().ok and archive.search.check().pending == 0
    archive.close()


def test_a_rebuild_keeps_a_readable_index_serving_until_the_swap(tmp_path: Path) -> None:
    ids = fill(tmp_path, photos=2)
    app = create_app(config(tmp_path))
    archive = get_archive(app)
    old = generations.current(tmp_path / "index")
    seen_during: list[int] = []

    def batches_observed(original):
        def observed(batches):
            def each():
                for batch in batches:
                    # Mid-build: the live index still answers, from the old generation.
                    seen_during.append(archive.search.search("合影").total)
                    yield batch

            return original(each())

        return observed

    archive.search.index.build = batches_observed(archive.search.index.build)
    assert archive.search.rebuild() == len(ids) + 1
    assert seen_during and all(n == len(ids) for n in seen_during)
    new = generations.current(tmp_path / "index")
    assert new != old and old.exists()  # kept one swap longer, for readers of other processes
    assert archive.search.search("合影").total == len(ids)
    archive.close()


@pytest.mark.slow
def test_a_server_searches_on_while_another_process_rebuilds(tmp_path: Path) -> None:
    ids = fill(tmp_path, photos=3)
    made = gallery(tmp_path, "token", "create", "editor", "--name", "t")
    assert made.returncode == 0, made.stderr
    bearer = {"Authorization": f"Bearer {made.stdout.strip()}"}
    server, port = serve(tmp_path, threads=4)
    try:
        answers: list[tuple[int, int]] = []
        stop = threading.Event()

        def search() -> None:
            while not stop.is_set():
                status, body = request(
                    port, "GET", "/api/v1/search?q=" + quote("合影"), headers=bearer
                )
                answers.append((status, json.loads(body).get("total", -1)))

        readers = [threading.Thread(target=search) for _ in range(2)]
        for reader in readers:
            reader.start()
        old = generations.current(tmp_path / "index")
        for _ in range(3):  # several swaps while searches run
            rebuilt = gallery(tmp_path, "index", "rebuild")
            assert rebuilt.returncode == 0, rebuilt.stderr
        stop.set()
        for reader in readers:
            reader.join()
        assert generations.current(tmp_path / "index") != old
        assert answers and set(answers) == {(200, len(ids))}
        # The server follows the swap: an edit through it is found in the new generation.
        edit = json.dumps({"caption": "颁发结业证书"}).encode()
        headers = {**bearer, "Content-Type": "application/json"}
        assert request(port, "PATCH", f"/api/v1/photos/{ids[0]}", edit, headers)[0] == 200
        status, body = request(port, "GET", "/api/v1/search?q=" + quote("结业证书"), headers=bearer)
        assert status == 200 and json.loads(body)["total"] == 1
        check = gallery(tmp_path, "index", "check")
        assert check.returncode == 0, check.stdout
    finally:
        server.terminate()
        server.wait(timeout=30)
