"""One file in, a stored original and its derivatives out: the part of an import that needs no catalogue.

It runs in worker processes when an import uses several jobs, so everything here is picklable data and
plain functions. The catalogue row is written afterwards by :mod:`gallery.archive`.
"""

from __future__ import annotations

import collections
import logging
import threading
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gallery import images, vips
from gallery.config import DEFAULTS
from gallery.errors import RejectedFile
from gallery.media_store import MediaStore
from gallery.metadata import PhotoMetadata, read_metadata

log = logging.getLogger(__name__)

#: The warning a photo carries when its picture data is damaged; the photo page translates it.
DAMAGED = "the picture data is damaged"


@dataclass(frozen=True)
class Job:
    """What one worker needs to stage one file."""

    source: Path
    sha256: str
    media_dir: Path
    sizes: dict[str, int]
    max_pixels: int
    quality: int
    decode_budget: int = DEFAULTS["DECODE_BUDGET"]
    stamp: tuple[int, ...] = ()  # the file as it was hashed: copying it needs no second hash


def job_template(settings: Mapping[str, Any]) -> Job:
    """Return the job every file of an import under these settings starts from (no file, no hash)."""
    return Job(
        Path(),
        "",
        Path(settings["MEDIA_DIR"]),
        dict(settings["DERIVATIVE_SIZES"]),
        int(settings["MAX_PIXELS"]),
        int(settings["JPEG_QUALITY"]),
        int(settings["DECODE_BUDGET"]),
    )


# Files a camera card or a desktop leaves beside photos; skipped when walking a folder.
_SYSTEM_FILES = {"thumbs.db", "desktop.ini", ".ds_store"}


def collect_files(paths: Iterable[Path]) -> Iterator[Path]:
    """Yield the files named, and the files inside folders named (recursively, in name order)."""
    for path in paths:
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file()):
                relative = child.relative_to(path).parts
                if any(part.startswith(".") for part in relative):
                    continue
                if child.name.lower() in _SYSTEM_FILES:
                    continue
                yield child
        else:
            yield path


def files_to_import(paths: Iterable[Path], store: MediaStore) -> list[Path]:
    """Return the files an import of ``paths`` takes, in order: never the archive's own files.

    (Uploads wait in its tmp folder, which is not part of the archive.)
    """
    files = [(f, f.resolve()) for f in collect_files(paths)]
    return [
        f
        for f, real in files
        if not real.is_relative_to(store.root) or real.is_relative_to(store.tmp)
    ]


@dataclass
class Staged:
    """A file stored under its content address, with what was read from it."""

    source: Path
    sha256: str
    ext: str
    size_bytes: int
    width: int
    height: int
    metadata: PhotoMetadata
    written: list[Path] = field(default_factory=list)
    refusal: RejectedFile | None = None

    @classmethod
    def failed(cls, job: Job, refusal: RejectedFile) -> Staged:
        """Return the result of a job refused before or without staging."""
        return cls(job.source, job.sha256, "", 0, 0, 0, PhotoMetadata(), refusal=refusal)


@dataclass
class Prepared:
    """A file read and derived in memory, not yet written: the first half of :func:`stage`."""

    job: Job
    staged: Staged
    derivatives: dict[str, images.Derivative] = field(default_factory=dict)


def stage(job: Job) -> Staged:
    """Check, read, derive and store one file; on failure return it with ``refusal`` and nothing on disk."""
    return publish(prepare(job))


def prepare(job: Job) -> Prepared:
    """Check, read and derive one file in memory; a refusal is set on its ``staged``, nothing is written.

    A worker prepares the next file while the last one's files are written and synced
    (:func:`publish`), so the disk's waits overlap the decoding.
    """
    prepared = Prepared(job, Staged(job.source, job.sha256, "", 0, 0, 0, PhotoMetadata()))
    try:
        prepared.derivatives = _derive_all(job, prepared.staged)
    except Exception as exc:
        prepared.staged.refusal = _refusal(job, exc)
    return prepared


def publish(prepared: Prepared) -> Staged:
    """Store a prepared file's derivatives and original under its content address; return it.

    On failure it is returned with ``refusal`` and nothing it wrote stays on disk.
    """
    job, staged = prepared.job, prepared.staged
    if staged.refusal:
        return staged
    store = MediaStore(job.media_dir)
    try:
        for name, derivative in prepared.derivatives.items():
            path = store.derived_path(name, job.sha256)
            store.write(path, derivative.data)
            staged.written.append(path)
        original = store.original_path(job.sha256, staged.ext)
        store.copy_in(job.source, original, job.sha256, job.stamp)
        staged.written.append(original)
    except Exception as exc:
        staged.refusal = _refusal(job, exc)
        store.remove(*staged.written)
        staged.written = []
    return staged


