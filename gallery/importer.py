"""Importing files into the archive: hash, find duplicates, stage in workers, record.

The search index follows through the catalogue's after-commit hook, once per 25 photos of a batch.
"""

from __future__ import annotations

import dataclasses
import errno
import functools
import shutil
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass
from enum import StrEnum
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

from gallery.catalog import Catalog, Photo
from gallery.catalog import queries as q
from gallery.config import DEFAULTS
from gallery.errors import Conflict, DiskFull, NotFound, RejectedFile
from gallery.ingest import Job, Staged, files_to_import, stage
from gallery.limits import Limits
from gallery.media_store import MediaStore, hash_file
from gallery.people import person_for_name
from gallery.workers import HeadStart, WorkerPool


class Status(StrEnum):
    """How one file of an import ended."""

    IMPORTED = "imported"
    DUPLICATE = "duplicate"
    FAILED = "failed"


@dataclass(frozen=True)
class ImportResult:
    """How one file of an import ended: the photo it is (or duplicates), or why it was refused."""

    path: str
    status: Status
    photo_id: int | None = None
    code: str | None = None  # a key of errors.REFUSALS when failed
    detail: str = ""  # what exactly: a format, a size, the decoder's words
    error: str | None = None  # the reason in English, with its detail

    @classmethod
    def failed(cls, path: str | Path, refusal: RejectedFile) -> ImportResult:
        """Return the result of a refused file."""
        return cls(
            str(path), Status.FAILED, code=refusal.code, detail=refusal.detail, error=str(refusal)
        )

    def as_dict(self) -> dict[str, Any]:
        """Return the result as the JSON object ``gallery import --json`` prints."""
        return {**asdict(self), "status": str(self.status)}


def safe_name(filename: str) -> str:
    """Return the last part of a client's file name, with no path, control characters or dots first.

    The name is kept as data (``original_name``); it only ever names a file inside a fresh
    temporary folder.
    """
    name = PureWindowsPath(PurePosixPath(filename or "").name).name
    name = "".join(c for c in name if c.isprintable()).strip().lstrip(".")
    return name[:200] or "upload"


