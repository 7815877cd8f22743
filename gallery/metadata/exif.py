"""EXIF through exifread (``details=False``), with Pillow's EXIF block for formats exifread does not know."""

from __future__ import annotations

import io
import logging
import math
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import exifread
from PIL import Image

from gallery.metadata.values import MAX_TAG_TEXT, decode_text, parse_date, parse_offset, split_names

if TYPE_CHECKING:
    from gallery.metadata import PhotoMetadata

log = logging.getLogger(__name__)

_SKIP_TAGS = {
    "JPEGThumbnail",
    "TIFFThumbnail",
    "EXIF MakerNote",
    "Image PrintIM",
    "Image ExifOffset",
    "Image GPSInfo",
    "EXIF InteroperabilityOffset",
}


def read_exif(path: Path, exif: bytes, meta: PhotoMetadata) -> None:
    """Fill ``meta`` from the file's EXIF, field by field, recording what is broken as warnings."""
    _summarise_exif(_exif_tags(path, exif, meta), meta)


def _process(source: Any, what: str) -> dict[str, Any]:
    """Return exifread's tags of a file or block, or none when exifread trips over it."""
    try:
        return exifread.process_file(source, details=False, extract_thumbnail=False)
    except Exception as exc:  # exifread raises plain exceptions (even AssertionError) on odd files
        log.debug("exifread failed on %s: %r", what, exc)
        return {}


def _exif_tags(path: Path, exif: bytes, meta: PhotoMetadata) -> dict[str, Any]:
    """Return exifread's tags: of a TIFF-structured file itself, else of the EXIF block found in it."""
    with path.open("rb") as f:
        tiff = f.read(4) in (b"II*\x00", b"MM\x00*")
        tags = _process(f, str(path)) if tiff or not exif else {}
    if exif and not _has_fields(tags):
        tags = _process(io.BytesIO(exif), f"the EXIF block of {path}")
        if not _has_fields(tags):
            meta.warnings.append(f"EXIF block of {len(exif)} bytes is present but unreadable")
    return tags


# 0xFFFFFFFF is "unknown"; 0x7FFFFFFF is no sentinel (Parrot writes x/y rationals with it as x).
_SENTINELS = {0xFFFFFFFF}


def _has_fields(tags: dict[str, Any]) -> bool:
    """Tell whether exifread found real tags: known ones with values, not only pointers or garbage."""
    return any(
        key not in _SKIP_TAGS and " Tag 0x" not in key and tag.values not in ([], "", b"")
        for key, tag in tags.items()
    )


def _values(tags: dict[str, Any], key: str) -> Any:
    """Return the values of a tag, or None when it is absent."""
    tag = tags.get(key)
    return None if tag is None else tag.values


def _text(tags: dict[str, Any], key: str) -> str:
    """Return an ASCII tag as text; bytes that are not UTF-8 are tried as GB18030."""
    values = _values(tags, key)
    if values is None:
        return ""
    if isinstance(values, list):
        values = bytes(v for v in values if isinstance(v, int) and 0 <= v < 256)
    if isinstance(values, bytes):
        values = values.split(b"\x00", 1)[0]  # an ASCII value ends at its first NUL
    elif isinstance(values, str):
        values = values.split("\x00", 1)[0]
    return decode_text(values)


def _number(tags: dict[str, Any], key: str) -> float | None:
    """Return the first value of a numeric tag as a float, or None when absent or not a number."""
    values = _values(tags, key)
    if not values or isinstance(values, (str, bytes)):
        return None
    first = values[0]
    if getattr(first, "num", first) in _SENTINELS or getattr(first, "den", 1) == 0:
        # 0xFFFFFFFF (or -1) marks "unknown" in many cameras; x/0 is no number at all.
        raise ValueError(f"{key.split()[-1]} holds no value: {first!r}")
    try:
        number = float(first)
    except (TypeError, ValueError, ZeroDivisionError):
        raise ValueError(f"{key.split()[-1]} is not a number: {first!r}") from None
    if not math.isfinite(number):
        raise ValueError(f"{key.split()[-1]} is not a number: {values[0]!r}")
    return number


