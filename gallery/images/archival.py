"""Originals converted for the archives office, which takes JPEG and TIFF only."""

from __future__ import annotations

import io
from pathlib import Path

from gallery.images import _flatten, open_image


def archival_jpeg(path: Path, max_pixels: int, quality: int = 95) -> bytes:
    """Convert an original the archives office does not take (HEIC, PNG, RAW, …) to a JPEG.

    The pixels are the original's as stored (orientation kept in its EXIF tag, not applied), and
    the original's EXIF block is carried over whole, so the transfer keeps every camera field.
    """
    with open_image(path, max_pixels) as im:
        exif = im.info.get("exif") or im.getexif().tobytes()
        im.load()
        rgb = _flatten(im)
        buffer = io.BytesIO()
        rgb.save(buffer, "JPEG", quality=quality, exif=exif, icc_profile=im.info.get("icc_profile"))
    return buffer.getvalue()