class Importer:
    """Brings files into the archive, one catalogue transaction per photo."""

    def __init__(
        self,
        catalog: Catalog,
        store: MediaStore,
        sizes: dict[str, int],
        max_pixels: int,
        quality: int,
        decode_budget: int = DEFAULTS["DECODE_BUDGET"],
        limits: Limits | None = None,
    ) -> None:
        self.limits = limits or Limits()
        self.catalog = catalog
        self.store = store
        self.sizes = sizes
        self.max_pixels = max_pixels
        self.quality = quality
        self.decode_budget = decode_budget

    def import_files(
        self,
        paths: Sequence[Path],
        event_slug: str,
        *,
        photographer: str | None = None,
        caption: str | None = None,
        uploader: str | None = None,
        jobs: int = 1,
        on_result: Callable[[ImportResult], None] | None = None,
        head: HeadStart | None = None,
    ) -> list[ImportResult]:
        """Import files and folders into an event; each ends imported, duplicate or failed.

        One file's failure never stops the others. Decoding and derivatives run in ``jobs`` worker
        processes (with one, here), or in the workers of ``head``, started with the first files
        before the catalogue opened; the catalogue is written here, one transaction per photo.
        """
        try:
            with self.catalog.reading() as session:
                q.require_event(session, event_slug)  # fail before any work when it is unknown
                if uploader and not q.user_by_name(session, uploader):
                    raise NotFound(f"no user named {uploader!r}")
        except BaseException:
            if head is not None:
                head.abandon(self._held)
            raise
        context = _ImportContext(event_slug, photographer, caption, uploader)
        results: list[ImportResult] = []

        def report(result: ImportResult) -> None:
            results.append(result)
            if on_result:
                on_result(result)

        files = files_to_import(paths, self.store)
        with self.catalog.batched(every=25):  # photos become searchable 25 at a time
            if head is None and jobs <= 1:
                for path in files:
                    job = self._job_for(path, context, report)
                    if job is not None:
                        # The intent outlives the files only if this process dies: then it is swept.
                        with self.store.intent(job.sha256):
                            report(self._record(stage(job), context))
            else:
                head = head or HeadStart(WorkerPool(jobs), self.store, files, {})
                self._import_parallel(files, context, head, report)
        return results

    def import_upload(
        self,
        save: Callable[[Path], None],
        filename: str,
        event_slug: str,
        *,
        photographer: str | None = None,
        uploader: str | None = None,
    ) -> ImportResult:
        """Import one uploaded file: ``save`` writes it to the path given; the client's name is data."""
        folder = self.store.temp_folder("upload")
        try:
            path = folder / safe_name(filename)
            try:
                save(path)
            except OSError as exc:
                if exc.errno in (errno.ENOSPC, errno.EDQUOT):
                    raise DiskFull("the archive's disk is full") from None
                raise
            [result] = self.import_files(
                [path], event_slug, photographer=photographer, uploader=uploader
            )
            return result
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    def _import_parallel(
        self,
        files: list[Path],
        context: _ImportContext,
        head: HeadStart,
        report: Callable[[ImportResult], None],
    ) -> None:
        """Stage files in worker processes, keeping each busy, and record each as it ends."""
        in_flight: dict[str, list[Path]] = {}  # sha → later copies waiting for the first
        intents: dict[str, Path] = {}  # sha → this process's intent marker, until its row commits
        for job, marker in head.early.values():
            in_flight[job.sha256], intents[job.sha256] = [], marker

        def to_stage() -> Iterator[Job]:
            for path in files:
                if path in head.early:
                    continue  # hashed and sent before the catalogue opened
                job = self._job_for(path, context, report, in_flight)
                if job is not None:
                    in_flight[job.sha256] = []
                    intents[job.sha256] = self.store.intend(job.sha256)
                    yield job

        try:
            with head.pool as pool:
                for staged in pool.run(to_stage()):
                    try:
                        # An early file's bytes may be stored already: then the catalogue refuses
                        # the row and _record answers duplicate, leaving the stored photo its files.
                        result = self._record(staged, context)
                    finally:
                        marker = intents.pop(staged.sha256)
                        if staged.refusal:  # a worker that died may have published some files
                            self.store.withdraw([(marker, staged.sha256)], self._held)
                        else:
                            self.store.fulfil(marker)
                    report(result)
                    for copy in in_flight.pop(staged.sha256, []):
                        report(_copy_result(copy, result))
        except BaseException:
            # Stopped (Ctrl-C, a catalogue failure): the workers are gone; what they staged and
            # no row holds is removed now rather than at the next start.
            self.store.withdraw([(marker, sha) for sha, marker in intents.items()], self._held)
            raise
        finally:
            head.early.clear()

    def _held(self, sha256: str) -> bool:
        """Tell whether a catalogue row names this hash."""
        with self.catalog.reading() as session:
            return q.holds_sha(session, sha256)

    def _job_for(
        self,
        path: Path,
        context: _ImportContext,
        report: Callable[[ImportResult], None],
        in_flight: dict[str, list[Path]] | None = None,
    ) -> Job | None:
        """Hash a file and return its staging job, or report it as failed or duplicate and return None."""
        try:
            if not path.is_file():
                raise RejectedFile("not_a_file" if path.exists() else "no_such_file")
            sha, stamp = hash_file(path)
        except RejectedFile as exc:
            report(ImportResult.failed(path, exc))
            return None
        except OSError as exc:
            report(
                ImportResult.failed(path, RejectedFile("unreadable_file", str(exc.strerror or exc)))
            )
            return None
        if in_flight is not None and sha in in_flight:
            in_flight[sha].append(path)
            return None
        with self.catalog.reading() as session:
            existing = q.photo_by_sha(session, sha)
        if existing is not None:
            report(ImportResult(str(path), Status.DUPLICATE, existing.id))
            return None
        return Job(
            path,
            sha,
            self.store.root,
            self.sizes,
            self.max_pixels,
            self.quality,
            self.decode_budget,
            stamp,
        )

    def _record(self, staged: Staged, context: _ImportContext) -> ImportResult:
        """Write the catalogue row of a staged file; remove its files if that fails."""
        path = str(staged.source)
        if staged.refusal:
            return ImportResult.failed(path, staged.refusal)
        try:
            with self.catalog.transaction() as session:
                photo = self._new_photo(session, staged, context)
                session.add(photo)
                session.flush()
                photo_id = photo.id
        except Conflict:
            # Another import stored the same bytes meanwhile: its files are these very files.
            with self.catalog.reading() as session:
                existing = q.photo_by_sha(session, staged.sha256)
            if existing is not None:
                return ImportResult(path, Status.DUPLICATE, existing.id)
            self.store.remove(*staged.written)
            return ImportResult.failed(path, RejectedFile("catalogue_refused"))
        except Exception:
            self.store.remove(*staged.written)
            raise
        return ImportResult(path, Status.IMPORTED, photo_id)

    def _new_photo(self, session: Any, staged: Staged, context: _ImportContext) -> Photo:
        """Build the catalogue row of a staged file, credited as the import asks."""
        meta = staged.metadata
        event = q.require_event(session, context.event_slug)
        uploader = q.user_by_name(session, context.uploader) if context.uploader else None
        names = [context.photographer] if context.photographer else meta.creators()
        photographer = person_for_name(session, names[0]) if names else None
        if photographer is None:
            # The article's 图 credit, when it names one person; with several, the caller asks.
            shooters = [c.person for c in event.credits if c.role == "photo"]
            photographer = shooters[0] if len(shooters) == 1 else None
        if photographer is None and uploader is not None:
            photographer = uploader.person or person_for_name(session, uploader.username)
        # A file's texts are kept as far as they fit, with a warning saying what was cut.
        warnings = list(meta.warnings)
        fit = functools.partial(self.limits.fit, warnings=warnings)
        caption = context.caption if context.caption is not None else meta.caption()
        return Photo(
            sha256=staged.sha256,
            ext=staged.ext,
            original_name=staged.source.name[:500],
            size_bytes=staged.size_bytes,
            event=event,
            photographer=photographer,
            uploader=uploader,
            caption=fit("caption", caption),
            keywords=self.limits.fit_keywords("keywords", meta.keywords(), warnings),
            width=staged.width,
            height=staged.height,
            orientation=meta.orientation,
            taken_local=meta.taken_local,
            taken_offset=meta.taken_offset,
            camera_make=meta.camera_make[:200],
            camera_model=meta.camera_model[:200],
            lens=meta.lens[:200],
            exposure_time=meta.exposure_time,
            f_number=meta.f_number,
            iso=meta.iso,
            focal_length_mm=meta.focal_length_mm,
            gps_lat=meta.gps_lat,
            gps_lon=meta.gps_lon,
            gps_alt=meta.gps_alt,
            taken_date_only=meta.taken_date_only,
            taken_source=meta.taken_source,
            artist=fit("artist", meta.artist, kind="text"),
            copyright=fit("copyright", meta.copyright, kind="text"),
            creators=[fit("creators", c, kind="name") for c in meta.creators()[:100]],
            rights=fit("rights", meta.best_copyright(), kind="text"),
            description=fit("description", meta.mwg_description(), kind="text"),
            warnings=warnings,
            tags=meta.tags,
        )


@dataclass(frozen=True)
class _ImportContext:
    """What every file of one import shares."""

    event_slug: str
    photographer: str | None
    caption: str | None
    uploader: str | None


def _copy_result(path: Path, first: ImportResult) -> ImportResult:
    """Return the result of a second copy of a file that was in the same batch."""
    if first.status is Status.FAILED:
        return dataclasses.replace(first, path=str(path))
    return ImportResult(str(path), Status.DUPLICATE, first.photo_id)
