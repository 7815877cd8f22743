"""Load benchmark: 20 readers (pages, search) and 5 uploaders through ``gallery serve`` at once.

``python -m tests.bench load [--seconds N] [--json]``: requests/s, p50/p95/max latency per kind,
errors (must be 0), then ``gallery index check`` and ``gallery media check`` on what was left.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import signal
import statistics
import tempfile
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

from gallery import create_app, get_archive
from tests import procs
from tests.imagegen import encode, upright, write

READERS, UPLOADERS = 20, 5
SEED_PHOTOS = 60
WORDS = ["学术交流", "检验科", "培训", "主题党日", "志愿服务", "颁奖"]


def _photo(folder: Path, n: int) -> Path:
    """Write a distinct 1600×1200 JPEG numbered ``n``."""
    return write(folder / f"l{n:05d}.jpg", encode(upright((1600 + n % 97, 1200 + n // 97))))


def _seed(root: Path) -> tuple[str, str, list[int]]:
    """Make an archive with an event of photos; return a reader's token, an uploader's, photo ids."""
    app = create_app({"MEDIA_DIR": root / "media", "INDEX_DIR": root / "index"})
    archive = get_archive(app)
    archive.events.add("负载测试", "学术交流", dt.date(2024, 11, 1), slug="load")
    archive.accounts.add("reader", "viewer", "password-reader")
    archive.accounts.add("uploader", "photographer", "password-uploader")
    seeds = root / "seed"
    seeds.mkdir()
    ids = []
    for n in range(SEED_PHOTOS):
        caption = f"{WORDS[n % len(WORDS)]} 第{n}张"
        [result] = archive.imports.import_files(
            [_photo(seeds, 90_000 + n)], "load", caption=caption
        )
        ids.append(result.photo_id)
    tokens = archive.accounts.create_token("reader"), archive.accounts.create_token("uploader")
    archive.close()
    return *tokens, ids


def run(seconds: float) -> dict[str, Any]:
    """Run the load for ``seconds`` and return the figures."""
    with tempfile.TemporaryDirectory(prefix="gallery-load-") as tmp:
        root = Path(tmp)
        reader_token, uploader_token, ids = _seed(root)
        uploads = root / "uploads"
        uploads.mkdir()
        # Enough distinct photos that no uploader runs dry (more than a 2-core machine takes).
        files = [_photo(uploads, n) for n in range(int(UPLOADERS * max(8, seconds)))]
        server, port = procs.serve(root)
        latencies: dict[str, list[float]] = {"page": [], "search": [], "upload": []}
        errors: list[str] = []
        lock = threading.Lock()
        stop = time.monotonic() + seconds
        auth = {"Authorization": f"Bearer {reader_token}"}

        def timed(kind: str, call: Any, expect: int) -> None:
            start = time.perf_counter()
            try:
                status, body = call()
            except OSError as exc:
                status, body = 0, repr(exc).encode()
            took = time.perf_counter() - start
            with lock:
                latencies[kind].append(took)
                if status != expect:
                    errors.append(f"{kind} {status}: {body[:200]!r}")

        def reader(n: int) -> None:
            rng = random.Random(n)
            while time.monotonic() < stop:
                if rng.random() < 0.4:
                    q = f"/search?q={quote(rng.choice(WORDS))}"
                    timed("search", lambda q=q: procs.request(port, "GET", q, None, auth), 200)
                else:
                    url = rng.choice(["/", "/events/load", f"/photos/{rng.choice(ids)}"])
                    timed("page", lambda url=url: procs.request(port, "GET", url, None, auth), 200)

        def uploader(n: int) -> None:
            for path in files[n::UPLOADERS]:
                if time.monotonic() >= stop:
                    return
                timed("upload", lambda p=path: procs.upload(port, uploader_token, p, "load"), 201)

        threads = [threading.Thread(target=reader, args=(n,)) for n in range(READERS)]
        threads += [threading.Thread(target=uploader, args=(n,)) for n in range(UPLOADERS)]
        began = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wall = time.monotonic() - began
        server.send_signal(signal.SIGINT)
        server.wait(timeout=60)
        index = procs.gallery(root, "index", "check")
        media = procs.gallery(root, "media", "check")
        figures: dict[str, Any] = {"seconds": round(wall, 1), "readers": READERS}
        figures["uploaders"] = UPLOADERS
        for kind, times in latencies.items():
            ms = sorted(t * 1000 for t in times)
            figures[kind] = {
                "requests": len(ms),
                "per_second": round(len(ms) / wall, 1),
                "p50_ms": round(statistics.median(ms), 1) if ms else None,
                "p95_ms": round(ms[int(0.95 * (len(ms) - 1))], 1) if ms else None,
                "max_ms": round(ms[-1], 1) if ms else None,
            }
        figures["requests_per_second"] = round(sum(map(len, latencies.values())) / wall, 1)
        figures["errors"] = len(errors)
        figures["error_samples"] = errors[:5]
        figures["index_check_clean"] = index.returncode == 0
        figures["media_check_clean"] = media.returncode == 0
        figures["media_check"] = media.stdout.strip().splitlines()[-1:] or [media.stderr[-300:]]
        return figures


def main(args: list[str], as_json: bool) -> None:
    """Print the load figures; ``--seconds N`` shortens the 60 s run."""
    seconds = float(args[args.index("--seconds") + 1]) if "--seconds" in args else 60.0
    figures = run(seconds)
    if as_json:
        print(json.dumps(figures, ensure_ascii=False))
    else:
        print(
            f"\nload: {READERS} readers + {UPLOADERS} uploaders for {figures['seconds']} s,"
            f" {figures['requests_per_second']} requests/s"
        )
        print(f"  {'kind':<8}{'req':>7}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}")
        for kind in ("page", "search", "upload"):
            f = figures[kind]
            print(
                f"  {kind:<8}{f['requests']:>7}{f['per_second']:>8}"
                f"{f['p50_ms']!s:>9}{f['p95_ms']!s:>9}{f['max_ms']!s:>9}"
            )
        print(
            f"  errors {figures['errors']}, index check clean {figures['index_check_clean']},"
            f" media check clean {figures['media_check_clean']} ({figures['media_check']})"
        )
        for sample in figures["error_samples"]:
            print(f"  error: {sample}")
    ok = figures["errors"] == 0
    assert ok and figures["index_check_clean"] and figures["media_check_clean"], figures
