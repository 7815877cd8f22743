"""A press pack on disk: display-size photos and a captions.txt, as a folder or a ZIP file.

Written whole or not at all: the pack is assembled under a temporary name beside the target and
renamed into place, so an interrupted export never leaves half a pack where the office looks.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import zipfile
from collections.abc import Sequence
from pathlib import Path

from gallery.errors import Conflict, InvalidInput


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
