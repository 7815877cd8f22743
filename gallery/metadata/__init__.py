"""What a photo says about itself: EXIF, IPTC, XMP and Windows XP tags, read into one PhotoMetadata.

Reading happens in two stages, as sigal does: the raw tags (exifread with ``details=False``, Pillow for
IPTC, XMP and the EXIF of formats exifread does not know), then a typed summary. Metadata is lenient:
whatever is broken becomes a warning on the photo, field by field, and never stops an import.
"""

from __future__ import annotations

import datetime as dt
import logging
import warnings
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image

from gallery.metadata.blocks import read_iptc, read_xmp, xmp_packet
from gallery.metadata.exif import read_exif, user_comment
from gallery.metadata.values import MAX_TAG_TEXT, decode_text, split_names

__all__ = ["PhotoMetadata", "decode_text", "read_metadata"]

# exifread logs every oddity of a broken file as a warning; ours are recorded on the photo instead.
logging.getLogger("exifread").setLevel(logging.ERROR)

_CAMERA_JUNK = {
    "",
    "default",
    "digital camera",
    "olympus digital camera",
    "sony dsc",
    "exif_jpeg_picture",
    "minolta digital camera",
    "konica minolta digital camera",
    "samsung digital camera",
    "camera",
    "image",
    "picture",
}


@dataclass
class PhotoMetadata:
    """Everything read from one file's metadata, typed; text already decoded."""

    taken_local: dt.datetime | None = None
    taken_offset: str | None = None
    camera_make: str = ""
    camera_model: str = ""
    lens: str = ""
    exposure_time: float | None = None
    f_number: float | None = None
    iso: int | None = None
    focal_length_mm: float | None = None
    gps_lat: float | None = None
    gps_lon: float | None = None
    gps_alt: float | None = None
    orientation: int = 1
    artist: str = ""
    copyright: str = ""
    description: str = ""
    user_comment: str = ""
    xp_title: str = ""
    xp_comment: str = ""
    xp_author: str = ""
    xp_keywords: list[str] = field(default_factory=list)
    iptc_byline: list[str] = field(default_factory=list)
    iptc_caption: str = ""
    iptc_keywords: list[str] = field(default_factory=list)
    iptc_copyright: str = ""
    xmp_creator: list[str] = field(default_factory=list)
    xmp_description: str = ""
    xmp_rights: str = ""
    xmp_subject: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    tags: dict[str, str] = field(default_factory=dict)

    def creators(self) -> list[str]:
        """Return who made the photo: IPTC By-line, else XMP creator, else EXIF Artist, else XP Author."""
        for names in (
            self.iptc_byline,
            self.xmp_creator,
            split_names(self.artist),
            split_names(self.xp_author),
        ):
            if names:
                return names
        return []

    def caption(self) -> str:
        """Return the best caption the file carries, skipping what cameras write by themselves."""
        for text in (
            self.iptc_caption,
            self.xmp_description,
            self.description,
            self.xp_comment,
            self.xp_title,
            self.user_comment,
        ):
            if text.strip().casefold() not in _CAMERA_JUNK:
                return text.strip()
        return ""

    def keywords(self) -> list[str]:
        """Return the keywords of IPTC, XMP and XP tags, each once, in the order first seen."""
        return list(dict.fromkeys(self.iptc_keywords + self.xmp_subject + self.xp_keywords))

    def best_copyright(self) -> str:
        """Return the copyright notice: EXIF, else IPTC, else XMP."""
        return self.copyright or self.iptc_copyright or self.xmp_rights

    def best_artist(self) -> str:
        """Return the artist as EXIF says, else the first creator another block names."""
        return self.artist or "; ".join(self.creators())


def read_metadata(path: Path, im: Image.Image) -> PhotoMetadata:
    """Read every metadata block of the file at ``path``, opened by Pillow as ``im``."""
    meta = PhotoMetadata()
    read_exif(path, im, meta)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # Pillow warns of corrupt EXIF, already reported above
            meta.user_comment = user_comment(im)
    except Exception as exc:  # Pillow's EXIF parser raises various errors on broken blocks
        meta.warnings.append(f"EXIF user comment unreadable: {exc!r}"[:300])
    if meta.user_comment:
        meta.tags["EXIF UserComment"] = meta.user_comment[:MAX_TAG_TEXT]
    read_iptc(im, meta)
    read_xmp(xmp_packet(im), meta)
    original = im.info.get("original_orientation")
    if isinstance(original, int) and 1 <= original <= 8:
        # pillow-heif rotates HEIF while decoding and resets the EXIF tag: report what the file said.
        meta.orientation = original
    return meta
