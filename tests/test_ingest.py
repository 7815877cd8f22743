"""Staging one file: which library derives it, the decoding byte budget, and the memory it takes."""

from __future__ import annotations

import io
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from PIL import Image

from gallery.ingest import DecodeBudget, Job, stage
from gallery.media_store import MediaStore, hash_file
from tests.imagegen import QUADRANTS, close, encode, quadrant_colours, stored_for, write

SIZES = {"thumb": 320, "display": 1280, "screen": 2560}


def job(path: Path, media: Path, budget: int = 3 * 1024**3) -> Job:
    """Return the staging job of a file, as an import builds it."""
    sha, stamp = hash_file(path)
    return Job(path, sha, media, SIZES, 200_000_000, 85, budget, stamp)


@pytest.mark.parametrize(
    ("fmt", "suffix"), [("JPEG", "jpg"), ("PNG", "png"), ("WEBP", "webp"), ("HEIF", "heic")]
)
def test_every_format_is_staged_upright_whichever_library_decodes_it(
    tmp_path: Path, fmt: str, suffix: str
) -> None:
    data = encode(stored_for(6, (600, 400)), fmt, tags={"Orientation": 6})
    staged = stage(job(write(tmp_path / f"o.{suffix}", data), tmp_path / "media"))
    assert staged.refusal is None, staged.refusal
    assert (staged.width, staged.height) == (600, 400)
    thumb = Image.open(MediaStore(tmp_path / "media").derived_path("thumb", staged.sha256))
    assert thumb.size == (320, 213)
    colours = quadrant_colours(thumb)
    for quadrant, expected in QUADRANTS.items():
        assert close(colours[quadrant], expected), (fmt, quadrant, colours)


def test_an_image_beyond_the_byte_budget_is_refused_and_leaves_nothing(tmp_path: Path) -> None:
    path = write(tmp_path / "big.png", encode(Image.new("RGBA", (1000, 1000)), "PNG"))
    staged = stage(job(path, tmp_path / "media", budget=3_000_000))  # needs 4,000,000 bytes
    assert staged.refusal is not None and staged.refusal.code == "too_large_to_decode"
    assert "MiB" in staged.refusal.detail
    assert not [p for p in (tmp_path / "media").rglob("*") if p.is_file()]


def test_decodes_beyond_the_budget_wait_their_turn_and_then_run() -> None:
    budget = DecodeBudget(100)
    entered = threading.Event()

    def second() -> None:
        with budget.hold(50):
            entered.set()

    with budget.hold(80):
        waiter = threading.Thread(target=second)
        waiter.start()
        while not budget._turns:  # wait until it queues behind the first
            pass
        assert not entered.is_set() and budget.used == 80
    assert entered.wait(timeout=30)  # released: it runs, it does not fail
    waiter.join()
    assert budget.used == 0


# The child's peak from /proc: getrusage's ru_maxrss carries the parent's peak across fork and exec,
# so it would measure the test process (which grows over a long run), not the import.
_PEAK = """
import sys
from pathlib import Path
from gallery.ingest import Job, stage
from gallery.media_store import hash_file
sha, stamp = hash_file(Path(sys.argv[1]))
staged = stage(Job(Path(sys.argv[1]), sha, Path(sys.argv[2]),
               {"thumb": 320, "display": 1280, "screen": 2560}, 200_000_000, 85, stamp=stamp))
assert staged.refusal is None, staged.refusal
print(staged.sha256)
status = Path("/proc/self/status").read_text()
print(int(status.split("VmHWM:")[1].split()[0]) // 1024)
"""


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["RGBA", "I;16"])
def test_a_small_png_of_196_megapixels_stages_in_under_1_gb(tmp_path: Path, mode: str) -> None:
    im = Image.new(mode, (14000, 14000), (30, 120, 200, 128) if mode == "RGBA" else 40000)
    out = io.BytesIO()
    im.save(out, "PNG")
    del im
    assert len(out.getvalue()) < 1_000_000
    path = write(tmp_path / "bomb.png", out.getvalue())
    done = subprocess.run(
        [sys.executable, "-c", _PEAK, str(path), str(tmp_path / "media")],
        capture_output=True,
        text=True,
        check=True,
    )
    sha, peak = done.stdout.split()
    assert int(peak) < 1024, f"peak RSS {peak} MiB"
    screen = Image.open(MediaStore(tmp_path / "media").derived_path("screen", sha))
    assert screen.size == (2560, 2560)
