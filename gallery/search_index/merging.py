"""Merging the small segments commits leave, off the commit path (Whoosh only).

Every commit writes its own small segment and merges nothing: a merge inside a commit made that
commit (and the upload or edit waiting for it) 5-20 times slower. Small segments are merged once
commits pause for :data:`IDLE` seconds, by a background thread holding the index's write lock, or
by the commit itself when :data:`TOO_MANY` pile up under a steady stream of writes, since every
search opens each segment. A merge changes no document: a commit is durable as soon as it returns.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)

IDLE = 0.5  # seconds without a commit before the small segments are merged
MANY = 12  # segments that make a merge due
TOO_MANY = 48  # segments at which a commit merges them itself
SMALL = 1_000  # documents: a segment below this is small
MEDIUM = 20_000  # ...and below this too, when many segments remain after merging the small


def merge_small(writer: Any, segments: list[Any]) -> list[Any]:
    """Whoosh merge policy: merge the small segments into the writer's; keep the large ones.

    The cost stays bounded by :data:`MEDIUM` documents: the one large segment of a rebuild is never
    rewritten (a rebuild makes a new one). No segment that is not compound is merged (a large
    rebuild's): its readers open its column files when first asked, and once a merge had deleted
    them, a search through a reader opened just before found the stored fields gone (an error).
    """
    from whoosh.reading import SegmentReader

    mergeable = [s for s in segments if s.is_compound()]
    chosen = [s for s in mergeable if s.doc_count_all() < SMALL]
    if len(segments) - len(chosen) + 1 >= MANY:
        chosen = [s for s in mergeable if s.doc_count_all() < MEDIUM]
    if len(chosen) < 2:
        return segments
    for segment in chosen:
        reader = SegmentReader(writer.storage, writer.schema, segment)
        writer.add_reader(reader)
        reader.close()
    return [s for s in segments if s not in chosen]


class Merger:
    """Run a merge once commits pause, at most one waiting at a time."""

    def __init__(self, merge: Callable[[], None]) -> None:
        self._merge = merge
        self._timer: threading.Timer | None = None
        self._lock = threading.Lock()

    def committed(self, segments: int) -> None:
        """Note a commit that left ``segments`` segments: (re)start the wait when a merge is due."""
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
            if segments >= MANY:
                self._timer = threading.Timer(IDLE, self._run)
                self._timer.daemon = True
                self._timer.start()

    def cancel(self) -> None:
        """Drop a merge that waits (the index is closing)."""
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None

    def _run(self) -> None:
        """Merge, in the timer's thread; a failure waits for the next commit to try again."""
        with self._lock:
            self._timer = None
        try:
            self._merge()
        except Exception:  # noqa: BLE001 - a thread's failure is logged; no document is lost
            log.exception("merging the search index's small segments failed")


def segment_key(reader: Any) -> Any:
    """Return what names a segment for as long as it lives."""
    segment = getattr(reader, "_segment", None)
    return segment.segment_id() if segment is not None else id(reader)
