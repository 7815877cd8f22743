"""``gallery media check``, the start-up sweep of killed imports, and SIGKILL at random points."""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import signal
import subprocess
import threading
from pathlib import Path

import pytest

from gallery import create_app, get_archive
from gallery.archive import Archive
from tests import procs
from tests.imagegen import encode, upright, write


def _images(folder: Path, count: int, size: tuple[int, int] = (400, 300)) -> list[Path]:
    """Write ``count`` distinct JPEGs into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    return [
        write(folder / f"p{n:03d}.jpg", encode(upright((size[0] + n, size[1]))))
        for n in range(count)
    ]


def _imported(archive: Archive, event: str, files: list[Path]) -> list[int]:
    """Import ``files`` into ``event`` and return the photo ids."""
    return [r.photo_id for r in archive.imports.import_files(files, event)]


def test_a_clean_archive_checks_clean(runner, archive: Archive, event: str, tmp_path: Path) -> None:
    _imported(archive, event, _images(tmp_path / "in", 2))
    done = runner.invoke(args=["media", "check"])
    assert done.exit_code == 0, done.output
    assert "orphans 0, missing originals 0, missing derivatives 0, hash mismatches 0" in done.output


def test_check_reports_each_fault_and_repair_fixes_what_it_may(
    runner, archive: Archive, event: str, tmp_path: Path
) -> None:
    first, second, third = _imported(archive, event, _images(tmp_path / "in", 3))
    store = archive.store
    shas = {p["id"]: p for p in archive.browse.event(event)["photos"]}
    sha1, sha2, sha3 = (shas[i]["sha256"] for i in (first, second, third))
    ext = "jpg"
    orphan = store.original_path("ab" * 32, "jpg")
    write(orphan, b"left by a killed import")
    orphan_thumb = store.derived_path("thumb", "ab" * 32)
    write(orphan_thumb, b"thumb")
    store.derived_path("display", sha1).unlink()
    store.original_path(sha2, ext).write_bytes(b"not what was hashed")
    store.original_path(sha3, ext).unlink()

    done = runner.invoke(args=["media", "check"])
    assert done.exit_code == 1
    assert f"orphan: {store.relative(orphan)}" in done.output
    assert f"orphan: {store.relative(orphan_thumb)}" in done.output
    assert f"missing derivative: derived/display/{sha1[:2]}/{sha1}.jpg" in done.output
    assert f"hash mismatch: originals/{sha2[:2]}/{sha2}.jpg" in done.output
    assert f"missing original: originals/{sha3[:2]}/{sha3}.jpg" in done.output
    assert orphan.exists()  # a check alone changes nothing

    done = runner.invoke(args=["media", "check", "--repair"])
    assert not orphan.exists() and not orphan_thumb.exists()
    assert store.derived_path("display", sha1).is_file()
    # The mismatching original is a row's: kept for a person to look at, and still reported.
    assert store.original_path(sha2, ext).read_bytes() == b"not what was hashed"
    assert done.exit_code == 1
    assert "orphans 0, missing originals 1, missing derivatives 0, hash mismatches 1" in done.output


def test_a_trashed_photo_keeps_its_files(
    runner, archive: Archive, event: str, tmp_path: Path
) -> None:
    [photo_id] = _imported(archive, event, _images(tmp_path / "in", 1))
    archive.photos.delete(photo_id, user="editor")
    done = runner.invoke(args=["media", "check", "--repair"])
    assert done.exit_code == 0, done.output
    assert archive.browse.photo_count() == 0 and len(list(archive.store.root.rglob("*.jpg"))) == 4


def test_files_of_an_import_running_now_are_not_orphans(
    runner, archive: Archive, tmp_path: Path
) -> None:
    sha = "12" * 32
    write(archive.store.original_path(sha, "jpg"), b"being imported by a live process")
    archive.store.tmp.mkdir(parents=True, exist_ok=True)
    (archive.store.tmp / "junk.intent").touch()  # not an intent of ours: ignored, not a crash
    with archive.store.intent(sha):
        done = runner.invoke(args=["media", "check", "--repair"])
        assert done.exit_code == 0, done.output
        assert archive.store.original_path(sha, "jpg").exists()
    done = runner.invoke(args=["media", "check"])
    assert done.exit_code == 1 and f"orphan: originals/12/{sha}.jpg" in done.output


def _dead_pid() -> int:
    """Return the pid of a process that has ended."""
    child = subprocess.Popen(["true"])
    child.wait()
    return child.pid


def test_start_up_removes_the_files_of_a_dead_import_whose_row_never_committed(
    tmp_path: Path,
) -> None:
    config = {"TESTING": True, "MEDIA_DIR": tmp_path / "media", "INDEX_DIR": tmp_path / "index"}
    app = create_app(config)
    archive = get_archive(app)
    archive.events.add("活动", "", dt.date(2024, 1, 1), slug="e")
    [kept] = _imported(archive, "e", _images(tmp_path / "in", 1))
    kept_sha = archive.browse.event("e")["photos"][0]["sha256"]
    store = archive.store
    lost = "cd" * 32
    files = [store.original_path(lost, "jpg"), store.derived_path("thumb", lost)]
    for path in files:
        write(path, b"half an import")
    dead = _dead_pid()
    host = store.intend(lost).name.split("-")[1]  # this host, as the store names it
    for marker in store.tmp.glob("*.intent"):
        marker.unlink()
    (store.tmp / f"{dead}-{host}-{lost}-00000000.intent").touch()
    (store.tmp / f"{dead}-{host}-{kept_sha}-00000001.intent").touch()  # committed, then killed
    elsewhere = "ef" * 32
    write(store.original_path(elsewhere, "jpg"), b"another host is importing this")
    (store.tmp / f"{dead}-otherhost-{elsewhere}-00000002.intent").touch()
    archive.close()

    restarted = get_archive(create_app(config))
    try:
        assert not any(p.exists() for p in files)
        assert store.original_path(elsewhere, "jpg").exists()
        assert [m.name.split("-")[1] for m in store.tmp.glob("*.intent")] == ["otherhost"]
        assert restarted.browse.photo(kept, staff=True)["sha256"] == kept_sha
        assert all(p.is_file() for p in store.files_of(kept_sha)) and store.files_of(kept_sha)
    finally:
        restarted.close()


def _settle(root: Path) -> subprocess.CompletedProcess[str]:
    """Open the archive again in a new process (the start-up sweep), then check the media."""
    return procs.gallery(root, "media", "check")


@pytest.mark.slow
def test_sigkill_during_parallel_import_leaves_nothing_behind(tmp_path: Path) -> None:
    root = tmp_path
    assert (
        procs.gallery(
            root, "event", "add", "--title", "活动", "--date", "2024-11-01", "--slug", "e"
        ).returncode
        == 0
    )
    files = _images(tmp_path / "in", 24, (1600, 1200))
    for _attempt in range(2):
        proc = subprocess.Popen(
            [
                *procs.GALLERY,
                "import",
                str(tmp_path / "in"),
                "--event",
                "e",
                "--jobs",
                "2",
                "--json",
            ],
            env=procs.environment(root),
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        assert proc.stdout is not None
        # Wait for real work recorded (duplicates of the last attempt come first, unstaged).
        results = [json.loads(proc.stdout.readline())]
        while results[-1]["status"] != "imported":
            results.append(json.loads(proc.stdout.readline()))
        workers = procs.children(proc.pid)
        for _ in range(random.randrange(0, 6)):
            if line := proc.stdout.readline():
                results.append(json.loads(line))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        assert workers and procs.wait_gone(workers) == []
        done = _settle(root)
        assert done.returncode == 0, done.stdout + done.stderr
        assert not list((root / "media" / "tmp").glob("*.intent"))
    # Importing again after the kills completes the event: nothing was half recorded.
    again = procs.gallery(root, "import", str(tmp_path / "in"), "--event", "e", "--jobs", "2")
    assert again.returncode == 0, again.stderr
    check = procs.gallery(root, "media", "check")
    assert check.returncode == 0, check.stdout
    originals = list((root / "media" / "originals").rglob("*.jpg"))
    assert len(originals) == len(files)


@pytest.mark.slow
def test_sigkill_during_concurrent_uploads_leaves_nothing_behind(tmp_path: Path) -> None:
    app = create_app({"MEDIA_DIR": tmp_path / "media", "INDEX_DIR": tmp_path / "index"})
    archive = get_archive(app)
    archive.events.add("并发上传", "", dt.date(2024, 11, 1), slug="up")
    archive.accounts.add("uploader", "photographer", "password-uploader")
    token = archive.accounts.create_token("uploader")
    archive.close()
    files = _images(tmp_path / "in", 20, (2400, 1600))
    server, port = procs.serve(tmp_path)
    statuses: list[int] = []
    first = threading.Event()

    def send(path: Path) -> None:
        try:
            status, _ = procs.upload(port, token, path, "up")
        except OSError:
            status = 0  # the server died under this request
        statuses.append(status)
        first.set()

    threads = [threading.Thread(target=send, args=(p,)) for p in files]
    for thread in threads:
        thread.start()
    first.wait(timeout=300)  # one upload has been recorded: the others are mid-way
    stored = tmp_path / "media" / "originals"
    target = random.randrange(1, 6)
    while len(list(stored.rglob("*.jpg"))) < target and len(statuses) < len(files):
        os.sched_yield()
    server.send_signal(signal.SIGKILL)
    server.wait()
    for thread in threads:
        thread.join(timeout=300)
    assert 201 in statuses and statuses.count(201) < len(files)
    done = _settle(tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert not list((tmp_path / "media" / "tmp").iterdir())
    # What the server answered 201 for is kept, with all its files.
    restarted = get_archive(
        create_app({"MEDIA_DIR": tmp_path / "media", "INDEX_DIR": tmp_path / "index"})
    )
    try:
        assert restarted.browse.photo_count() >= statuses.count(201)
        originals = list(stored.rglob("*.jpg"))
        assert len(originals) == restarted.browse.photo_count()
    finally:
        restarted.close()
