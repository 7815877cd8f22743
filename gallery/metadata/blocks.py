"""IPTC-IIM (through Pillow) and XMP (through ElementTree): captions, creators, keywords, rights."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import TYPE_CHECKING

from PIL import Image, IptcImagePlugin

from gallery.metadata.values import MAX_TAG_TEXT, OFFSET, decode_text, parse_date, parse_offset

if TYPE_CHECKING:
    from gallery.metadata import PhotoMetadata

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


def read_iptc(im: Image.Image, meta: PhotoMetadata) -> None:
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
            meta.tags[f"IPTC {name}"] = "; ".join(values)[:MAX_TAG_TEXT]


def xmp_packet(im: Image.Image) -> bytes:
    """Return the XMP packet Pillow found in the file (JPEG, PNG, WebP, TIFF, HEIF), or b""."""
    packet = im.info.get("xmp") or im.info.get("XML:com.adobe.xmp") or b""
    if not packet and hasattr(im, "tag_v2"):
        packet = im.tag_v2.get(700, b"")
    if isinstance(packet, str):
        packet = packet.encode("utf-8")
    return packet if isinstance(packet, bytes) else b""


def read_xmp(packet: bytes, meta: PhotoMetadata) -> None:
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
            meta.tags[f"XMP dc:{name}"] = value[:MAX_TAG_TEXT]
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
            taken = parse_date(text)
        except ValueError:
            taken = None
        if taken is None:
            continue
        meta.taken_local = taken
        offset = OFFSET.search(text[19:]) if len(text) > 19 else None
        meta.taken_offset = parse_offset(offset.group(0)) if offset else None
        return
