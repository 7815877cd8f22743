"""Several `gallery serve` processes on one catalogue: uploads and searches on each, nothing lost.

Run on the catalogue of the run (``pytest --db postgres``: one PostgreSQL database, as several hosts
would share; SQLite: one file, as processes on one machine would), with each server's own index
folder (as on two hosts) and with one folder both share.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from gallery import create_app, get_archive
from tests.imagegen import photo

DURATION = 30.0  # seconds of uploads and searches
NAMES = [f"新摄影师{n}" for n in range(6)]  # nobody yet: uploads race to create each person
GALLERY = str(Path(sys.executable).parent / "gallery")


class Server:
    """One `gallery serve` process, answering on its own port."""

    def __init__(self, env: dict[str, str], token: str) -> None:
        self.token = token
        self.process = subprocess.Popen(
            [GALLERY, "serve", "--port", "0", "--threads", "4"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        # The command says where it listens once the socket is bound: wait for that line.
        for line in self.process.stdout:
            if line.startswith("Gallery at http://"):
                self.base = line.split()[2].rstrip("/")
                break
        else:
            raise AssertionError(f"gallery serve stopped: exit {self.process.wait()}")
        # Keep reading its output so that a full pipe never blocks it.
        threading.Thread(target=self.process.stdout.read, daemon=True).start()

    def request(self, path: str, body: bytes | None = None, headers=None) -> tuple[int, dict]:
        """Send a request with the API token; return the status and the JSON answer."""
        request = urllib.request.Request(
            self.base + path,
            data=body,
            headers={"Authorization": f"Bearer {self.token}", **(headers or {})},
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as answer:
                return answer.status, json.load(answer)
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"{}")

    def upload(self, data: bytes, photographer: str) -> tuple[int, dict]:
        """Upload one photo to the event "e"."""
        boundary = uuid.uuid4().hex
        body = (
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="event"\r\n\r\ne\r\n'
                f"--{boundary}\r\nContent-Disposition: form-data; "
                f'name="photographer"\r\n\r\n{photographer}\r\n'
                f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.jpg"\r\n\r\n'
            ).encode()
            + data
            + f"\r\n--{boundary}--\r\n".encode()
        )
        type_ = f"multipart/form-data; boundary={boundary}"
        return self.request("/api/v1/photos", body, {"Content-Type": type_})

    def found(self, query: str) -> set[int]:
        """Return the ids of every photo a search finds (all pages).

        Uploads go on while the pages are read and may shift a hit from one page to the next: the
        pages are read again until they hold as many photos as every page said there were.
        """
        q = urllib.request.quote(query)
        while True:
            ids: set[int] = set()
            totals: set[int] = set()
            page = 1
            while True:
                status, answer = self.request(f"/api/v1/search?q={q}&per_page=100&page={page}")
                assert status == 200, answer
                ids |= {hit["photo_id"] for hit in answer["hits"]}
                totals.add(answer["total"])
                if len(answer["hits"]) < 100:
                    break
                page += 1
            if totals == {len(ids)}:
                return ids

    def stop(self) -> None:
        """Stop the process."""
        self.process.terminate()
        self.process.wait(timeout=30)


@pytest.fixture
def servers(request, tmp_path: Path, database_url: str) -> Iterator[tuple[list[Server], list]]:
    """Start two servers on one catalogue and media folder; index folders as the test asks."""
    if request.param == "postgres search" and not database_url:
        pytest.skip("the PostgreSQL search needs the PostgreSQL catalogue (pytest --db postgres)")
    shared = request.param != "own index folders"
    folders = [tmp_path / "index"] * 2 if shared else [tmp_path / "index-a", tmp_path / "index-b"]
    config = {"MEDIA_DIR": tmp_path / "media", "INDEX_DIR": folders[0]}
    if database_url:
        config["DATABASE_URL"] = database_url
    search = "postgres" if request.param == "postgres search" else "whoosh"
    config["SEARCH"] = search
    archive = get_archive(create_app(config))
    archive.events.add("分院联合义诊", "义诊", dt.date(2024, 11, 1), slug="e")
    archive.accounts.add("uploader", "photographer", "password-uploader")
    token = archive.accounts.create_token("uploader")
    archive.close()
    envs = []
    for folder in folders:
        env = {**os.environ, "GALLERY_MEDIA_DIR": str(tmp_path / "media")}
        env["GALLERY_INDEX_DIR"] = str(folder)
        env["GALLERY_SEARCH"] = search
        if database_url:
            env["GALLERY_DATABASE_URL"] = database_url
        envs.append(env)
    started = [Server(env, token) for env in envs]
    yield started, envs
    for server in started:
        server.stop()


@pytest.mark.slow
@pytest.mark.parametrize(
    "servers",
    ["own index folders", "shared index folder", "postgres search"],
    indirect=True,
    ids=str,
)
def test_two_servers_lose_nothing(servers, tmp_path: Path) -> None:
    started, envs = servers
    uploaded: dict[int, str] = {}  # photo id → photographer
    failures: list[str] = []
    misses: list[str] = []
    lock = threading.Lock()
    deadline = time.monotonic() + DURATION
    seeds = iter(range(1, 1_000_000))

    def upload_and_search(me: Server, other: Server, worker: int) -> None:
        n = 0
        while time.monotonic() < deadline:
            with lock:
                seed = next(seeds)
            name = NAMES[seed % len(NAMES)]
            data = photo(tmp_path / f"in-{seed}.jpg", size=(64, 48), seed=seed).read_bytes()
            status, answer = me.upload(data, name)
            if status != 201:
                failures.append(f"{status}: {answer}")
                continue
            with lock:
                uploaded[answer["photo_id"]] = name
            n += 1
            if n % 3 == 0:
                # The other server finds what this one just stored.
                if answer["photo_id"] not in other.found(name):
                    misses.append(f"photo {answer['photo_id']} not found by {other.base}")

    a, b = started
    workers = [
        threading.Thread(target=upload_and_search, args=(me, other, w))
        for w, (me, other) in enumerate([(a, b), (a, b), (b, a), (b, a)])
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    print(f"\n{len(uploaded)} photos uploaded in {DURATION:.0f} s over two servers")
    assert failures == []
    assert misses == []
    assert len(uploaded) >= 20
    for server in started:
        for name in NAMES:
            assert server.found(name) == {i for i, n in uploaded.items() if n == name}
    for server in started:
        server.stop()
    for env in dict.fromkeys(e["GALLERY_INDEX_DIR"] for e in envs):
        check = subprocess.run(
            [GALLERY, "index", "check"],
            env=next(e for e in envs if e["GALLERY_INDEX_DIR"] == env),
            capture_output=True,
            text=True,
        )
        assert check.returncode == 0, check.stdout + check.stderr
        assert "missing 0, stale 0, extra 0" in check.stdout
