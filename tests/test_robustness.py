"""Hostile input: mutated image bytes never crash an import, and a killed import leaves no partial file."""

from __future__ import annotations

import hashlib
import io
import os
import random
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from gallery.archive import Archive
from gallery.search_index import SearchIndex
from tests.conftest import media_files
from tests.imagegen import encode, photo, upright, with_iptc

SEEDS = [
    encode(upright((64, 48)), tags={"Make": "Canon", "Orientation": 6, "Artist": "杨军"}),
    with_iptc(encode(upright((40, 30))), [(1, 90, b"\x1b%G"), (2, 80, "李满桂".encode())]),
    encode(upright((48, 32)), "PNG", tags={"Model": "X"}),
    encode(upright((48, 32)), "WEBP", tags={"Model": "X"}),
    encode(upright((48, 32)), "TIFF", tags={"Model": "X"}),
]


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    """Return a seed image with random bytes overwritten, cut off, or inserted."""
    data = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 8))):
        position = draw(st.integers(0, len(data) - 1))
        action = draw(st.sampled_from(["flip", "cut", "insert"]))
        if action == "flip":
            data[position] = draw(st.integers(0, 255))
        elif action == "cut":
            del data[position : position + draw(st.integers(1, 64))]
        else:
            data[position:position] = draw(st.binary(min_size=1, max_size=16))
        if not data:
            break
    return bytes(data)


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=mutated())
def test_mutated_bytes_end_imported_or_refused(archive: Archive, event: str, data: bytes) -> None:
    # Hypothesis seeds `random` alike for every example, and Whoosh names its segments with it:
    # each example gets an index folder of its own so names never collide.
    with tempfile.TemporaryDirectory() as folder:
        archive.search.close()
        archive.search.index = SearchIndex(Path(folder) / "index")
        _import_one(archive, event, Path(folder), data)
        archive.search.close()


def _import_one(archive: Archive, event: str, folder: Path, data: bytes) -> None:
    """Import one file of fuzzed bytes and check how it ended."""
    path = folder / "fuzz.jpg"
    path.write_bytes(data)
    before = set(media_files(archive))
    [result] = archive.imports.import_files([path], event)
    assert result.status in {"imported", "failed", "duplicate"}
    if result.status == "failed":
        assert result.error and "\n" not in result.error
        assert set(media_files(archive)) == before
    else:
        record = archive.exports.photo(result.photo_id)
        assert (archive.store.root / record["original"]).read_bytes() == data
        for derived in record["derivatives"].values():
            Image.open(archive.store.root / derived).load()


def _check_no_partial_files(media: Path) -> None:
    """Every file under its final name is complete: originals hash to their name, JPEGs decode."""
    for original in (media / "originals").rglob("*.*"):
        assert hashlib.sha256(original.read_bytes()).hexdigest() == original.stem
    for derived in (media / "derived").rglob("*.jpg"):
        Image.open(io.BytesIO(derived.read_bytes())).load()


@pytest.mark.slow
def test_killed_import_leaves_no_partial_file(tmp_path: Path, database_url: str) -> None:
    source = tmp_path / "card"
    for i in range(12):
        photo(source / f"IMG_{i:04d}.jpg", {"Make": "Canon"}, size=(2400, 1600), seed=i)
    media = tmp_path / "media"
    env = {**os.environ, "GALLERY_MEDIA_DIR": str(media), "GALLERY_INDEX_DIR": str(tmp_path / "ix")}
    if database_url:
        env["GALLERY_DATABASE_URL"] = database_url
    gallery = str(Path(sys.executable).parent / "gallery")
    subprocess.run(
        [gallery, "event", "add", "--title", "t", "--date", "2024-11-01", "--slug", "t"],
        env=env,
        check=True,
        capture_output=True,
    )
    rng = random.Random(15189)
    imported = 0
    for _ in range(4):
        process = subprocess.Popen(
            [gallery, "import", str(source), "--event", "t", "--json"],
            env={**env, "PYTHONUNBUFFERED": "1"},
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        # Kill in the middle of real work: after the k-th file is reported, while the next is
        # being decoded, derived and written (never before the import has started).
        wanted, done = rng.randint(1, 2), 0
        while done < wanted:
            line = process.stdout.readline()
            assert line.startswith("{"), f"the import ended before it was killed: {line!r}"
            done += '"imported"' in line
        process.send_signal(signal.SIGKILL)
        process.wait()
        process.stdout.close()
        imported += done
        _check_no_partial_files(media)
    finished = subprocess.run(
        [gallery, "import", str(source), "--event", "t", "--json"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert finished.returncode == 0, finished.stderr
    assert not list((media / "tmp").glob("*.part")), (
        "the next run sweeps temp files of dead imports"
    )
    _check_no_partial_files(media)
    assert imported < 12  # the killed runs left work for the last one
    assert len(list((media / "originals").rglob("*.jpg"))) == 12
