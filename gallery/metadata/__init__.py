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
from typing import Any

from PIL import Image

from gallery.metadata.blocks import read_iptc, read_xmp
from gallery.metadata.containers import read_blocks
from gallery.metadata.exif import fill_from_xmp, read_exif, user_comment
from gallery.metadata.values import MAX_TAG_TEXT, decode_text, is_cjk, parse_iso_date, split_names

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
    #: True when the file gives the day the photo was taken but no time of day.
    taken_date_only: bool = False
    #: Where the date taken was read: "exif" (DateTimeOriginal), "xmp" or "iptc" (the MWG date).
    taken_source: str = ""
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
    iptc_date: str = ""
    #: The IPTC block was changed after the last XMP-aware save (its 0x0425 digest is stale).
    iptc_stale: bool = False
    has_xmp: bool = False
    xmp_creator: list[str] = field(default_factory=list)
    xmp_description: str = ""
    xmp_rights: str = ""
    xmp_subject: list[str] = field(default_factory=list)
    #: XMP copies of camera values (tiff:Make, exif:FNumber, exif:GPS*, ...), used where EXIF has none.
    xmp_values: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    tags: dict[str, str] = field(default_factory=dict)

    def _mwg(self, exif: Any, xmp: Any, iptc: Any) -> Any:
        """Pick a value by the Metadata Working Group's rule: EXIF, then XMP, then IPTC.

        IPTC wins over XMP only when XMP has no value or the IPTC block is stale (changed by software
        that does not know XMP), as exiftool, Lightroom and digiKam decide.
        """
        if exif:
            return exif
        if iptc and (not xmp or self.iptc_stale):
            return iptc
        return xmp or iptc

    def creators(self) -> list[str]:
        """Return every creator the file names (MWG), else the Windows XP author."""
        artist = [n.strip() for n in self.artist.split(";") if n.strip()]
        names = self._mwg(artist, self.xmp_creator, self.iptc_byline)
        return list(names) if names else split_names(self.xp_author)

    def mwg_description(self) -> str:
        """Return the description by the MWG rule (EXIF ImageDescription, XMP, IPTC caption)."""
        exif = self.description if self.description.strip() else ""
        return self._mwg(exif, self.xmp_description, self.iptc_caption) or ""

    def caption(self) -> str:
        """Return the best caption the file carries, skipping what cameras write by themselves.

        Windows XP tags and the EXIF user comment count only when nothing else exists.
        """
        for text in (
            self._mwg("", self.xmp_description, self.iptc_caption) or "",
            self.description,
            self.xp_comment,
            self.xp_title,
            self.user_comment,
        ):
            if text.strip().casefold() not in _CAMERA_JUNK:
                return text.strip()
        return ""

    def keywords(self) -> list[str]:
        """Return the keywords: XMP dc:subject, else IPTC (MWG), else the Windows XP keywords."""
        words = self._mwg(None, self.xmp_subject, self.iptc_keywords) or self.xp_keywords
        return list(words)

    def best_copyright(self) -> str:
        """Return the copyright notice by the MWG rule: EXIF, then XMP, then IPTC."""
        return self._mwg(self.copyright, self.xmp_rights, self.iptc_copyright) or ""

    def best_artist(self) -> str:
        """Return the artist as EXIF says, else the creators another block names."""
        return self.artist or "; ".join(self.creators())

    def has_chinese_text(self) -> bool:
        """Tell whether the text already read is Chinese: a sign the file comes from Chinese software."""
        texts = [self.xp_title, self.xp_comment, self.xp_author, self.artist, self.description]
        texts += [self.xmp_description, self.xmp_rights, *self.xmp_creator, *self.xmp_subject]
        return any(is_cjk(ch) for text in texts for ch in text)


def read_metadata(path: Path, im: Image.Image) -> PhotoMetadata:
    """Read every metadata block of the file at ``path``, opened by Pillow as ``im``."""
    meta = PhotoMetadata()
    blocks = read_blocks(path, im)
    meta.warnings += blocks.warnings
    read_exif(path, blocks.exif, meta)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # Pillow warns of corrupt EXIF, already reported above
            meta.user_comment = user_comment(im, blocks.exif)
    except Exception as exc:  # Pillow's EXIF parser raises various errors on broken blocks
        meta.warnings.append(f"EXIF user comment unreadable: {exc!r}"[:300])
    if meta.user_comment:
        meta.tags["EXIF UserComment"] = meta.user_comment[:MAX_TAG_TEXT]
    read_xmp(blocks.xmp, meta)
    read_iptc(blocks.iptc, meta)
    meta.iptc_stale = blocks.iptc_is_stale()
    fill_from_xmp(meta)
    if not meta.camera_make and not meta.camera_model:
        meta.camera_make, meta.camera_model = blocks.ciff_make_model
    if meta.taken_local is None:
        _mwg_date(meta)
    original = im.info.get("original_orientation")
    if isinstance(original, int) and 1 <= original <= 8:
        # pillow-heif rotates HEIF while decoding and resets the EXIF tag: report what the file said.
        meta.orientation = original
    return meta


def _mwg_date(meta: PhotoMetadata) -> None:
    """Set the date taken by the MWG rule when EXIF has no DateTimeOriginal: XMP, then IPTC."""
    xmp = meta.xmp_values.get("date_created", "")
    text = meta._mwg("", xmp, meta.iptc_date)
    if not text:
        return
    try:
        taken, offset, date_only = parse_iso_date(text)
    except ValueError:
        meta.warnings.append(f"date created is not a date: {text!r}"[:200])
        return
    meta.taken_local, meta.taken_offset, meta.taken_date_only = taken, offset, date_only
    meta.taken_source = "xmp" if text == xmp else "iptc"
