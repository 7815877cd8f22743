"""The index folder's generations: a rebuild writes a new folder beside the live one, then swaps.

The index folder holds one Whoosh index per generation (``gen-<time>-<random>/``) and a pointer
file, ``CURRENT``, naming the live one. A rebuild builds the next generation while searches go on
reading the live one; the swap replaces the pointer in one ``os.replace``, so every process sees
either the old generation or the new one, never a half-built index. A folder without a pointer
(an index made before generations) is its own live generation.

:func:`build` writes a generation as one large segment: one writer, one commit, no merge.

Only one rebuild runs at a time on a folder (a file lock), so a generation that is neither live nor
the one just retired is what a killed rebuild left, and is removed at the next swap.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import time
import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index

from gallery.search_index import merging
from gallery.search_index.schema import codec, document_fields, schema

POINTER = "CURRENT"
PREFIX = "gen-"
LOCK = "REBUILD_LOCK"
# The files of an index written straight into the folder, before generations.
LEGACY = ("MAIN_*", "_MAIN_*")


def current(root: Path) -> Path:
    """Return the folder of the live generation (the root itself before any rebuild)."""
    try:
        name = (root / POINTER).read_text(encoding="ascii").strip()
    except FileNotFoundError:
        return root
    return root / name if name.startswith(PREFIX) and "/" not in name else root


def new_generation(root: Path) -> Path:
    """Create and return an empty folder for the next generation."""
    root.mkdir(parents=True, exist_ok=True)
    folder = root / f"{PREFIX}{time.strftime('%Y%m%d%H%M%S')}-{uuid.uuid4().hex[:8]}"
    folder.mkdir()
    return folder


def build(root: Path, batches: Iterable[Iterable[dict[str, Any]]], limitmb: int) -> Path:
    """Write the documents into a new generation and return its folder; a failure leaves none.

    One writer with a large buffer, one commit, no merge or optimize after: one large segment,
    not a compound file (that would copy the whole segment once more).
    """
    folder = new_generation(root)
    try:
        index = whoosh_index.create_in(folder, schema())
        write_all(index, batches, limitmb)
        index.close()
    except BaseException:
        discard(folder)
        raise
    return folder


def write_all(index: Any, batches: Iterable[Iterable[dict[str, Any]]], limitmb: int) -> None:
    """Add every document with one writer and one commit, no merge: one segment.

    A small one is made compound after all (copying it costs nothing): the merger folds small
    segments, and only a compound one is safe to merge under the searchers reading it
    (:func:`gallery.search_index.merging.merge_small`).
    """
    writer = index.writer(timeout=60.0, limitmb=limitmb, codec=codec(), compound=False)
    try:
        for batch in batches:
            for document in batch:
                writer.add_document(**document_fields(document))
        writer.compound = writer.doc_count() < merging.SMALL  # read by Whoosh 2.7.5's commit
        writer.commit(merge=False)
    except BaseException:
        writer.cancel()
        raise


def point_to(root: Path, folder: Path) -> None:
    """Make ``folder`` the live generation, durably and in one step."""
    temp = root / f".{POINTER}.{uuid.uuid4().hex}"
    with open(temp, "w", encoding="ascii") as out:
        out.write(folder.name + "\n")
        out.flush()
        os.fsync(out.fileno())
    os.replace(temp, root / POINTER)
    _fsync_dir(root)


def remove_unused(root: Path, keep: set[Path]) -> None:
    """Remove every generation (and a pre-generation index in the root) not in ``keep``.

    Called under the rebuild lock: no other generation is being built.
    """
    for folder in root.glob(PREFIX + "*"):
        if folder.is_dir() and folder not in keep:
            shutil.rmtree(folder, ignore_errors=True)
    if root not in keep:
        for pattern in LEGACY:
            for path in root.glob(pattern):
                path.unlink(missing_ok=True)


def discard(folder: Path) -> None:
    """Remove a generation that was never swapped in (a failed rebuild)."""
    shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def rebuilding(root: Path) -> Iterator[None]:
    """Hold the folder's rebuild lock (waiting for another process's rebuild to end)."""
    root.mkdir(parents=True, exist_ok=True)
    with open(root / LOCK, "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _fsync_dir(folder: Path) -> None:
    """Make a rename in ``folder`` durable."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
