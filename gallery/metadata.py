"""What a photo says about itself: EXIF, IPTC, XMP and Windows XP tags, read into one PhotoMetadata.

Reading happens in two stages, as sigal does: the raw tags (exifread with ``details=False``, Pillow for
IPTC, XMP and the EXIF of formats exifread does not know), then a typed summary. Metadata is lenient:
whatever is broken becomes a warning on the photo, field by field, and never stops an import.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import math
import re
import warnings
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import exifread
from PIL import Image, IptcImagePlugin

log = logging.getLogger(__name__)
# exifread logs every oddity of a broken file as a warning; ours are recorded on the photo instead.
logging.getLogger("exifread").setLevel(logging.ERROR)

# Captions cameras write by themselves, which say nothing about the photo.
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
_DATE = re.compile(
    r"(\d{4})[:\-/.](\d{1,2})[:\-/.](\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?"
)
_OFFSET = re.compile(r"([+-])(\d{2}):?(\d{2})")
_SKIP_TAGS = {
    "JPEGThumbnail",
    "TIFFThumbnail",
    "EXIF MakerNote",
    "Image PrintIM",
    "Image ExifOffset",
    "Image GPSInfo",
    "EXIF InteroperabilityOffset",
}
_MAX_TAG_TEXT = 1000
_MAX_XMP = 2 << 20
_NS = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dc": "http://purl.org/dc/elements/1.1/",
    "xml": "http://www.w3.org/XML/1998/namespace",
}
_XMP_DATES = (
    "{http://ns.adobe.com/exif/1.0/}DateTimeOriginal",
    "{http://ns.adobe.com/photoshop/1.0/}DateCreated",
    "{http://ns.adobe.com/xap/1.0/}CreateDate",
)
_XMP_LENS = ("{http://ns.adobe.com/exif/1.0/aux/}Lens", "{http://cipa.jp/exif/1.0/}LensModel")
_IPTC_BYLINE, _IPTC_CAPTION, _IPTC_KEYWORDS, _IPTC_COPYRIGHT = (2, 80), (2, 120), (2, 25), (2, 116)
_IPTC_NAMES = {
    (2, 5): "ObjectName",
    (2, 25): "Keywords",
    (2, 55): "DateCreated",
    (2, 60): "TimeCreated",
    (2, 80): "By-line",
    (2, 85): "By-lineTitle",
    (2, 90): "City",
    (2, 92): "Sub-location",
    (2, 95): "Province-State",
    (2, 101): "Country",
    (2, 105): "Headline",
    (2, 110): "Credit",
    (2, 115): "Source",
    (2, 116): "CopyrightNotice",
    (2, 120): "Caption-Abstract",
    (2, 122): "Writer-Editor",
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
            _split(self.artist),
            _split(self.xp_author),
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


def _split(names: str) -> list[str]:
    """Split a list of names written in one text field ("杨军; 李满桂")."""
    return [n.strip() for n in re.split(r"[;；,，、]", names) if n.strip()]


def decode_text(raw: bytes | str, encoding: str | None = None) -> str:
    """Decode text whose encoding is unknown: the one given, else UTF-8, else GB18030; never fail."""
    if isinstance(raw, str):
        text = raw
    else:
        text = None
        for candidate in (encoding, "utf-8", "gb18030"):
            if candidate:
                try:
                    text = raw.decode(candidate)
                    break
                except (UnicodeDecodeError, LookupError):
                    continue
        if text is None:
            text = raw.decode(encoding or "utf-8", errors="replace")
    return text.replace("\x00", "").strip()


def read_metadata(path: Path, im: Image.Image) -> PhotoMetadata:
    """Read every metadata block of the file at ``path``, opened by Pillow as ``im``."""
    meta = PhotoMetadata()
    exif = _exif_tags(path, im, meta)
    _summarise_exif(exif, meta)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # Pillow warns of corrupt EXIF, already reported above
            meta.user_comment = _user_comment(im)
    except Exception as exc:  # Pillow's EXIF parser raises various errors on broken blocks
        meta.warnings.append(f"EXIF user comment unreadable: {exc!r}"[:300])
    if meta.user_comment:
        meta.tags["EXIF UserComment"] = meta.user_comment[:_MAX_TAG_TEXT]
    _read_iptc(im, meta)
    _read_xmp(_xmp_packet(im), meta)
    original = im.info.get("original_orientation")
    if isinstance(original, int) and 1 <= original <= 8:
        # pillow-heif rotates HEIF while decoding and resets the EXIF tag: report what the file said.
        meta.orientation = original
    return meta


# ----------------------------------------------------------------------------------------- EXIF


def _exif_tags(path: Path, im: Image.Image, meta: PhotoMetadata) -> dict[str, Any]:
    """Return exifread's tags for the file, or for the EXIF block Pillow found when exifread found none."""
    tags: dict[str, Any] = {}
    try:
        with path.open("rb") as f:
            tags = exifread.process_file(f, details=False, extract_thumbnail=False)
    except Exception as exc:  # exifread raises plain exceptions (even AssertionError) on odd files
        log.debug("exifread failed on %s: %r", path, exc)
    if _has_fields(tags):
        return tags
    raw = im.info.get("exif")
    if not raw:
        return tags
    raw = raw[6:] if raw.startswith(b"Exif\x00\x00") else raw
    try:
        tags = exifread.process_file(io.BytesIO(raw), details=False, extract_thumbnail=False)
    except Exception as exc:
        log.debug("exifread failed on the EXIF block of %s: %r", path, exc)
    if not _has_fields(tags):
        meta.warnings.append(f"EXIF block of {len(raw)} bytes is present but unreadable")
    return tags


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
    return decode_text(values)