def _xp_text(tags: dict[str, Any], key: str) -> str:
    """Decode a Windows XP tag: UTF-16 little-endian bytes, NUL-terminated."""
    values = _values(tags, key)
    if not values or not isinstance(values, list):
        return ""
    raw = bytes(v for v in values if isinstance(v, int) and 0 <= v < 256)
    return raw.decode("utf-16-le", errors="replace").replace("\x00", "").strip()


def user_comment(im: Image.Image, exif: bytes) -> str:
    """Decode EXIF UserComment by its 8-byte character code (ASCII, UNICODE, JIS, undefined).

    Read through Pillow (of the EXIF block found, else of the image): exifread skips this tag when
    ``details=False``.
    """
    if not exif and im.format == "PNG" and "exif" not in im.info:
        # Pillow would decode every pixel looking for an eXIf chunk after the image data: a 786 KB
        # PNG of 196 MP would take 800 MB here, outside the decoding budget.
        return ""
    if exif:
        block = Image.Exif()
        block.load(exif)
    else:
        block = im.getexif()
    raw = block.get_ifd(0x8769).get(0x9286)
    if isinstance(raw, str):
        return raw.strip("\x00 ")
    if not isinstance(raw, bytes):
        return ""
    code, body = raw[:8], raw[8:]
    if code.startswith(b"UNICODE"):
        big = body.decode("utf-16-be", errors="replace")
        little = body.decode("utf-16-le", errors="replace")
        # The byte order is the file's; the right guess is the one with fewer unprintable characters.
        return min((big, little), key=_unprintable).strip("\x00 ")
    if code.startswith(b"JIS"):
        return decode_text(body, "shift_jis")
    return decode_text(body)


def _unprintable(text: str) -> int:
    """Count characters that no one would write on purpose."""
    return sum(not ch.isprintable() or "\ue000" <= ch <= "\uf8ff" for ch in text)


def _taken(tags: dict[str, Any], meta: PhotoMetadata) -> None:
    """Set the time taken from DateTimeOriginal, with its sub-seconds and offset; nothing else.

    DateTimeDigitized and DateTime (ModifyDate) say when a file was scanned or last saved, not when
    the picture was taken: without DateTimeOriginal the Metadata Working Group's date applies.
    """
    raw = _text(tags, "EXIF DateTimeOriginal")
    if not raw:
        return
    try:
        taken = parse_date(raw)
    except ValueError:
        taken = None
    if taken is None:
        meta.warnings.append(f"DateTimeOriginal is not a date: {raw!r}"[:200])
        return
    digits = re.sub(r"\D", "", _text(tags, "EXIF SubSecTimeOriginal"))
    if digits:
        taken = taken.replace(microsecond=int(digits[:6].ljust(6, "0")))
    meta.taken_local = taken
    meta.taken_source = "exif"
    offset_text = _text(tags, "EXIF OffsetTimeOriginal")
    meta.taken_offset = parse_offset(offset_text) if offset_text else None
    if offset_text and meta.taken_offset is None:
        meta.warnings.append(f"OffsetTimeOriginal is not a UTC offset: {offset_text!r}")


