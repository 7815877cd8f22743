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
