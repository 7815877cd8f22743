"""IPTC-IIM and XMP: captions, creators, keywords, rights, dates, and the camera values XMP may hold."""

from __future__ import annotations

import re
import struct
import xml.etree.ElementTree as ET
from typing import TYPE_CHECKING

from gallery.metadata.values import MAX_TAG_TEXT, decode_text

if TYPE_CHECKING:
    from gallery.metadata import PhotoMetadata

_MAX_XMP = 2 << 20
_NS = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dc": "http://purl.org/dc/elements/1.1/",
    "xml": "http://www.w3.org/XML/1998/namespace",
}
_EXIF, _TIFF, _AUX = (
    "{http://ns.adobe.com/exif/1.0/}",
    "{http://ns.adobe.com/tiff/1.0/}",
    "{http://ns.adobe.com/exif/1.0/aux/}",
)
#: XMP properties read as fallbacks for what EXIF lacks: our name → the XMP names, in order.
XMP_VALUES = {
    "date_created": ("{http://ns.adobe.com/photoshop/1.0/}DateCreated",),
    "make": (f"{_TIFF}Make",),
    "model": (f"{_TIFF}Model",),
    "lens": (f"{_AUX}Lens", "{http://cipa.jp/exif/1.0/}LensModel", f"{_EXIF}LensModel"),
    "exposure_time": (f"{_EXIF}ExposureTime",),
    "f_number": (f"{_EXIF}FNumber",),
    "iso": (f"{_EXIF}ISOSpeedRatings", f"{_EXIF}PhotographicSensitivity"),
    "focal_length": (f"{_EXIF}FocalLength",),
    "gps_latitude": (f"{_EXIF}GPSLatitude",),
    "gps_longitude": (f"{_EXIF}GPSLongitude",),
    "gps_altitude": (f"{_EXIF}GPSAltitude",),
    "gps_altitude_ref": (f"{_EXIF}GPSAltitudeRef",),
    "orientation": (f"{_TIFF}Orientation",),
}
# Control characters XML 1.0 forbids; some writers leave them in XMP (a NUL pad, a stray \x1f).
_XML_CONTROL = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_IPTC_BYLINE, _IPTC_CAPTION, _IPTC_KEYWORDS, _IPTC_COPYRIGHT = (2, 80), (2, 120), (2, 25), (2, 116)
_IPTC_DATE, _IPTC_TIME, _IPTC_CHARSET = (2, 55), (2, 60), (1, 90)
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


def iptc_datasets(data: bytes) -> dict[tuple[int, int], list[bytes]]:
    """Parse an IPTC-IIM stream into (record, dataset) → values, stopping at the first broken tag."""
    found: dict[tuple[int, int], list[bytes]] = {}
    at = 0
    while at + 5 <= len(data):
        if data[at] != 0x1C:
            at += 1  # padding between datasets
            continue
        record, dataset, length = (
            data[at + 1],
            data[at + 2],
            struct.unpack(">H", data[at + 3 : at + 5])[0],
        )
        at += 5
        if length & 0x8000:  # extended length: the next (length & 0x7FFF) bytes hold the size
            count = length & 0x7FFF
            if count > 4:
                break
            length = int.from_bytes(data[at : at + count], "big")
            at += count
        found.setdefault((record, dataset), []).append(data[at : at + length])
        at += length
    return found


def read_iptc(data: bytes, meta: PhotoMetadata) -> None:
    """Read IPTC By-line, Caption, Keywords, Copyright and date by the declared character set."""
    if not data:
        return
    try:
        info = iptc_datasets(data)
    except (IndexError, struct.error) as exc:
        meta.warnings.append(f"IPTC block unreadable: {exc!r}"[:300])
        return
    charset = (info.get(_IPTC_CHARSET) or [b""])[0]
    encoding = "utf-8" if b"%G" in charset else None
    chinese = meta.has_chinese_text()

    def texts(key: tuple[int, int]) -> list[str]:
        return [t for t in (decode_text(r, encoding, chinese) for r in info.get(key, []) if r) if t]

    meta.iptc_byline = texts(_IPTC_BYLINE)
    meta.iptc_caption = "\n".join(texts(_IPTC_CAPTION))
    meta.iptc_keywords = texts(_IPTC_KEYWORDS)
    meta.iptc_copyright = " ".join(texts(_IPTC_COPYRIGHT))
    date, time = texts(_IPTC_DATE)[:1], texts(_IPTC_TIME)[:1]
    if date:
        meta.iptc_date = _iptc_date(date[0], time[0] if time else "")
    for key, name in _IPTC_NAMES.items():
        if values := texts(key):
            meta.tags[f"IPTC {name}"] = "; ".join(values)[:MAX_TAG_TEXT]