def _gps(tags: dict[str, Any], meta: PhotoMetadata) -> None:
    """Set GPS position as signed decimal degrees (south and west negative) and altitude in metres."""
    lat, lon = _dms(tags, "GPS GPSLatitude"), _dms(tags, "GPS GPSLongitude")
    if lat is not None and lon is not None:
        if _text(tags, "GPS GPSLatitudeRef").upper().startswith("S"):
            lat = -lat
        if _text(tags, "GPS GPSLongitudeRef").upper().startswith("W"):
            lon = -lon
        if abs(lat) > 90 or abs(lon) > 180:
            raise ValueError(f"GPS position out of range: {lat}, {lon}")
        meta.gps_lat, meta.gps_lon = round(lat, 7), round(lon, 7)
    altitude = _number(tags, "GPS GPSAltitude")
    if altitude is not None:
        # Kept as stored (no rounding), and even without a position: the height alone is a fact.
        below = _values(tags, "GPS GPSAltitudeRef")
        if below and below[0] == 1:
            altitude = -altitude
        meta.gps_alt = altitude


def _dms(tags: dict[str, Any], key: str) -> float | None:
    """Return degrees, minutes and seconds as decimal degrees."""
    values = _values(tags, key)
    if not values or isinstance(values, (str, bytes)):
        return None
    try:
        parts = [float(v) for v in values[:3]]
    except (TypeError, ValueError, ZeroDivisionError):
        raise ValueError(f"{key.split()[-1]} is not a position: {values!r}"[:200]) from None
    degrees = sum(part / 60**i for i, part in enumerate(parts))
    if not math.isfinite(degrees):
        raise ValueError(f"{key.split()[-1]} is not a position: {values!r}"[:200])
    return degrees


def _orientation(tags: dict[str, Any], meta: PhotoMetadata) -> None:
    """Set orientation; 0 or nonsense means 1 (as shot)."""
    values = _values(tags, "Image Orientation")
    if not values or isinstance(values, (str, bytes)):
        return
    value = values[0]
    if isinstance(value, int) and 1 <= value <= 8:
        meta.orientation = value
    else:
        meta.warnings.append(f"Orientation {value!r} is not valid; shown as shot")


def _summarise_exif(tags: dict[str, Any], meta: PhotoMetadata) -> None:
    """Fill ``meta`` from exifread's tags, each field on its own so one bad field loses only itself."""

    def lens() -> str:
        return _text(tags, "EXIF LensModel")

    def iso() -> int | None:
        value = _number(tags, "EXIF ISOSpeedRatings")
        if value is None:
            value = _number(tags, "EXIF ISOSpeed")
        return None if value is None else int(value)  # ISO 0 is what the camera wrote: keep it

    steps = {
        "date taken": lambda: _taken(tags, meta),
        "make": lambda: setattr(meta, "camera_make", _text(tags, "Image Make")),
        "model": lambda: setattr(meta, "camera_model", _text(tags, "Image Model")),
        "lens": lambda: setattr(meta, "lens", lens()),
        "exposure": lambda: setattr(meta, "exposure_time", _number(tags, "EXIF ExposureTime")),
        "f-number": lambda: setattr(meta, "f_number", _number(tags, "EXIF FNumber")),
        "ISO": lambda: setattr(meta, "iso", iso()),
        "focal length": lambda: setattr(meta, "focal_length_mm", _number(tags, "EXIF FocalLength")),
        "GPS": lambda: _gps(tags, meta),
        "orientation": lambda: _orientation(tags, meta),
        "artist": lambda: setattr(meta, "artist", _text(tags, "Image Artist")),
        "copyright": lambda: setattr(meta, "copyright", _text(tags, "Image Copyright")),
        "description": lambda: setattr(meta, "description", _text(tags, "Image ImageDescription")),
        "XP title": lambda: setattr(meta, "xp_title", _xp_text(tags, "Image XPTitle")),
        "XP comment": lambda: setattr(meta, "xp_comment", _xp_text(tags, "Image XPComment")),
        "XP author": lambda: setattr(meta, "xp_author", _xp_text(tags, "Image XPAuthor")),
        "XP keywords": lambda: setattr(
            meta, "xp_keywords", split_names(_xp_text(tags, "Image XPKeywords"))
        ),
    }
    for name, step in steps.items():
        try:
            step()
        except Exception as exc:  # one broken field must not lose the others
            meta.warnings.append(f"EXIF {name} unreadable: {exc}"[:300])
    if meta.f_number == 0:
        meta.f_number = None  # lenses without electronic contacts write 0
    if meta.exposure_time is not None and meta.exposure_time <= 0:
        meta.exposure_time = None
    meta.tags.update(_dump(tags, meta))


