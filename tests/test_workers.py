"""Import workers: they start without the web app, stage files, and end with their parent."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from gallery.ingest import DAMAGED, Job
from gallery.media_store import hash_file
from gallery.workers import WorkerPool
from tests.imagegen import encode, upright, write


def test_a_worker_loads_no_web_framework_and_no_database_layer() -> None:
    code = (
        "import sys, gallery.workers;"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'flask', 'sqlalchemy', 'whoosh'}))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_the_pool_stages_every_job_and_reports_damaged_files(tmp_path: Path) -> None:
    jobs = []
    for n in range(5):
        data = encode(upright((400 + n, 300)))
        path = write(tmp_path / f"p{n}.jpg", data if n != 3 else data[: len(data) // 3])
        sha, stamp = hash_file(path)
        jobs.append(Job(path, sha, tmp_path / "media", {"thumb": 320}, 10**8, 85, stamp=stamp))
    with WorkerPool(2) as pool:
        staged = {s.source.name: s for s in pool.run(jobs)}
    assert sorted(staged) == [f"p{n}.jpg" for n in range(5)]
    # A file that ends early is kept with what decodes, and flagged on the photo.
    assert staged["p3.jpg"].refusal is None
    assert staged["p3.jpg"].metadata.warnings[0] == DAMAGED
    for n in (0, 1, 2, 4):
        assert staged[f"p{n}.jpg"].refusal is None and staged[f"p{n}.jpg"].width == 400 + n


def test_a_file_changed_after_hashing_is_refused_and_its_derivatives_removed(
    tmp_path: Path,
) -> None:
    # The derivatives are written before the original is copied, in the worker's writing thread.
    media = tmp_path / "media"
    jobs = []
    for n in range(3):
        path = write(tmp_path / f"p{n}.jpg", encode(upright((400 + n, 300))))
        sha, stamp = hash_file(path)
        jobs.append(Job(path, sha, media, {"thumb": 320, "display": 360}, 10**8, 85, stamp=stamp))
    write(jobs[1].source, encode(upright((500, 300))))  # replaced after it was hashed
    with WorkerPool(1) as pool:
        staged = {s.source.name: s for s in pool.run(jobs)}
    assert staged["p1.jpg"].refusal is not None and "changed" in staged["p1.jpg"].refusal.detail
    assert staged["p0.jpg"].refusal is None and staged["p2.jpg"].refusal is None
    left = {p.name.split(".")[0] for p in media.rglob("*.jpg")}
    assert left == {jobs[0].sha256, jobs[2].sha256}


_PARENT = """
import os, signal
from gallery.workers import WorkerPool
pool = WorkerPool(2)
print(pool._start().process.pid, pool._start().process.pid, flush=True)
os.kill(os.getpid(), signal.SIGKILL)
"""


def _alive(pid: int) -> bool:
    """Tell whether a process exists and is not a zombie."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(") ")[1][0] != "Z"
    except FileNotFoundError:
        return False


def test_workers_end_when_their_parent_is_killed() -> None:
    done = subprocess.run([sys.executable, "-c", _PARENT], capture_output=True, text=True)
    pids = [int(p) for p in done.stdout.split()]
    assert len(pids) == 2
    deadline = time.monotonic() + 30
    while any(_alive(p) for p in pids) and time.monotonic() < deadline:
        os.sched_yield()  # waiting for the kernel to end them, not sleeping a guessed time
    assert not any(_alive(p) for p in pids)
