"""The media folder: originals and derivatives at content-addressed paths, written atomically.

Layout: ``originals/ab/<sha256>.<ext>``, ``derived/<size>/ab/<sha256>.jpg`` and ``tmp/`` for files being
written. A file appears under its final name only complete and synced; a crash leaves at most a temp
file, which :meth:`MediaStore.sweep` removes once the process that wrote it is gone.

A photo's files are published before its catalogue row commits, so a crash between the two would
leave files no row names. Before staging a photo the importer writes an *intent* in ``tmp/``
(``<pid>-<host>-<sha256>-<nonce>.intent``), removed once the row is committed or the import refused;
:meth:`MediaStore.sweep` removes the files of a dead process's intents unless a row holds their hash.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import re
import shutil
import socket
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

log = logging.getLogger(__name__)

_SHA256 = re.compile(r"[0-9a-f]{64}")
_EXT = re.compile(r"[a-z0-9]{1,10}")
_CHUNK = 1 << 20
# The host in an intent's name: several hosts on shared storage must not sweep each other's.
_HOST = re.sub(r"[^A-Za-z0-9.-]", "_", socket.gethostname()) or "host"


def write_once(path: Path, text: str) -> str:
    """Give ``path`` the content ``text`` unless it has one; return the content it holds.

    Written beside, then hard-linked in (atomic on NFS too): the file appears whole or not at
    all, readable by its owner only, and of several processes making it at once the first wins.
    """
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        temp = path.with_name(f".{path.name}.{os.getpid()}-{os.urandom(4).hex()}")
        temp.touch(mode=0o600)
        temp.write_text(text, encoding="ascii")
        try:
            os.link(temp, path)
        except FileExistsError:
            pass
        finally:
            temp.unlink()
    return path.read_text(encoding="ascii")


def file_sha256(path: Path) -> str:
    """Return the SHA-256 of the file at ``path`` as hex, reading it in chunks."""
    return hash_file(path)[0]


def hash_file(path: Path) -> tuple[str, tuple[int, int, int, int]]:
    """Return the SHA-256 of the file at ``path`` as hex, and its :func:`file_stamp` after reading."""
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(_CHUNK):
            digest.update(chunk)
        return digest.hexdigest(), file_stamp(f)


def file_stamp(file: BinaryIO) -> tuple[int, int, int, int]:
    """Return what changes when a file's bytes change: device, inode, size, modification time."""
    st = os.fstat(file.fileno())
    return st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns


def _copy_whole(source: BinaryIO, target: BinaryIO) -> None:
    """Copy a whole file into a new, empty one: in the kernel where it can (half the time of reading
    and writing it here, for a 7 MB original), else through this process."""
    try:
        while os.copy_file_range(source.fileno(), target.fileno(), 1 << 30):
            pass
        return
    except (AttributeError, OSError):  # not Linux, or file systems that cannot: start again here
        source.seek(0)
        target.seek(0)
        target.truncate()
    shutil.copyfileobj(source, target, _CHUNK)