def _refusal(job: Job, exc: Exception) -> RejectedFile:
    """Return the refusal a failure while staging a file stands for."""
    if isinstance(exc, RejectedFile):
        return exc
    if isinstance(exc, MemoryError):
        return RejectedFile("out_of_memory")
    if isinstance(exc, OSError):
        return RejectedFile("unreadable_file", str(exc.strerror or exc))
    # A decoder tripping over hostile bytes must not stop the batch.
    log.warning("unexpected failure staging %s", job.source, exc_info=exc)
    return RejectedFile("decode_failed", repr(exc)[:300])


def _derive_all(job: Job, staged: Staged) -> dict[str, images.Derivative]:
    """Read a file's metadata into ``staged`` and return its derivatives, all in memory."""
    staged.size_bytes = job.source.stat().st_size
    with images.open_image(job.source, job.max_pixels) as im:
        staged.ext = images.extension(im)
        try:
            staged.metadata = read_metadata(job.source, im)
        except Exception as exc:  # metadata is lenient: a warning, never a refusal
            log.warning("metadata of %s unreadable", job.source, exc_info=True)
            staged.metadata = PhotoMetadata(warnings=[f"metadata unreadable: {exc!r}"[:300]])
        if warning := im.info.get("raw", {}).get("warning"):
            staged.metadata.warnings.append(warning)
        staged.width, staged.height = images.displayed_size(im, staged.metadata.orientation)
        try:
            return _derive(job, im, staged.metadata.orientation)
        except RejectedFile as exc:
            if exc.code != "truncated":
                raise
    # The data ends early: keep what decodes, and say so on the photo.
    with images.open_damaged(job.source, job.max_pixels) as im:
        with _budget(job.decode_budget).hold(images.decoded_bytes(im)):
            derivatives = images.make_derivatives(
                im, job.sizes, staged.metadata.orientation, job.quality
            )
    staged.metadata.warnings.insert(0, DAMAGED)
    return derivatives


def _derive(job: Job, im: images.Image.Image, orientation: int) -> dict[str, images.Derivative]:
    """Make the derivatives with libvips where it reads the format, else with Pillow, within the budget."""
    budget = _budget(job.decode_budget)
    if vips.can_derive(im.format) and "raw" not in im.info:
        source = vips.Source(job.source)
        with budget.hold(source.decoded_bytes):
            try:
                made = vips.make_derivatives(source, job.sizes, orientation, job.quality)
                return {name: images.Derivative(*value) for name, value in made.items()}
            except RejectedFile as exc:
                # Pillow judges last: it reads a few files libvips refuses, and refuses the rest.
                log.info("libvips could not derive %s (%s); trying Pillow", job.source, exc)
    with budget.hold(images.decoded_bytes(im)):
        return images.make_derivatives(im, job.sizes, orientation, job.quality)


class DecodeBudget:
    """Bytes of decoded pixels the decodes of one process may hold at once, granted first come first served.

    A decode waits until its bytes fit beside the running ones, so a burst of large uploads queues
    instead of exhausting memory; one image needing more than the whole budget is refused.
    """

    def __init__(self, total: int) -> None:
        self.total = total
        self.used = 0
        self._turns: collections.deque[object] = collections.deque()
        self._changed = threading.Condition()

    @contextmanager
    def hold(self, cost: int) -> Iterator[None]:
        """Hold ``cost`` bytes of the budget while the block runs, waiting for them in turn."""
        if cost > self.total:
            raise RejectedFile(
                "too_large_to_decode",
                f"{cost / 2**20:,.0f} MiB decoded, limit {self.total / 2**20:,.0f} MiB",
            )
        turn = object()
        with self._changed:
            self._turns.append(turn)
            try:
                self._changed.wait_for(
                    lambda: self._turns[0] is turn and self.used + cost <= self.total
                )
            finally:
                self._turns.remove(turn)
                self._changed.notify_all()
            self.used += cost
        try:
            yield
        finally:
            with self._changed:
                self.used -= cost
                self._changed.notify_all()


_budgets: dict[int, DecodeBudget] = {}
_budgets_lock = threading.Lock()


def _budget(total: int) -> DecodeBudget:
    """Return this process's decode budget of ``total`` bytes, shared by every thread."""
    with _budgets_lock:
        return _budgets.setdefault(total, DecodeBudget(total))