def _number(tags: dict[str, Any], key: str) -> float | None:
    """Return the first value of a numeric tag as a float, or None when absent or not a number."""
    values = _values(tags, key)
    if not values or isinstance(values, (str, bytes)):
        return None
    try:
        number = float(values[0])
    except (TypeError, ValueError, ZeroDivisionError):
        raise ValueError(f"{key.split()[-1]} is not a number: {values[0]!r}") from None
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


def _user_comment(im: Image.Image) -> str:
    """Decode EXIF UserComment by its 8-byte character code (ASCII, UNICODE, JIS, undefined).

    Read through Pillow: exifread skips this tag when ``details=False``.
    """
    raw = im.getexif().get_ifd(0x8769).get(0x9286)
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


def _parse_date(text: str) -> dt.datetime | None:
    """Parse an EXIF-style date ("2024:11:01 09:30:15"); None for empty or all-zero dates."""
    match = _DATE.search(text)
    if not match:
        return None
    year, month, day, hour, minute, second = (int(g) if g else 0 for g in match.groups())
    if year == 0:
        return None
    return dt.datetime(year, month, day, hour, minute, second)


def _parse_offset(text: str) -> str | None:
    """Normalise a UTC offset ("+0800", "+08:00") to "+08:00"; None when absent or malformed."""
    match = _OFFSET.fullmatch(text.strip())
    if not match:
        return None
    sign, hours, minutes = match.groups()
    if int(hours) > 14 or int(minutes) >= 60:
        return None
    return f"{sign}{hours}:{minutes}"


def _taken(tags: dict[str, Any], meta: PhotoMetadata) -> None:
    """Set the time taken from the first EXIF date present, with its sub-seconds and offset."""
    for date_key, subsec_key, offset_key in (
        ("EXIF DateTimeOriginal", "EXIF SubSecTimeOriginal", "EXIF OffsetTimeOriginal"),
        ("EXIF DateTimeDigitized", "EXIF SubSecTimeDigitized", "EXIF OffsetTimeDigitized"),
        ("Image DateTime", "EXIF SubSecTime", "EXIF OffsetTime"),
    ):
        raw = _text(tags, date_key)
        if not raw:
            continue
        try:
            taken = _parse_date(raw)
        except ValueError:
            taken = None
        if taken is None:
            meta.warnings.append(f"{date_key.split()[-1]} is not a date: {raw!r}"[:200])
            continue
        digits = re.sub(r"\D", "", _text(tags, subsec_key))
        if digits:
            taken = taken.replace(microsecond=int(digits[:6].ljust(6, "0")))
        meta.taken_local = taken
        offset_text = _text(tags, offset_key)
        meta.taken_offset = _parse_offset(offset_text) if offset_text else None
        if offset_text and meta.taken_offset is None:
            meta.warnings.append(f"{offset_key.split()[-1]} is not a UTC offset: {offset_text!r}")
        return


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
    if altitude is not None and meta.gps_lat is not None:
        below = _values(tags, "GPS GPSAltitudeRef")
        if below and below[0] == 1:
            altitude = -altitude
        meta.gps_alt = round(altitude, 2)


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
        value = _number(tags, "EXIF ISOSpeedRatings") or _number(tags, "EXIF ISOSpeed")
        return int(value) if value else None

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
            meta, "xp_keywords", _split(_xp_text(tags, "Image XPKeywords"))
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
        dump[key] = text[:_MAX_TAG_TEXT]
    return dump


# ----------------------------------------------------------------------------------------- IPTC


