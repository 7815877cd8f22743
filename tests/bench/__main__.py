"""``make bench``: derivative speed against pyvips, import throughput, peak memory of a 45 MP import,
then the web benchmark and the search benchmark (``python -m tests.bench images``, ``web`` or
``search`` runs one section; the search section also times the search page).

Every figure is a median over repeated runs, with pyvips measured in the same run as the reference.
"""

from __future__ import annotations

import io
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from PIL import Image

from gallery.images import make_derivatives, open_image, sample_photo

SIZES = {"thumb": 320, "display": 1280, "screen": 2560}
RUNS = 5


def camera_like(path: Path, size: tuple[int, int], seed: int) -> Path:
    """Write a JPEG with camera-like entropy: a scene plus sensor noise, quality 92."""
    scene = Image.open(io.BytesIO(sample_photo(size, seed, {"Make": "Bench"})))
    noise = Image.merge("RGB", [Image.effect_noise(size, 40 + 5 * c) for c in range(3)])
    Image.blend(scene, noise, 0.18).save(path, "JPEG", quality=92, exif=scene.info.get("exif", b""))
    return path


def median_seconds(action, runs: int = RUNS) -> float:
    """Run ``action`` ``runs`` times and return the median wall time in seconds."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def ours(path: Path) -> None:
    """Make the three derivatives the way an import does."""
    with open_image(path, 200_000_000) as im:
        make_derivatives(im, SIZES, 1)


def vips(path: Path) -> None:
    """Make the same three sizes with pyvips thumbnail (shrink-on-load), encoded at q85, stripped."""
    import pyvips

    for edge in SIZES.values():
        pyvips.Image.thumbnail(str(path), edge).jpegsave_buffer(Q=85, keep=0)


def archive_command(media: Path, slug: str) -> tuple[list[str], dict[str, str]]:
    """Return the ``gallery`` command and environment for a fresh archive in ``media`` with one event."""
    env = {**os.environ, "GALLERY_MEDIA_DIR": str(media), "GALLERY_INDEX_DIR": str(media / "ix")}
    gallery = [str(Path(sys.executable).parent / "gallery")]
    add = ["event", "add", "--title", slug, "--date", "2024-11-01", "--slug", slug]
    subprocess.run(gallery + add, env=env, check=True, capture_output=True)
    return gallery, env


def run_import(folder: Path, media: Path, jobs: int) -> float:
    """Import a folder into a fresh archive with ``gallery import``; return the wall time."""
    gallery, env = archive_command(media, "b")
    start = time.perf_counter()
    command = gallery + ["import", str(folder), "--event", "b", "--jobs", str(jobs)]
    subprocess.run(command, env=env, check=True, capture_output=True)
    return time.perf_counter() - start


def peak_rss_mib(path: Path, media: Path) -> float:
    """Return the peak resident memory of a ``gallery import`` of one file, in MiB."""
    gallery, env = archive_command(media, "m")
    code = (
        "import resource, subprocess, sys;"
        "subprocess.run(sys.argv[1:], check=True, capture_output=True);"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    command = [sys.executable, "-c", code, *gallery, "import", str(path), "--event", "m"]
    out = subprocess.run(command, env=env, check=True, capture_output=True, text=True)
    return int(out.stdout.strip()) / 1024


def main() -> None:
    """Print the benchmark figures."""
    with tempfile.TemporaryDirectory(prefix="gallery-bench-") as tmp:
        root = Path(tmp)
        print(f"derivatives (thumb 320, display 1280, screen 2560), median of {RUNS}")
        print(f"{'image':<22}{'MB':>6}{'ours s':>9}{'pyvips s':>10}{'ratio':>8}")
        for name, size in (("24 MP 6000x4000", (6000, 4000)), ("12 MP 4000x3000", (4000, 3000))):
            path = camera_like(root / f"{size[0]}.jpg", size, 1)
            ours(path), vips(path)  # warm caches and imports
            a, b = median_seconds(lambda p=path: ours(p)), median_seconds(lambda p=path: vips(p))
            mb = path.stat().st_size / 1e6
            print(f"{name:<22}{mb:>6.1f}{a:>9.3f}{b:>10.3f}{a / b:>8.2f}")

        folder = root / "card"
        folder.mkdir()
        for i in range(8):
            camera_like(folder / f"IMG_{i:04d}.jpg", (4000, 3000), 10 + i)
        print(
            "\nimport of 8 x 12 MP JPEGs with `gallery import` (wall time, process start included)"
        )
        for jobs in (1, 2):
            seconds = statistics.median(
                run_import(folder, root / f"media-j{jobs}-{n}", jobs) for n in range(3)
            )
            print(f"  --jobs {jobs}: {seconds:6.2f} s  {8 / seconds:5.2f} photos/s")

        big = camera_like(root / "45mp.jpg", (8192, 5464), 99)
        rss = statistics.median(peak_rss_mib(big, root / f"media-rss-{n}") for n in range(3))
        print(
            f"\npeak RSS of `gallery import` of one 45 MP JPEG ({big.stat().st_size / 1e6:.1f} MB): "
            f"{rss:.0f} MiB (goal < 250 MiB)"
        )


if __name__ == "__main__":
    from tests.bench import search, web

    if sys.argv[1:2] == ["search"]:
        search.cli(sys.argv[2:])  # search --docs N --json
        sys.exit()
    sections = sys.argv[1:] or ["images", "web", "search"]
    if "images" in sections:
        main()
    if "web" in sections:
        web.main(camera_like)
    if "search" in sections:
        search.main()