def _fsync_dir(folder: Path) -> None:
    """Make a rename in ``folder`` durable."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _pid_alive(pid: int) -> bool:
    """Tell whether a process with ``pid`` runs on this machine."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class MediaStore:
    """The ``media/`` folder: where originals and derivatives live."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.tmp = root / "tmp"

    def original_path(self, sha256: str, ext: str) -> Path:
        """Return where the original with this hash and extension lives."""
        self._check(sha256, ext)
        return self.root / "originals" / sha256[:2] / f"{sha256}.{ext}"

    def derived_path(self, size: str, sha256: str) -> Path:
        """Return where the named derivative of this original lives."""
        self._check(sha256, "jpg")
        if not size.isidentifier():
            raise ValueError(f"bad derivative size name {size!r}")
        return self.root / "derived" / size / sha256[:2] / f"{sha256}.jpg"

    def relative(self, path: Path) -> str:
        """Return ``path`` relative to the media folder, with forward slashes."""
        return path.relative_to(self.root).as_posix()

    @staticmethod
    def _check(sha256: str, ext: str) -> None:
        """Refuse anything that is not a hex digest and a plain extension: no path tricks."""
        if not _SHA256.fullmatch(sha256) or not _EXT.fullmatch(ext):
            raise ValueError(f"not a content address: {sha256!r}.{ext!r}")

    @contextlib.contextmanager
    def temp_file(self) -> Iterator[tuple[BinaryIO, Path]]:
        """Yield an open temp file in ``tmp/``; it is removed afterwards unless published."""
        self.tmp.mkdir(parents=True, exist_ok=True)
        path = self.tmp / f"{os.getpid()}-{os.urandom(8).hex()}.part"
        try:
            with path.open("xb") as f:
                yield f, path
        finally:
            path.unlink(missing_ok=True)

    def publish(self, temp: Path, final: Path) -> None:
        """Move a complete temp file to its final name durably: fsync, replace, fsync the folder."""
        with temp.open("rb+") as f:
            os.fsync(f.fileno())
        final.parent.mkdir(parents=True, exist_ok=True)
        os.replace(temp, final)
        _fsync_dir(final.parent)

    def write(self, final: Path, data: bytes) -> None:
        """Write ``data`` to ``final`` atomically."""
        with self.temp_file() as (f, temp):
            f.write(data)
            f.close()
            self.publish(temp, final)

    def copy_in(
        self, source: Path, final: Path, expected_sha256: str, stamp: tuple[int, ...] = ()
    ) -> None:
        """Copy ``source`` to ``final`` atomically, refusing if its bytes are no longer the ones hashed.

        With ``stamp`` (:func:`file_stamp` taken when the file was hashed) an unchanged stamp after
        the copy stands for the hash, so a file is hashed once per import; without, the copy is hashed.
        """
        digest = hashlib.sha256()
        with self.temp_file() as (f, temp), source.open("rb") as src:
            if stamp:
                _copy_whole(src, f)
            else:
                while chunk := src.read(_CHUNK):
                    digest.update(chunk)
                    f.write(chunk)
            f.close()
            same = file_stamp(src) == stamp if stamp else digest.hexdigest() == expected_sha256
            if not same:
                raise OSError(f"{source.name} changed while it was being imported")
            self.publish(temp, final)

    def remove(self, *paths: Path) -> None:
        """Remove files that a failed import had published; missing ones are fine."""
        for path in paths:
            path.unlink(missing_ok=True)

    def temp_folder(self, kind: str) -> Path:
        """Create and return a private temporary folder, swept if this process dies."""
        self.tmp.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(prefix=f"{os.getpid()}-{kind}-", dir=self.tmp))

    @contextlib.contextmanager
    def intent(self, sha256: str) -> Iterator[Path]:
        """Mark the files of ``sha256`` as being imported by this process while the block runs."""
        marker = self.intend(sha256)
        try:
            yield marker
        finally:
            self.fulfil(marker)

    def intend(self, sha256: str) -> Path:
        """Write and return an intent marker before this process writes the files of ``sha256``."""
        self._check(sha256, "jpg")
        self.tmp.mkdir(parents=True, exist_ok=True)
        marker = self.tmp / f"{os.getpid()}-{_HOST}-{sha256}-{os.urandom(4).hex()}.intent"
        marker.touch(exist_ok=False)
        return marker

    def fulfil(self, marker: Path) -> None:
        """Remove an intent marker: the row is committed, or the import removed its files."""
        marker.unlink(missing_ok=True)

    def _intents(self) -> Iterator[tuple[Path, str, bool]]:
        """Yield each intent marker with its hash, and whether a process may still be writing it."""
        if not self.tmp.is_dir():
            return
        for marker in self.tmp.glob("*.intent"):
            owner, sha, *_nonce = marker.stem.rsplit("-", 2)[-3:] + ["", ""]
            pid, _, host = owner.partition("-")
            if not pid.isdigit() or not _SHA256.fullmatch(sha):
                continue  # not one of ours
            # Another host's process cannot be asked: its intents stand until that host sweeps.
            yield marker, sha, host != _HOST or _pid_alive(int(pid))

    def in_progress(self) -> set[str]:
        """Return the hashes whose files a running process is writing now."""
        return {sha for _marker, sha, alive in self._intents() if alive}

    def files_of(self, sha256: str) -> list[Path]:
        """Return every stored file of this hash: originals of any extension and every derivative."""
        self._check(sha256, "jpg")
        shard = f"{sha256[:2]}/{sha256}"
        return sorted(
            [*self.root.glob(f"originals/{shard}.*"), *self.root.glob(f"derived/*/{shard}.jpg")]
        )

    def withdraw(self, intents: Iterable[tuple[Path, str]], held: Callable[[str], bool]) -> int:
        """Give up intents (marker, hash): remove each hash's files, then the marker; return how many.

        Files a catalogue row names (``held``) or another running process intends stay.
        """
        intents = list(intents)
        given_up = {marker for marker, _sha in intents}
        busy = {sha for marker, sha, alive in self._intents() if alive and marker not in given_up}
        removed = 0
        for marker, sha in intents:
            if sha not in busy and not held(sha):
                orphans = self.files_of(sha)
                self.remove(*orphans)
                removed += len(orphans)
            self.fulfil(marker)
        return removed

    def sweep(self, held: Callable[[str], bool] | None = None) -> int:
        """Remove what processes that no longer run left behind; return how many.

        Temp files always; with ``held`` (whether a catalogue row names a hash), also the files of
        a dead process's intents whose hash no row holds, and the intents themselves.
        """
        removed = 0
        if not self.tmp.is_dir():
            return 0
        if held is not None:
            dead = [(marker, sha) for marker, sha, alive in self._intents() if not alive]
            removed += self.withdraw(dead, held)
        for path in self.tmp.iterdir():
            pid = path.name.split("-", 1)[0]
            if not pid.isdigit() or _pid_alive(int(pid)):
                continue
            if path.suffix == ".part":
                path.unlink(missing_ok=True)
            elif path.is_dir() and "-upload-" in path.name:
                shutil.rmtree(path, ignore_errors=True)  # an upload being imported when killed
            else:
                continue
            removed += 1
        if removed:
            log.info("removed %s temp files left by interrupted imports", removed)
        return removed
