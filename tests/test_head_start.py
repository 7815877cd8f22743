"""An import's head start: workers stage the first files while the catalogue opens, and the importer
records them, finds them stored, or removes what they left."""

from __future__ import annotations

from pathlib import Path

import pytest

from gallery import importer, workers
from gallery.archive import Archive
from gallery.errors import NotFound, RejectedFile
from gallery.ingest import Staged
from gallery.media_store import hash_file
from gallery.workers import HeadStart
from tests.conftest import media_files
from tests.imagegen import encode, upright, write


def _photos(folder: Path, count: int) -> list[Path]:
    """Write ``count`` different small JPEGs; return their paths in name order."""
    return [write(folder / f"p{n}.jpg", encode(upright((300 + n, 200)))) for n in range(count)]


def _stored(archive: Archive) -> list[Path]:
    """Return the published files of the media folder: originals and derivatives."""
    root = archive.store.root
    return sorted(p for p in media_files(archive) if p.relative_to(root).parts[0] in _PUBLISHED)


_PUBLISHED = ("originals", "derived")


def _intents(archive: Archive) -> list[Path]:
    """Return the intent markers left in the media folder."""
    return sorted(archive.store.tmp.glob("*.intent")) if archive.store.tmp.is_dir() else []


def test_the_first_files_go_ahead_and_each_file_is_hashed_once(
    archive: Archive, event: str, tmp_path: Path, monkeypatch
) -> None:
    files = _photos(tmp_path / "in", 5)
    files.append(write(tmp_path / "in" / "z-copy.jpg", files[0].read_bytes()))
    hashed: list[str] = []
    for module in (workers, importer):
        original = module.hash_file
        monkeypatch.setattr(
            module,
            "hash_file",
            lambda path, original=original: hashed.append(path.name) or original(path),
        )
    head = HeadStart.begin(files, archive.config, 1)
    assert list(head.early) == files[:3]  # three ahead per worker, in order
    results = archive.imports.import_files(files, event, head=head)
    assert [r.status for r in results].count("imported") == 5
    [copy] = [r for r in results if r.path.endswith("z-copy.jpg")]
    first = next(r for r in results if r.path.endswith("p0.jpg"))
    assert copy.status == "duplicate" and copy.photo_id == first.photo_id
    assert sorted(hashed) == sorted(f.name for f in files)
    assert _intents(archive) == []
    assert archive.search.search("检验科").total == 5  # indexed, like any import


def test_a_file_already_stored_waits_for_the_catalogue(
    archive: Archive, event: str, tmp_path: Path
) -> None:
    stored, new = _photos(tmp_path / "in", 2)
    [first] = archive.imports.import_files([stored], event)
    sha = hash_file(stored)[0]
    files_before = {p: p.stat().st_mtime_ns for p in archive.store.files_of(sha)}
    head = HeadStart.begin([stored, new], archive.config, 1)
    assert head.early == {}  # its bytes have files: only the catalogue can say whose
    results = archive.imports.import_files([stored, new], event, head=head)
    assert [(r.status, r.photo_id) for r in results][0] == ("duplicate", first.photo_id)
    assert results[1].status == "imported"
    # The stored photo's files were not written again.
    assert {p: p.stat().st_mtime_ns for p in archive.store.files_of(sha)} == files_before


def test_a_stored_photo_that_lost_its_files_gets_them_back(
    archive: Archive, event: str, tmp_path: Path
) -> None:
    [path] = _photos(tmp_path / "in", 1)
    [first] = archive.imports.import_files([path], event)
    sha = hash_file(path)[0]
    lost = archive.store.files_of(sha)
    archive.store.remove(*lost)
    head = HeadStart.begin([path], archive.config, 1)
    assert list(head.early) == [path]
    [again] = archive.imports.import_files([path], event, head=head)
    assert (again.status, again.photo_id) == ("duplicate", first.photo_id)
    assert archive.store.files_of(sha) == lost
    assert _intents(archive) == []


def test_an_unknown_event_leaves_nothing_behind(archive: Archive, tmp_path: Path) -> None:
    files = _photos(tmp_path / "in", 2)
    head = HeadStart.begin(files, archive.config, 2)
    with pytest.raises(NotFound):
        archive.imports.import_files(files, "no-such-event", head=head)
    assert _stored(archive) == [] and _intents(archive) == []


def test_the_command_with_an_unknown_event_leaves_nothing_behind(
    runner, archive: Archive, tmp_path: Path
) -> None:
    _photos(tmp_path / "in", 3)
    result = runner.invoke(args=["import", str(tmp_path / "in"), "--event", "no-such-event"])
    assert result.exit_code == 1 and "no-such-event" in result.output
    assert _stored(archive) == [] and _intents(archive) == []


def test_an_import_stopped_midway_removes_what_no_row_holds(
    archive: Archive, event: str, tmp_path: Path
) -> None:
    files = _photos(tmp_path / "in", 5)
    head = HeadStart.begin(files, archive.config, 1)

    def stop(result: importer.ImportResult) -> None:
        raise KeyboardInterrupt  # Ctrl-C right after the first photo is recorded

    with pytest.raises(KeyboardInterrupt):
        archive.imports.import_files(files, event, head=head, on_result=stop)
    [kept] = [f for f in files if archive.store.files_of(hash_file(f)[0])]
    assert kept == files[0]  # recorded before the stop: its files stay, nobody else's
    assert _stored(archive) == archive.store.files_of(hash_file(kept)[0])
    assert _intents(archive) == []


class _DyingPool:
    """A pool whose worker publishes a file's first derivative, then dies: the file fails."""

    def __init__(self, store) -> None:  # noqa: ANN001
        self.store = store

    def __enter__(self) -> _DyingPool:
        return self

    def __exit__(self, *exc_info: object) -> None:
        pass

    def close(self, *, kill: bool = False) -> None:
        pass

    def run(self, jobs):  # noqa: ANN001, ANN201
        for job in jobs:
            self.store.write(self.store.derived_path("thumb", job.sha256), b"half of it")
            yield Staged.failed(job, RejectedFile("decode_failed", "the decoder crashed"))


def test_a_worker_dying_after_publishing_leaves_none_of_its_files(
    archive: Archive, event: str, tmp_path: Path
) -> None:
    [path] = _photos(tmp_path / "in", 1)
    head = HeadStart(_DyingPool(archive.store), archive.store, [path], {})
    [result] = archive.imports.import_files([path], event, head=head)
    assert result.status == "failed" and "crashed" in result.error
    assert _stored(archive) == [] and _intents(archive) == []
