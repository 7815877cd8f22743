"""Uploading through the web: outcomes, limits, defaults, concurrency."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from sqlalchemy.event import listens_for as event_listens_for
from sqlalchemy.event import remove

from tests.conftest import login, text_of
from tests.imagegen import encode, photo, upright


def test_upload_outcomes_and_path_tricks(client, archive, event, users, tmp_path: Path) -> None:
    token = login(client, "photographer")
    good = photo(tmp_path / "g.jpg", seed=5).read_bytes()

    def send(data: bytes, name: str):
        return client.post(
            "/api/v1/photos",
            data={"file": (io.BytesIO(data), name), "event": event},
            headers={"X-CSRFToken": token},
        )

    imported = send(good, "../../../etc/合影.jpg")
    assert imported.status_code == 201 and imported.json["status"] == "imported"
    record = archive.exports.photo(imported.json["photo_id"])
    assert record["original_name"] == "合影.jpg"
    assert record["photographer"] == "杨军"  # the uploader's person
    assert record["uploader"] == "photographer"
    duplicate = send(good, "again.jpg")
    assert duplicate.status_code == 200 and duplicate.json["status"] == "duplicate"
    assert duplicate.json["photo_id"] == imported.json["photo_id"]
    assert duplicate.json["photo"]["url"] == f"/photos/{imported.json['photo_id']}"
    failed = send(b"this is not an image", "notes.jpg")
    assert failed.status_code == 422 and failed.json["status"] == "failed"
    assert failed.json["error"] and failed.json["filename"] == "notes.jpg"
    zero = send(b"", "empty.jpg")
    assert zero.status_code == 422
    assert not list((archive.store.root / "tmp").iterdir())  # nothing half-written left
    missing = client.post("/api/v1/photos", data={"event": event}, headers={"X-CSRFToken": token})
    assert missing.status_code == 400 and "file" in missing.json["error"]


def test_oversized_upload_gets_413_with_a_reason(tmp_path: Path, database_url: str) -> None:
    from gallery import create_app, get_archive

    app = create_app(
        {
            "TESTING": True,
            "MEDIA_DIR": tmp_path / "media",
            "INDEX_DIR": tmp_path / "index",
            "MAX_CONTENT_LENGTH": 50_000,
            "DATABASE_URL": database_url,
        }
    )
    archive = get_archive(app)
    archive.accounts.add("photographer", "photographer", "password-photographer")
    archive.events.add("e", "", dt.date(2024, 1, 1), slug="e")
    client = app.test_client()
    token = login(client, "photographer")
    big = encode(upright((1200, 900)), quality=100) + b"\0" * 60_000
    answer = client.post(
        "/api/v1/photos",
        data={"file": (io.BytesIO(big), "big.jpg"), "event": "e"},
        headers={"X-CSRFToken": token, "Accept": "application/json"},
    )
    assert answer.status_code == 413
    assert "上限" in answer.json["error"]
    assert archive.browse.photo_count() == 0
    archive.close()


def test_upload_page_offers_the_articles_photographers(client, archive, users) -> None:
    archive.events.add(
        "主题党日", "主题党日", dt.date(2024, 11, 1), slug="d", credits={"photo": ["楊 軍", "李明"]}
    )
    login(client, "photographer")
    page = text_of(client.get("/upload?event=d"))
    assert 'data-photographers="杨军|李明"' in page  # 楊 軍 is the user's person 杨军
    assert 'value="杨军" data-default="杨军"' in page


def test_concurrent_uploads_lose_nothing(app, archive, event, tmp_path: Path) -> None:
    """Uploads at once through a threaded server, each naming a person not yet known."""
    import threading

    from werkzeug.serving import make_server

    archive.accounts.add("newcomer", "photographer", "password-newcomer")  # no person yet
    token = archive.accounts.create_token("newcomer")
    files = [photo(tmp_path / f"{n}.jpg", seed=100 + n).read_bytes() for n in range(12)]
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    statuses: list[int] = []

    def send(n: int) -> None:
        import urllib.request
        import uuid

        boundary = uuid.uuid4().hex
        body = (
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="event"\r\n\r\n{event}\r\n'
                f'--{boundary}\r\nContent-Disposition: form-data; name="photographer"\r\n\r\n新人{n % 3}\r\n'
                f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{n}.jpg"\r\n\r\n'
            ).encode()
            + files[n]
            + f"\r\n--{boundary}--\r\n".encode()
        )
        request = urllib.request.Request(
            f"http://127.0.0.1:{server.server_port}/api/v1/photos",
            data=body,
            headers={
                "Authorization": f"Bearer {token}",
                "Content-Type": f"multipart/form-data; boundary={boundary}",
            },
        )
        with urllib.request.urlopen(request) as answer:
            statuses.append(answer.status)

    threads = [threading.Thread(target=send, args=(n,)) for n in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    server.shutdown()
    assert statuses == [201] * 12
    assert archive.browse.photo_count() == 12 and archive.search.check().ok
    assert {p["photographer"] for p in archive.exports.catalogue()["photos"]} == {
        "新人0",
        "新人1",
        "新人2",
    }


def test_a_full_disk_answers_507_saying_so(client, archive, event, users, monkeypatch) -> None:
    import errno
    import io

    from werkzeug.datastructures import FileStorage

    from tests.imagegen import encode, upright

    def full_disk(self, destination, buffer_size=16384):  # a writer whose disk is full
        raise OSError(errno.ENOSPC, "No space left on device")

    token = login(client, "editor")
    monkeypatch.setattr(FileStorage, "save", full_disk)
    answer = client.post(
        "/api/v1/photos",
        data={"event": event, "file": (io.BytesIO(encode(upright())), "a.jpg")},
        headers={"X-CSRFToken": token},
    )
    assert answer.status_code == 507 and "磁盘已满" in answer.json["error"]
    assert archive.exports.catalogue()["photos"] == []
    assert not list((archive.store.root / "tmp").glob("upload*/*"))


def test_a_full_catalogue_disk_answers_507_and_keeps_no_files(
    client, archive, event, users, database_url: str
) -> None:
    """The database's disk fills (SQLite stops at max_page_count as at a full disk): a clear 507."""
    if database_url:
        pytest.skip("SQLite's page limit stands for the full disk")
    token = login(client, "editor")
    engine = archive.catalog.engine
    engine.dispose()  # every connection from now on is one whose database cannot grow

    @event_listens_for(engine, "connect")
    def cannot_grow(dbapi_connection, _record) -> None:
        dbapi_connection.execute("VACUUM")  # no free page left inside the file either
        pages = dbapi_connection.execute("PRAGMA page_count").fetchone()[0]
        dbapi_connection.execute(f"PRAGMA max_page_count = {pages}")

    # A caption of 2,000 characters (the limit) needs pages of its own.
    jpeg = encode(upright(), tags={"ImageDescription": "检验科党员合影" * 285})
    answer = client.post(
        "/api/v1/photos",
        data={"event": event, "file": (io.BytesIO(jpeg), "a.jpg")},
        headers={"X-CSRFToken": token},
    )
    assert answer.status_code == 507 and "磁盘已满" in answer.json["error"]
    remove(engine, "connect", cannot_grow)
    engine.dispose()
    assert archive.exports.catalogue()["photos"] == []
    assert list(archive.store.root.rglob("*.jpg")) == []  # no original, no derivative left
