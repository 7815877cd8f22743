"""The media folder: content addresses, atomic writes, removal, and the sweep of dead imports."""

from __future__ import annotations

import errno
import hashlib
import os
from pathlib import Path

import pytest

from gallery.media_store import MediaStore, file_sha256, hash_file

SHA = hashlib.sha256(b"photo").hexdigest()


def test_paths_are_content_addresses_inside_the_folder(tmp_path: Path) -> None:
    store = MediaStore(tmp_path)
    original = store.original_path(SHA, "jpg")
    assert original == tmp_path / "originals" / SHA[:2] / f"{SHA}.jpg"
    assert store.relative(store.derived_path("thumb", SHA)) == f"derived/thumb/{SHA[:2]}/{SHA}.jpg"
    for sha, ext in (("../../etc/passwd", "jpg"), (SHA, "jpg/../../x"), (SHA.upper(), "jpg")):
        with pytest.raises(ValueError):
            store.original_path(sha, ext)
    with pytest.raises(ValueError):
        store.derived_path("../thumb", SHA)


def test_copy_in_checks_the_hash_and_leaves_no_temp_file(tmp_path: Path) -> None:
    store = MediaStore(tmp_path / "media")
    source = tmp_path / "a.jpg"
    source.write_bytes(b"photo")
    assert file_sha256(source) == SHA
    final = store.original_path(SHA, "jpg")
    store.copy_in(source, final, SHA)
    assert final.read_bytes() == b"photo"
    source.write_bytes(b"changed meanwhile")
    other = store.original_path(hashlib.sha256(b"x").hexdigest(), "jpg")
    with pytest.raises(OSError, match="changed"):
        store.copy_in(source, other, hashlib.sha256(b"x").hexdigest())
    assert not other.exists()
    assert not [p for p in (tmp_path / "media").rglob("*") if p.is_file() and p != final]


@pytest.mark.parametrize("kernel", ["copies", "refuses midway"])
def test_a_hashed_file_is_copied_whole_by_the_kernel_or_else_here(
    tmp_path: Path, monkeypatch, kernel: str
) -> None:
    data = os.urandom(3 << 20) + b"end"  # more than one read of this process's chunks
    source = tmp_path / "a.jpg"
    source.write_bytes(data)
    sha, stamp = hash_file(source)
    if kernel == "refuses midway":
        real = os.copy_file_range
        calls = []

        def half_then_refuse(src: int, dst: int, count: int) -> int:
            calls.append(count)
            if len(calls) > 1:
                raise OSError(errno.EXDEV, "cross-device")
            return real(src, dst, 1 << 20)

        monkeypatch.setattr(os, "copy_file_range", half_then_refuse)
    store = MediaStore(tmp_path / "media")
    final = store.original_path(sha, "jpg")
    store.copy_in(source, final, sha, stamp)
    assert final.read_bytes() == data
    source.write_bytes(b"changed")  # a new stamp: refused, as with the hash
    with pytest.raises(OSError, match="changed"):
        store.copy_in(source, store.original_path(SHA, "jpg"), SHA, stamp)


def test_write_replaces_whole_files_and_remove_tolerates_missing(tmp_path: Path) -> None:
    store = MediaStore(tmp_path)
    path = store.derived_path("thumb", SHA)
    store.write(path, b"first")
    store.write(path, b"second")
    assert path.read_bytes() == b"second"
    store.remove(path, store.derived_path("display", SHA))
    assert not path.exists()


def test_sweep_removes_only_what_dead_processes_left(tmp_path: Path) -> None:
    store = MediaStore(tmp_path)
    mine = store.temp_folder("upload")
    store.tmp.mkdir(exist_ok=True)
    dead_pid = 2**22 + 12345  # above Linux's pid_max: no such process
    dead = store.tmp / f"{dead_pid}-upload-x"
    dead.mkdir()
    (dead / "half.jpg.part").write_bytes(b"half")
    stray = store.tmp / f"{dead_pid}-abc.part"
    stray.write_bytes(b"half")
    assert store.sweep() == 2
    assert mine.is_dir() and not dead.exists() and not stray.exists()
    assert mine.name.startswith(f"{os.getpid()}-")
