"""One file in, a stored original and its derivatives out: the part of an import that needs no catalogue.

It runs in worker processes when an import uses several jobs, so everything here is picklable data and
plain functions. The catalogue row is written afterwards by :mod:`gallery.archive`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from gallery import images
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


def stage(job: Job) -> Staged:
    """Check, read, derive and store one file; on failure return it with ``refusal`` and nothing on disk."""
    store = MediaStore(job.media_dir)
    staged = Staged(job.source, job.sha256, "", 0, 0, 0, PhotoMetadata())
    try:
        _stage(job, store, staged)
    except RejectedFile as exc:
        staged.refusal = exc
    except MemoryError:
        staged.refusal = RejectedFile("out_of_memory")
    except OSError as exc:
        staged.refusal = RejectedFile("unreadable_file", str(exc.strerror or exc))
    except Exception as exc:  # a decoder tripping over hostile bytes must not stop the batch
        log.warning("unexpected failure staging %s", job.source, exc_info=True)
        staged.refusal = RejectedFile("decode_failed", repr(exc)[:300])
    if staged.refusal:
        store.remove(*staged.written)
        staged.written = []
    return staged


def _stage(job: Job, store: MediaStore, staged: Staged) -> None:
    """Do the work of :func:`stage`, recording each published file so a failure can remove it."""
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
            derivatives = images.make_derivatives(
                im, job.sizes, staged.metadata.orientation, job.quality
            )
        except RejectedFile as exc:
            if exc.code != "truncated":
                raise
            derivatives = None
    if derivatives is None:
        # The data ends early: keep what decodes, and say so on the photo.
        with images.open_damaged(job.source, job.max_pixels) as im:
            derivatives = images.make_derivatives(
                im, job.sizes, staged.metadata.orientation, job.quality
            )
        staged.metadata.warnings.insert(0, DAMAGED)
    for name, derivative in derivatives.items():
        path = store.derived_path(name, job.sha256)
        store.write(path, derivative.data)
        staged.written.append(path)
    original = store.original_path(job.sha256, staged.ext)
    store.copy_in(job.source, original, job.sha256)
    staged.written.append(original)
