"""Image benchmark: derivatives against the pyvips cascade, import throughput against a reference
pipeline, what a worker pays to start, the event page, and peak memory of large and hostile files.

``python -m tests.bench images`` prints a table; ``--json`` prints one JSON object instead. Every
reference is measured in the same run on the same files.
"""

from __future__ import annotations

import io
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import numpy as np
from PIL import Image, ImageCms

from gallery import ingest
from gallery.images import open_image, sample_photo
from tests.imagegen import encode, encode_exif

SIZES = {"thumb": 320, "display": 1280, "screen": 2560}
RUNS = 5
GALLERY = str(Path(sys.executable).parent / "gallery")


# ------------------------------------------------------------------------------------ test files


def camera_like(path: Path, size: tuple[int, int], seed: int, **params) -> Path:
    """Write a JPEG with camera-like entropy: a scene plus sensor noise, quality 92."""
    scene = Image.open(io.BytesIO(sample_photo(size, seed, {"Make": "Bench"})))
    noise = Image.merge("RGB", [Image.effect_noise(size, 40 + 5 * c) for c in range(3)])
    photo = Image.blend(scene, noise, 0.18)
    if "exif" not in params:
        params["exif"] = scene.info.get("exif", b"")
    photo.save(path, "JPEG", quality=92, **params)
    return path


def wide_gamut_profile() -> bytes:
    """Return an RGB profile that is not sRGB (red and blue primaries swapped), so converting costs."""
    icc = bytearray(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())
    count = int.from_bytes(icc[128:132], "big")
    entries = {bytes(icc[132 + 12 * i : 136 + 12 * i]): 132 + 12 * i for i in range(count)}
    red, blue = entries[b"rXYZ"] + 4, entries[b"bXYZ"] + 4
    icc[red : red + 8], icc[blue : blue + 8] = icc[blue : blue + 8], icc[red : red + 8]
    return bytes(icc)


def test_images(root: Path) -> list[tuple[str, Path, int]]:
    """Write the benchmark's images: (name, path, EXIF orientation)."""
    heic_source = Image.open(camera_like(root / "heic-src.jpg", (4032, 3024), 5))
    heic = root / "12mp.heic"
    heic.write_bytes(encode(heic_source, "HEIF"))
    portrait = root / "portrait-o6.jpg"
    camera_like(portrait, (6000, 4000), 4, exif=encode_exif({"Orientation": 6}))
    return [
        ("24 MP JPEG", camera_like(root / "24mp.jpg", (6000, 4000), 1), 1),
        ("12 MP JPEG", camera_like(root / "12mp.jpg", (4000, 3000), 2), 1),
        (
            "12 MP JPEG + ICC",
            camera_like(root / "12mp-icc.jpg", (4000, 3000), 3, icc_profile=wide_gamut_profile()),
            1,
        ),
        ("24 MP portrait, orientation 6", portrait, 6),
        ("12 MP HEIC", heic, 1),
    ]


# -------------------------------------------------------------------------------- derivatives


def ours(path: Path, orientation: int) -> dict[str, bytes]:
    """Make the three derivatives exactly as an import does (open, check, derive)."""
    job = ingest.Job(path, "0" * 64, path.parent, SIZES, 200_000_000, 85)
    with open_image(path, job.max_pixels) as im:
        return {name: d.data for name, d in ingest._derive(job, im, orientation).items()}


def vips_cascade(path: Path, orientation: int) -> dict[str, bytes]:
    """The reference: one pyvips thumbnail(2560) (autorotated), then thumbnail_image 1280 and 320.

    The 2560 image is held in memory (``copy_memory``): a sequential JPEG decode cannot be re-read.
    """
    import pyvips

    if path.suffix == ".heic":  # libvips here has no HEVC decoder: hand it pillow-heif's pixels
        with open_image(path, 200_000_000) as im:
            rgb = im.convert("RGB")
        big = pyvips.Image.new_from_memory(rgb.tobytes(), *rgb.size, 3, "uchar")
        big = big.thumbnail_image(SIZES["screen"])
    else:
        big = pyvips.Image.thumbnail(str(path), SIZES["screen"])
    big = big.copy_memory()
    keep = pyvips.enums.ForeignKeep.NONE
    return {
        "screen": big.jpegsave_buffer(Q=85, keep=keep),
        "display": big.thumbnail_image(SIZES["display"]).jpegsave_buffer(Q=85, keep=keep),
        "thumb": big.thumbnail_image(SIZES["thumb"]).jpegsave_buffer(Q=85, keep=keep),
    }