def _dump(tags: dict[str, Any], meta: PhotoMetadata) -> dict[str, str]:
    """Return every EXIF tag as printable text for the photo page, decoded where exifread could not."""
    decoded = {
        "Image XPTitle": meta.xp_title,
        "Image XPComment": meta.xp_comment,
        "Image XPAuthor": meta.xp_author,
        "Image XPKeywords": "; ".join(meta.xp_keywords),
        "Image XPSubject": _xp_text(tags, "Image XPSubject"),
    }
    dump: dict[str, str] = {}
    for key, tag in tags.items():
        if key in _SKIP_TAGS or tag.values in ([], "", b""):
            continue
        if key in decoded:
            text = decoded[key]
        elif isinstance(tag.values, bytes):
            text = decode_text(tag.values)
        else:
            text = str(tag)
        dump[key] = text[:MAX_TAG_TEXT]
    return dump


def fill_from_xmp(meta: PhotoMetadata) -> None:
    """Use the camera values only XMP holds (tiff:Make, exif:FNumber, exif:GPS*, ...) where EXIF has none."""
    values = meta.xmp_values
    for name, attribute in (("make", "camera_make"), ("model", "camera_model"), ("lens", "lens")):
        if not getattr(meta, attribute) and values.get(name):
            setattr(meta, attribute, values[name])
    for name, attribute in (
        ("exposure_time", "exposure_time"),
        ("f_number", "f_number"),
        ("focal_length", "focal_length_mm"),
        ("iso", "iso"),
    ):
        if getattr(meta, attribute) is None and values.get(name):
            number = _xmp_number(values[name])
            if number is not None:
                setattr(meta, attribute, int(number) if name == "iso" else number)
    if meta.gps_alt is None and values.get("gps_altitude"):
        altitude = _xmp_number(values["gps_altitude"])
        below = values.get("gps_altitude_ref") == "1"
        meta.gps_alt = -altitude if below and altitude is not None else altitude
    if meta.gps_lat is None and values.get("gps_latitude") and values.get("gps_longitude"):
        lat, lon = _xmp_degrees(values["gps_latitude"]), _xmp_degrees(values["gps_longitude"])
        if lat is not None and lon is not None and abs(lat) <= 90 and abs(lon) <= 180:
            meta.gps_lat, meta.gps_lon = round(lat, 7), round(lon, 7)
    if "Image Orientation" not in meta.tags and values.get("orientation", "").isdigit():
        # IFD0 first, then XMP tiff:Orientation (a PNG written by exiftool keeps it only there).
        value = int(values["orientation"])
        meta.orientation = value if 1 <= value <= 8 else 1


def _xmp_number(text: str) -> float | None:
    """Return an XMP number ("1/250", "2.8", "100") as a float, or None."""
    try:
        if "/" in text:
            top, bottom = text.split("/", 1)
            number = float(top) / float(bottom)
        else:
            number = float(text)
    except (ValueError, ZeroDivisionError):
        return None
    return number if math.isfinite(number) else None


def _xmp_degrees(text: str) -> float | None:
    """Return an XMP GPS coordinate ("26,34.951N", "26,34,57N") as signed decimal degrees."""
    match = re.fullmatch(
        r"\s*(\d+(?:\.\d+)?),(\d+(?:\.\d+)?)(?:,(\d+(?:\.\d+)?))?([NSEW])\s*", text
    )
    if not match:
        return None
    degrees, minutes, seconds, ref = match.groups()
    value = float(degrees) + float(minutes) / 60 + float(seconds or 0) / 3600
    return -value if ref in "SW" else value