def _iptc_date(date: str, time: str) -> str:
    """Join IPTC DateCreated ("20071119") and TimeCreated ("110315-0600") as an ISO 8601 date."""
    match = re.fullmatch(r"(\d{4})(\d{2})(\d{2})", date.strip())
    if not match:
        return ""
    text = "-".join(match.groups())
    clock = re.fullmatch(r"(\d{2})(\d{2})(\d{2})([+-]\d{4})?", time.strip())
    if clock:
        text += "T{}:{}:{}".format(*clock.groups()[:3])
    return text


def read_xmp(packet: bytes, meta: PhotoMetadata) -> None:
    """Read dc:creator, dc:description, dc:rights, dc:subject, and the values kept as fallbacks."""
    if not packet:
        return
    if len(packet) > _MAX_XMP:
        meta.warnings.append(f"XMP packet of {len(packet)} bytes ignored (too large)")
        return
    start = packet.find(b"<x:xmpmeta")
    end = packet.rfind(b"</x:xmpmeta>")
    if start >= 0 and end > start:
        packet = packet[start : end + len(b"</x:xmpmeta>")]
    elif (rdf := packet.find(b"<rdf:RDF")) >= 0:
        packet = packet[rdf : packet.rfind(b"</rdf:RDF>") + len(b"</rdf:RDF>")]
    packet = _XML_CONTROL.sub(b"", packet)
    try:
        root = ET.fromstring(packet.decode("utf-8", errors="replace"))
    except ET.ParseError as exc:
        meta.warnings.append(f"XMP unreadable: {exc}"[:300])
        return
    meta.has_xmp = True
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
            meta.tags[f"XMP dc:{name}"] = value[:MAX_TAG_TEXT]
    attributes: dict[str, str] = {}
    for description in root.iter(f"{{{_NS['rdf']}}}Description"):
        for key, value in description.attrib.items():
            attributes.setdefault(key, value)
    for element in root.iter():
        if len(element) == 0 and element.text and element.text.strip():
            attributes.setdefault(element.tag, element.text.strip())
        elif element.tag.startswith(_EXIF) or element.tag.startswith(_TIFF):
            # An array (exif:ISOSpeedRatings as rdf:Seq): its first item.
            first = next((li.text for li in element.iter(f"{{{_NS['rdf']}}}li") if li.text), "")
            if first.strip():
                attributes.setdefault(element.tag, first.strip())
    for name, keys in XMP_VALUES.items():
        value = next((attributes[k] for k in keys if attributes.get(k)), "")
        if value:
            meta.xmp_values[name] = value[:MAX_TAG_TEXT]


def _xmp_list(root: ET.Element, name: str) -> list[str]:
    """Return the items of an XMP array property such as dc:creator (rdf:Seq) or dc:subject (rdf:Bag)."""
    items: list[str] = []
    for prop in root.iter(f"{{{_NS['dc']}}}{name}"):
        items += [li.text.strip() for li in prop.iter(f"{{{_NS['rdf']}}}li") if li.text]
        if not len(prop) and prop.text and prop.text.strip():
            items.append(prop.text.strip())
    for description in root.iter(f"{{{_NS['rdf']}}}Description"):
        value = description.get(f"{{{_NS['dc']}}}{name}")  # written as an attribute
        if value and value.strip():
            items.append(value.strip())
    return [i for i in items if i]


def _xmp_alt(root: ET.Element, name: str) -> str:
    """Return a language alternative (rdf:Alt) in its default language, else the first one."""
    for prop in root.iter(f"{{{_NS['dc']}}}{name}"):
        items = [li for li in prop.iter(f"{{{_NS['rdf']}}}li") if li.text and li.text.strip()]
        default = [li for li in items if li.get(f"{{{_NS['xml']}}}lang") == "x-default"]
        if default or items:
            return (default or items)[0].text.strip()
        if prop.text and prop.text.strip():
            return prop.text.strip()
    for description in root.iter(f"{{{_NS['rdf']}}}Description"):
        value = description.get(f"{{{_NS['dc']}}}{name}")
        if value and value.strip():
            return value.strip()
    return ""