def lanczos_reference(path: Path, orientation: int) -> dict[str, np.ndarray]:
    """Return the ideal of each size: the upright full decode, in sRGB, LANCZOS-resized, as grey."""
    from PIL import ImageOps

    with open_image(path, 200_000_000) as im:
        icc = im.info.get("icc_profile")
        full = im.convert("RGB")
    if icc:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        full = ImageCms.profileToProfile(full, source, ImageCms.createProfile("sRGB"))
    if orientation != 1:
        full.getexif()[0x0112] = orientation
        full = ImageOps.exif_transpose(full)
    out = {}
    for name, edge in SIZES.items():
        scale = edge / max(full.size)
        size = (round(full.width * scale), round(full.height * scale))
        out[name] = np.asarray(full.resize(size, Image.Resampling.LANCZOS).convert("L"), float)
    return out


def psnr_ssim(reference: np.ndarray, data: bytes) -> tuple[float, float]:
    """Return PSNR (dB) and SSIM (8×8 windows) of a JPEG derivative against the reference, in grey."""
    shown = np.asarray(Image.open(io.BytesIO(data)).convert("L"), float)
    if shown.shape != reference.shape:
        h, w = min(shown.shape[0], reference.shape[0]), min(shown.shape[1], reference.shape[1])
        shown, reference = shown[:h, :w], reference[:h, :w]
    mse = float(np.mean((shown - reference) ** 2))
    psnr = 10 * np.log10(255**2 / mse) if mse else float("inf")
    h, w = (shown.shape[0] // 8) * 8, (shown.shape[1] // 8) * 8
    a = shown[:h, :w].reshape(h // 8, 8, w // 8, 8)
    b = reference[:h, :w].reshape(h // 8, 8, w // 8, 8)
    ma, mb = a.mean(axis=(1, 3)), b.mean(axis=(1, 3))
    va, vb = a.var(axis=(1, 3)), b.var(axis=(1, 3))
    cov = ((a - ma[:, None, :, None]) * (b - mb[:, None, :, None])).mean(axis=(1, 3))
    c1, c2 = (0.01 * 255) ** 2, (0.03 * 255) ** 2
    ssim = ((2 * ma * mb + c1) * (2 * cov + c2)) / ((ma**2 + mb**2 + c1) * (va + vb + c2))
    return round(float(psnr), 2), round(float(ssim.mean()), 4)


def median_seconds(action: Callable[[], object], runs: int = RUNS) -> float:
    """Run ``action`` ``runs`` times and return the median wall time in seconds."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def derivatives(root: Path) -> list[dict]:
    """Time ours and the cascade on each test image and measure their quality at every size."""
    rows = []
    for name, path, orientation in test_images(root):
        made = {"ours": ours(path, orientation), "pyvips": vips_cascade(path, orientation)}
        ideal = lanczos_reference(path, orientation)
        a = median_seconds(lambda p=path, o=orientation: ours(p, o))
        b = median_seconds(lambda p=path, o=orientation: vips_cascade(p, o))
        quality = {
            who: {size: psnr_ssim(ideal[size], out[size]) for size in SIZES}
            for who, out in made.items()
        }
        rows.append(
            {
                "image": name,
                "mb": round(path.stat().st_size / 1e6, 1),
                "ours_s": round(a, 3),
                "pyvips_s": round(b, 3),
                "ratio": round(a / b, 2),
                "psnr_ssim": quality,
            }
        )
    return rows


# -------------------------------------------------------------------------------------- import


def archive_env(media: Path) -> dict[str, str]:
    """Return the environment of a fresh archive in ``media``."""
    return {**os.environ, "GALLERY_MEDIA_DIR": str(media), "GALLERY_INDEX_DIR": str(media / "ix")}


def gallery(env: dict[str, str], *args: str) -> str:
    """Run the ``gallery`` command and return what it printed."""
    done = subprocess.run([GALLERY, *args], env=env, check=True, capture_output=True, text=True)
    return done.stdout


def new_archive(media: Path, slug: str) -> dict[str, str]:
    """Create an archive with one event; return its environment."""
    env = archive_env(media)
    gallery(env, "event", "add", "--title", slug, "--date", "2024-11-01", "--slug", slug)
    return env


def run_import(folder: Path, media: Path, jobs: int) -> float:
    """Import a folder into a fresh archive with ``gallery import``; return the wall time."""
    env = new_archive(media, "b")
    start = time.perf_counter()
    gallery(env, "import", str(folder), "--event", "b", "--jobs", str(jobs))
    return time.perf_counter() - start


_REFERENCE = """
import hashlib, os, sys, pathlib, exifread, pyvips
out = pathlib.Path(sys.argv[1])
for path in sorted(pathlib.Path(sys.argv[2]).iterdir()):
    data = path.read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    with path.open("rb") as f:
        exifread.process_file(f, details=False)
    big = pyvips.Image.thumbnail(str(path), 2560).copy_memory()
    for name, im in (("screen", big), ("display", big.thumbnail_image(1280)),
                     ("thumb", big.thumbnail_image(320))):
        (out / f"{sha}-{name}.jpg").write_bytes(im.jpegsave_buffer(Q=85, keep=0))
    (out / f"{sha}.jpg").write_bytes(data)
"""


def run_reference(folder: Path, out: Path) -> float:
    """Run the reference pipeline in one fresh process; return the wall time."""
    out.mkdir()
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", _REFERENCE, str(out), str(folder)], check=True)
    return time.perf_counter() - start


def imports(root: Path, count: int) -> dict:
    """Import ``count`` × 24 MP JPEGs with --jobs 1 and 2, and through the reference pipeline.

    A few photos show the fixed cost of a command (the interpreter, the catalogue's and the index's
    libraries, the index commit); a card's worth shows the cost per photo.
    """
    folder = root / f"card-{count}"
    folder.mkdir()
    for i in range(count):
        camera_like(folder / f"IMG_{i:04d}.jpg", (6000, 4000), 10 + i)
    runs = 3
    figures = {}
    for jobs in (1, 2):
        seconds = statistics.median(
            run_import(folder, root / f"media-{count}-j{jobs}-{n}", jobs) for n in range(runs)
        )
        figures[f"jobs{jobs}_photos_per_s"] = round(count / seconds, 2)
    seconds = statistics.median(
        run_reference(folder, root / f"ref-{count}-{n}") for n in range(runs)
    )
    figures["reference_photos_per_s"] = round(count / seconds, 2)
    figures["jobs1_vs_reference"] = round(
        figures["reference_photos_per_s"] / figures["jobs1_photos_per_s"], 2
    )
    figures["jobs2_speedup"] = round(
        figures["jobs2_photos_per_s"] / figures["jobs1_photos_per_s"], 2
    )
    return figures


def start_times() -> dict:
    """Time what a worker pays to start, against importing the libraries it needs."""

    def timed(*args: str, stdin: bytes = b"") -> float:
        return median_seconds(
            lambda: subprocess.run([sys.executable, *args], input=stdin, check=True), runs=7
        )

    return {
        "import_gallery_ingest_s": round(timed("-c", "import gallery.ingest"), 3),
        # A whole worker life with no job: start, import, read end of input, exit.
        "worker_start_s": round(timed("-m", "gallery.workers", str(os.getpid())), 3),
        "worker_libraries_s": round(
            timed("-c", "import PIL.Image, pillow_heif, exifread, pyvips, hashlib"), 3
        ),
        "gallery_help_s": round(median_seconds(lambda: gallery(dict(os.environ), "--help")), 3),
    }


# -------------------------------------------------------------------------------------- memory


def peak_rss_mib(path: Path, media: Path) -> float:
    """Return the peak resident memory of a ``gallery import`` of one file, in MiB."""
    env = new_archive(media, "m")
    code = (
        "import resource, subprocess, sys;"
        "subprocess.run(sys.argv[1:], check=True, capture_output=True);"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    command = [sys.executable, "-c", code, GALLERY, "import", str(path), "--event", "m"]
    out = subprocess.run(command, env=env, check=True, capture_output=True, text=True)
    return int(out.stdout.strip()) / 1024


def png_bombs(root: Path) -> list[Path]:
    """Write the 14000×14000 RGBA PNG and its 16-bit grey cousin (each compresses to < 1 MB)."""
    rgba, grey = root / "rgba-14k.png", root / "grey16-14k.png"
    Image.new("RGBA", (14000, 14000), (30, 120, 200, 128)).save(rgba)
    Image.new("I;16", (14000, 14000), 40000).save(grey)
    return [rgba, grey]


def free_port() -> int:
    """Return a TCP port free now on localhost."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_peak_rss_mib(files: list[Path], media: Path) -> tuple[float, list[int]]:
    """Upload files all at once through ``gallery serve``; return its peak RSS (MiB) and statuses."""
    env = new_archive(media, "up")
    gallery(env, "user", "add", "up", "--role", "photographer", "--password", "password-up")
    token = gallery(env, "token", "create", "up").strip()
    port = free_port()
    server = subprocess.Popen(
        [GALLERY, "serve", "--port", str(port)], env=env, stdout=subprocess.DEVNULL
    )
    try:
        for _ in range(600):  # the server answers when it is up
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.05)
        statuses: list[int] = []

        def upload(path: Path) -> None:
            import http.client

            boundary = uuid.uuid4().hex
            body = b"".join(
                [
                    f'--{boundary}\r\nContent-Disposition: form-data; name="event"\r\n\r\nup\r\n'.encode(),
                    f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
                    f'filename="{path.name}"\r\nContent-Type: image/png\r\n\r\n'.encode(),
                    path.read_bytes(),
                    f"\r\n--{boundary}--\r\n".encode(),
                ]
            )
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
            headers = {
                "Authorization": f"Bearer {token}",
                "Content-Type": f"multipart/form-data; boundary={boundary}",
            }
            connection.request("POST", "/api/v1/photos", body, headers)
            statuses.append(connection.getresponse().status)
            connection.close()

        threads = [threading.Thread(target=upload, args=(p,)) for p in files]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        status = Path(f"/proc/{server.pid}/status").read_text()
        peak = int(status.split("VmHWM:")[1].split()[0]) / 1024
        return peak, statuses
    finally:
        server.terminate()
        server.wait()


def memory(root: Path) -> dict:
    """Peak RSS of importing a 45 MP JPEG, each PNG bomb, and three bombs at once through the server."""
    big = camera_like(root / "45mp.jpg", (8192, 5464), 99)
    figures = {"import_45mp_jpeg_mib": round(peak_rss_mib(big, root / "media-rss"))}
    rgba, grey = png_bombs(root)
    for name, path in (("rgba_png_14k", rgba), ("grey16_png_14k", grey)):
        start = time.perf_counter()
        figures[f"import_{name}_mib"] = round(peak_rss_mib(path, root / f"media-{name}"))
        figures[f"import_{name}_s"] = round(time.perf_counter() - start, 1)
    copies = []
    for n in range(3):  # three different files, so none is a duplicate of another
        copy = root / f"bomb-{n}.png"
        Image.new("RGBA", (14000, 14000), (30, 120, 200 - n, 128)).save(copy)
        copies.append(copy)
    peak, statuses = server_peak_rss_mib(copies, root / "media-server")
    figures["server_three_rgba_png_14k_mib"] = round(peak)
    figures["server_three_statuses"] = sorted(statuses)
    return figures


def event_page() -> dict:
    """Median and p95 server time of the event page with 1,000 photos."""
    from tests.bench.web import event_page_times

    return event_page_times()


def run() -> dict:
    """Measure everything and return it as one mapping."""
    with tempfile.TemporaryDirectory(prefix="gallery-bench-") as tmp:
        root = Path(tmp)
        return {
            "derivatives": derivatives(root),
            "import_8x24mp": imports(root, 8),
            "import_32x24mp": imports(root, 32),
            "start": start_times(),
            "event_page_1000_ms": event_page(),
            "peak_rss": memory(root),
        }


def main(as_json: bool = False) -> None:
    """Print the image and import figures, as a table or as one JSON object."""
    figures = run()
    if as_json:
        print(json.dumps(figures, ensure_ascii=False))
        return
    print("derivatives (320/1280/2560), median of 5; PSNR dB / SSIM at 2560 against LANCZOS")
    print(f"{'image':<32}{'MB':>5}{'ours s':>8}{'pyvips s':>9}{'ratio':>7}  ours / pyvips")
    for row in figures["derivatives"]:
        q = row["psnr_ssim"]
        print(
            f"{row['image']:<32}{row['mb']:>5}{row['ours_s']:>8}{row['pyvips_s']:>9}"
            f"{row['ratio']:>7}  {q['ours']['screen']} / {q['pyvips']['screen']}"
        )
    for section in ("import_8x24mp", "import_32x24mp", "start", "event_page_1000_ms", "peak_rss"):
        print(f"\n{section}")
        for key, value in figures[section].items():
            print(f"  {key:<36}{value}")
