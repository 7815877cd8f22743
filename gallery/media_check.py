"""Checking the media folder against the catalogue: orphans, missing files, originals whose bytes changed."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from gallery.catalog import Catalog
from gallery.catalog import queries as q
from gallery.derived import Derivatives
from gallery.media_store import MediaStore, file_sha256

_NAME = re.compile(r"([0-9a-f]{64})\.([a-z0-9]{1,10})")


@dataclass
class MediaReport:
    """What a check found, as paths relative to the media folder; ``repaired`` what it fixed."""

    orphans: list[str] = field(default_factory=list)
    missing_originals: list[str] = field(default_factory=list)
    missing_derivatives: list[str] = field(default_factory=list)
    mismatched: list[str] = field(default_factory=list)
    repaired: list[str] = field(default_factory=list)
    unrepaired: list[str] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        """Tell whether the check found nothing wrong (a repair's outcome needs a second check)."""
        return not (
            self.orphans or self.missing_originals or self.missing_derivatives or self.mismatched
        )


class MediaCheck:
    """Compare the files of ``media/`` with the photos the catalogue names, and repair what it can."""

    def __init__(self, catalog: Catalog, store: MediaStore, derivatives: Derivatives) -> None:
        self.catalog = catalog
        self.store = store
        self.derivatives = derivatives

    def held(self, sha256: str) -> bool:
        """Tell whether a catalogue row names this hash (the start-up sweep keeps its files)."""
        with self.catalog.reading() as session:
            return q.holds_sha(session, sha256)

    def check(self, *, repair: bool = False) -> MediaReport:
        """Report orphans, missing files and hash mismatches; ``repair`` removes orphans, remakes derivatives.

        An original a row names is never removed, even when its bytes do not match its name: that
        is for a person to look at. Files of imports running now (live intents) are left alone.
        """
        with self.catalog.reading() as session:
            photos = q.stored_photos(session)
        named = {sha: ext for _id, sha, ext, _orientation in photos}
        busy = self.store.in_progress()
        report = MediaReport()
        rel = self.store.relative
        for path, sha, ext in self._files("originals"):
            if named.get(sha) != ext:
                if sha not in busy:
                    report.orphans.append(rel(path))
            elif file_sha256(path) != sha:
                report.mismatched.append(rel(path))
        for path, sha, _ext in self._files("derived"):
            if sha not in named and sha not in busy:
                report.orphans.append(rel(path))
        for _id, sha, ext, orientation in photos:
            original = self.store.original_path(sha, ext)
            if not original.is_file():
                report.missing_originals.append(rel(original))
                continue
            missing = [
                rel(p)
                for name in self.derivatives.sizes
                if not (p := self.store.derived_path(name, sha)).is_file()
            ]
            report.missing_derivatives.extend(missing)
            if missing and repair:
                error = self.derivatives.make(sha, ext, orientation)
                (report.unrepaired if error else report.repaired).extend(
                    [f"{m}: {error}" for m in missing] if error else missing
                )
        if repair:
            # Read the catalogue again: a row committed since the first read keeps its files.
            for relative in report.orphans:
                sha = _NAME.fullmatch(Path(relative).name)
                if sha and not self.held(sha.group(1)):
                    self.store.remove(self.store.root / relative)
                    report.repaired.append(relative)
        return report

    def _files(self, top: str) -> list[tuple[Path, str, str]]:
        """Return the content-addressed files under ``originals`` or ``derived``, with hash and extension."""
        found = []
        for path in sorted((self.store.root / top).rglob("*")):
            if path.is_file() and (m := _NAME.fullmatch(path.name)):
                found.append((path, m.group(1), m.group(2)))
        return found
