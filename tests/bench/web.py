"""Web benchmark: server time of the event page at 1,000 photos and the search page at 100,000, and
20 concurrent uploads of 24 MP photos through a real server with nothing lost.

Server time is the app's own time for a request (Flask's test client, no network), median and p95.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import http.client
import statistics
import tempfile
import threading
import time
import uuid
from collections.abc import Iterable
from pathlib import Path

from sqlalchemy import insert
from werkzeug.serving import make_server

from gallery import create_app, get_archive
from gallery.catalog import Event, Photo

RUNS = 30


def percentiles(times: list[float]) -> tuple[float, float]:
    """Return the median and 95th percentile, in milliseconds."""
    ordered = sorted(times)
    return statistics.median(ordered) * 1000, ordered[max(0, int(len(ordered) * 0.95) - 1)] * 1000


def signed_in_client(app):
    """Return a test client signed in as an editor."""
    from tests.conftest import login

    get_archive(app).accounts.add("editor", "editor", "password-editor")
    client = app.test_client()
    login(client, "editor")
    return client


def timed_get(client, url: str, runs: int = RUNS) -> tuple[float, float]:
    """GET ``url`` ``runs`` times (after one warm-up) and return median and p95 server time in ms."""
    assert client.get(url).status_code == 200, url
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        answer = client.get(url)
        times.append(time.perf_counter() - start)
        assert answer.status_code == 200
    return percentiles(times)


def photo_rows(event_ids: Iterable[int], ids: Iterable[int]) -> list[dict]:
    """Return catalogue rows of photos (no files: pages only read the catalogue)."""
    rows = []
    for photo_id, event_id in zip(ids, event_ids, strict=True):
        rows.append(
            {
                "id": photo_id,
                "sha256": hashlib.sha256(str(photo_id).encode()).hexdigest(),
                "ext": "jpg",
                "size_bytes": 1,
                "event_id": event_id,
                "width": 1600 if photo_id % 3 else 1200,
                "height": 1200 if photo_id % 3 else 1600,
                "caption": f"第{photo_id}张",
                "taken_local": dt.datetime(2024, 11, 1, 9) + dt.timedelta(seconds=photo_id),
            }
        )
    return rows


def event_page_times() -> dict[str, float]:
    """Return the server time (median and p95 ms) of an event page with 1,000 photos and others."""
    with tempfile.TemporaryDirectory(prefix="gallery-web-bench-") as tmp:
        app = create_app({"MEDIA_DIR": Path(tmp) / "media", "INDEX_DIR": Path(tmp) / "index"})
        archive = get_archive(app)
        archive.events.add("千张照片的活动", "主题党日", dt.date(2024, 11, 1), slug="big")
        with archive.catalog.transaction() as session:
            event_id = session.query(Event.id).scalar()
            session.execute(insert(Photo), photo_rows([event_id] * 1000, range(1, 1001)))
        client = signed_in_client(app)
        figures = {}
        for name, url in (("event", "/events/big"), ("photo", "/photos/500"), ("home", "/")):
            median, p95 = timed_get(client, url)
            figures[f"{name}_median"], figures[f"{name}_p95"] = round(median, 1), round(p95, 1)
        archive.close()
        return figures


def event_page() -> None:
    """Print the server time of an event page with 1,000 photos, and of its photo pages."""
    figures = event_page_times()
    print("\nweb: server time (median / p95 ms)")
    for name, label in (
        ("event", "event page, 1,000 photos"),
        ("photo", "photo page in it"),
        ("home", "home page"),
    ):
        print(f"  {label:<28}{figures[name + '_median']:>8.1f} / {figures[name + '_p95']:.1f}")


def search_page(index_dir: Path, documents: list[dict], queries: dict[str, str]) -> None:
    """Print the search page's server time over the search benchmark's 100,000-document index."""
    with tempfile.TemporaryDirectory(prefix="gallery-web-search-") as tmp:
        app = create_app({"MEDIA_DIR": Path(tmp) / "media", "INDEX_DIR": index_dir})
        archive = get_archive(app)
        slugs = sorted({d["event_slug"] for d in documents}, key=lambda s: int(s.split("-")[1]))
        with archive.catalog.transaction() as session:
            session.execute(
                insert(Event),
                [
                    {"id": n + 1, "slug": slug, "title": slug, "start_date": dt.date(2024, 1, 1)}
                    for n, slug in enumerate(slugs)
                ],
            )
            event_of = {slug: n + 1 for n, slug in enumerate(slugs)}
            ids = [d["photo_id"] for d in documents]
            events = [event_of[d["event_slug"]] for d in documents]
            for start in range(0, len(ids), 10_000):
                rows = photo_rows(events[start : start + 10_000], ids[start : start + 10_000])
                session.execute(insert(Photo), rows)
        client = signed_in_client(app)
        print(f"\nweb: search page over {len(documents):,} photos (median / p95 ms)")
        for name, query in queries.items():
            median, p95 = timed_get(client, f"/search?q={query}", runs=20)
            print(f"  {name:<28}{median:>8.1f} / {p95:.1f}")
        archive.close()


def concurrent_uploads(photos: list[Path]) -> None:
    """Upload photos all at once through a real threaded server; check nothing is lost."""
    with tempfile.TemporaryDirectory(prefix="gallery-web-upload-") as tmp:
        app = create_app({"MEDIA_DIR": Path(tmp) / "media", "INDEX_DIR": Path(tmp) / "index"})
        archive = get_archive(app)
        archive.events.add("并发上传", "", dt.date(2024, 11, 1), slug="up")
        archive.accounts.add("uploader", "photographer", "password-uploader")
        token = archive.accounts.create_token("uploader")
        server = make_server("127.0.0.1", 0, app, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        statuses: list[int] = []

        def upload(path: Path) -> None:
            boundary = uuid.uuid4().hex
            body = b"".join(
                [
                    f'--{boundary}\r\nContent-Disposition: form-data; name="event"\r\n\r\nup\r\n'.encode(),
                    f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
                    f'filename="{path.name}"\r\nContent-Type: image/jpeg\r\n\r\n'.encode(),
                    path.read_bytes(),
                    f"\r\n--{boundary}--\r\n".encode(),
                ]
            )
            connection = http.client.HTTPConnection("127.0.0.1", server.server_port, timeout=600)
            connection.request(
                "POST",
                "/api/v1/photos",
                body,
                {
                    "Authorization": f"Bearer {token}",
                    "Content-Type": f"multipart/form-data; boundary={boundary}",
                },
            )
            response = connection.getresponse()
            statuses.append(response.status)
            if response.status != 201:
                print(f"  {path.name}: {response.status} {response.read().decode()[:300]}")
            connection.close()

        threads = [threading.Thread(target=upload, args=(p,)) for p in photos]
        start = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wall = time.perf_counter() - start
        server.shutdown()
        report = archive.search.check()
        leftovers = list((archive.store.root / "tmp").iterdir())
        print(
            f"\nweb: {len(photos)} concurrent uploads of 24 MP: {wall:.1f} s "
            f"({len(photos) / wall:.2f} photos/s), statuses {sorted(set(statuses))}, "
            f"catalogue {archive.browse.photo_count()}, index ok {report.ok}, "
            f"temp files left {len(leftovers)}"
        )
        assert statuses == [201] * len(photos) and archive.browse.photo_count() == len(photos)
        assert report.ok and not leftovers, report
        archive.close()


def main(make_photo) -> None:
    """Print the web figures; ``make_photo(path, size, seed)`` writes a camera-like JPEG."""
    event_page()
    with tempfile.TemporaryDirectory(prefix="gallery-web-photos-") as tmp:
        photos = [make_photo(Path(tmp) / f"u{n:02d}.jpg", (6000, 4000), 500 + n) for n in range(20)]
        concurrent_uploads(photos)