def _read_iptc(im: Image.Image, meta: PhotoMetadata) -> None:
    """Read IPTC By-line, Caption, Keywords and Copyright, honouring the declared character set."""
    try:
        info = IptcImagePlugin.getiptcinfo(im) or {}
    except Exception as exc:  # Pillow raises SyntaxError, OSError and others on broken blocks
        meta.warnings.append(f"IPTC block unreadable: {exc!r}"[:300])
        return
    if not info:
        return
    charset = info.get((1, 90))
    charset = charset[0] if isinstance(charset, list) else charset
    encoding = "utf-8" if charset and b"%G" in charset else None

    def texts(key: tuple[int, int]) -> list[str]:
        raw = info.get(key)
        items = raw if isinstance(raw, list) else [raw]
        return [t for t in (decode_text(r, encoding) for r in items if r) if t]

    meta.iptc_byline = texts(_IPTC_BYLINE)
    meta.iptc_caption = "\n".join(texts(_IPTC_CAPTION))
    meta.iptc_keywords = texts(_IPTC_KEYWORDS)
    meta.iptc_copyright = " ".join(texts(_IPTC_COPYRIGHT))
    for key, name in _IPTC_NAMES.items():
        if values := texts(key):
            meta.tags[f"IPTC {name}"] = "; ".join(values)[:_MAX_TAG_TEXT]


# ------------------------------------------------------------------------------------------ XMP


def _xmp_packet(im: Image.Image) -> bytes:
    """Return the XMP packet Pillow found in the file (JPEG, PNG, WebP, TIFF, HEIF), or b""."""
    packet = im.info.get("xmp") or im.info.get("XML:com.adobe.xmp") or b""
    if not packet and hasattr(im, "tag_v2"):
        packet = im.tag_v2.get(700, b"")
    if isinstance(packet, str):
        packet = packet.encode("utf-8")
    return packet if isinstance(packet, bytes) else b""


def _read_xmp(packet: bytes, meta: PhotoMetadata) -> None:
    """Read dc:creator, dc:description, dc:rights and dc:subject, and dates and lens as fallbacks."""
    if not packet:
        return
    if len(packet) > _MAX_XMP:
        meta.warnings.append(f"XMP packet of {len(packet)} bytes ignored (too large)")
        return
    start = packet.find(b"<x:xmpmeta")
    end = packet.rfind(b"</x:xmpmeta>")
    if start >= 0 and end > start:
        packet = packet[start : end + len(b"</x:xmpmeta>")]
    try:
        root = ET.fromstring(packet.decode("utf-8", errors="replace"))
    except ET.ParseError as exc:
        meta.warnings.append(f"XMP unreadable: {exc}"[:300])
        return
    meta.xmp_creator = _xmp_list(root, "creator")
    meta.xmp_description = _xmp_alt(root, "description")
    meta.xmp_rights = _xmp_alt(root, "rights")
    meta.xmp_subject = _xmp_list(root, "subject")
    for name, value in (
        ("creator", "; ".join(meta.xmp_creator)),
        ("description", meta.xmp_description),
        ("rights", meta.xmp_rights),
        ("subject", "; ".join(meta.xmp_subject)),
    ):
        if value:
            meta.tags[f"XMP dc:{name}"] = value[:_MAX_TAG_TEXT]
    descriptions = root.iter(f"{{{_NS['rdf']}}}Description")
    attributes = {k: v for d in descriptions for k, v in d.attrib.items()}
    for element in root.iter():
        if element.text and element.text.strip() and not len(element):
            attributes.setdefault(element.tag, element.text.strip())
    if meta.taken_local is None:
        _xmp_date(attributes, meta)
    if not meta.lens:
        meta.lens = next((attributes[k] for k in _XMP_LENS if attributes.get(k)), "")


def _xmp_list(root: ET.Element, name: str) -> list[str]:
    """Return the items of an XMP array property such as dc:creator (rdf:Seq) or dc:subject (rdf:Bag)."""
    items: list[str] = []
    for prop in root.iter(f"{{{_NS['dc']}}}{name}"):
        items += [li.text.strip() for li in prop.iter(f"{{{_NS['rdf']}}}li") if li.text]
        if not len(prop) and prop.text and prop.text.strip():
            items.append(prop.text.strip())
    return list(dict.fromkeys(i for i in items if i))


def _xmp_alt(root: ET.Element, name: str) -> str:
    """Return a language alternative (rdf:Alt) in its default language, else the first one."""
    for prop in root.iter(f"{{{_NS['dc']}}}{name}"):
        items = [li for li in prop.iter(f"{{{_NS['rdf']}}}li") if li.text and li.text.strip()]
        default = [li for li in items if li.get(f"{{{_NS['xml']}}}lang") == "x-default"]
        if default or items:
            return (default or items)[0].text.strip()
        if prop.text and prop.text.strip():
            return prop.text.strip()
    return ""


def _xmp_date(attributes: dict[str, str], meta: PhotoMetadata) -> None:
    """Set the time taken from an XMP date ("2024-11-01T09:30:15+08:00") when EXIF had none."""
    for key in _XMP_DATES:
        text = attributes.get(key)
        if not text:
            continue
        try:
            taken = _parse_date(text)
        except ValueError:
            taken = None
        if taken is None:
            continue
        meta.taken_local = taken
        offset = _OFFSET.search(text[19:]) if len(text) > 19 else None
        meta.taken_offset = _parse_offset(offset.group(0)) if offset else None
        return
