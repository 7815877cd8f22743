"""Exports: the JSON backup of the catalogue, one photo's record, and an event's press pack.

A press pack is written whole or not at all: it is assembled under a temporary name beside the
target and renamed into place, so an interrupted export never leaves half a pack where the office looks.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, BinaryIO

from gallery.catalog import CREDIT_ROLES, Catalog, Photo
from gallery.catalog import queries as q
from gallery.derived import Derivatives
from gallery.errors import Conflict, InvalidInput, NotFound
from gallery.media_store import MediaStore
from gallery.shapes import event_record, photo_record


class Exports:
    """What leaves the archive whole: the backup format, a photo's record, a press pack."""

    def __init__(
        self,
        catalog: Catalog,
        store: MediaStore,
        sizes: Mapping[str, int],
        derivatives: Derivatives,
    ) -> None:
        self.catalog = catalog
        self.store = store
        self.sizes = dict(sizes)
        self.derivatives = derivatives

    def photo(self, photo_id: int) -> dict[str, Any]:
        """Return one photo as exported, with its full tag dump."""
        with self.catalog.reading() as session:
            photo = session.get(Photo, photo_id)
            if photo is None:
                raise NotFound(f"no photo with id {photo_id}")
            return {**photo_record(photo, self.store, self.sizes), "tags": photo.tags}

    def original(self, photo_id: int) -> tuple[Path, str, str]:
        """Return a photo's original file, its download name and its hash, or raise NotFound.

        The download name keeps the client's name but always ends in the stored format's extension:
        an original uploaded as ``invoice.html`` downloads as ``invoice.jpg``.
        """
        with self.catalog.reading() as session:
            photo = session.get(Photo, photo_id)
            if photo is None or photo.deleted_at is not None:
                raise NotFound(f"no photo with id {photo_id}")
            sha, ext, name = photo.sha256, photo.ext, photo.original_name
        path = self.store.original_path(sha, ext)
        if not path.is_file():
            raise NotFound(f"the original of photo {photo_id} is missing")
        stem = Path(name).stem if name else ""
        return path, f"{stem or photo_id}.{ext}", sha

    def press_pack_stream(self, slug: str, photo_ids: Sequence[int] | None = None) -> BinaryIO:
        """Return an event's press pack as an open ZIP file that leaves nothing on disk."""
        folder = self.store.temp_folder("pack")
        try:
            path, _count = self.press_pack(slug, folder / f"{slug}.zip", photo_ids)
            stream = path.open("rb")
            path.unlink()  # the open handle keeps the data
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        return stream

    def catalogue(self, event_slug: str | None = None) -> dict[str, Any]:
        """Return the catalogue (or one event of it) as the JSON backup format."""
        with self.catalog.reading() as session:
            if event_slug:
                event = q.require_event(session, event_slug)
                events, photos = [event], q.photos(session, event.id)
            else:
                events, photos = q.events(session), q.photos(session)
            return {
                "format": "gallery-export/1",
                "events": [event_record(e) for e in events],
                "photos": [photo_record(p, self.store, self.sizes) for p in photos],
            }

    def press_pack(
        self, slug: str, target: Path, photo_ids: Sequence[int] | None = None
    ) -> tuple[Path, int]:
        """Write an event's press pack: display-size photos (no metadata) and captions.txt."""
        with self.catalog.reading() as session:
            event = q.require_event(session, slug)
            photos = q.photos(session, event.id)
            if photo_ids:
                chosen = {p.id: p for p in photos}
                missing = [i for i in photo_ids if i not in chosen]
                if missing:
                    raise NotFound(f"photo {missing[0]} is not in the event {slug}")
                photos = [chosen[i] for i in photo_ids]
            if not photos:
                raise InvalidInput(f"the event {slug} has no photos to pack")
            info = event_record(event)
            rows = [
                (p.sha256, p.caption, p.photographer.display_name if p.photographer else "")
                for p in photos
            ]
        width = max(2, len(str(len(rows))))
        files: list[tuple[str, Path]] = []
        lines = [info["title"], " · ".join(filter(None, [info["start_date"], info["place"]])), ""]
        for n, (sha, caption, photographer) in enumerate(rows, 1):
            name = f"{info['start_date']}-{n:0{width}d}.jpg"
            files.append((name, self.derivatives.path(sha, "display")))
            credit = f"{CREDIT_ROLES['photo']}／{photographer}" if photographer else ""
            lines += [name, "  ".join(filter(None, [caption, credit])) or "—", ""]
        lines += [f"{c['label']}：{' '.join(c['names'])}" for c in info["credits"]]
        return write_pack(target, files, "\n".join(lines).rstrip() + "\n"), len(files)


def write_pack(target: Path, files: Sequence[tuple[str, Path]], captions: str) -> Path:
    """Write ``files`` (name in the pack, source path) and ``captions.txt`` to a folder or a .zip."""
    target = target.expanduser().absolute()
    if target.exists() and not (target.is_dir() and not any(target.iterdir())):
        raise Conflict(f"{target} already exists: choose a new folder or ZIP file")
    if not target.parent.is_dir():
        raise InvalidInput(f"no such folder: {target.parent}")
    if target.suffix.lower() == ".zip":
        fd, temp = tempfile.mkstemp(prefix=".pack-", suffix=".zip", dir=target.parent)
        os.close(fd)
        try:
            with zipfile.ZipFile(temp, "w", zipfile.ZIP_STORED) as pack:
                for name, source in files:
                    pack.write(source, name)  # JPEG is compressed already
                pack.writestr("captions.txt", captions.encode("utf-8"), zipfile.ZIP_DEFLATED)
            os.replace(temp, target)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
        return target
    temp_dir = Path(tempfile.mkdtemp(prefix=".pack-", dir=target.parent))
    try:
        for name, source in files:
            shutil.copyfile(source, temp_dir / name)
        (temp_dir / "captions.txt").write_text(captions, encoding="utf-8")
        if target.exists():
            target.rmdir()  # empty, checked above
        os.replace(temp_dir, target)
    except BaseException:
        shutil.rmtree(temp_dir, ignore_errors=True)
        raise
    return target
