"""Find the metadata blocks where each format keeps them: EXIF, XMP and IPTC bytes, before any parsing.

JPEG may split EXIF over several APP1 segments and IPTC over several APP13 ones: they are joined. PSD
keeps them as image resources, JPEG 2000 in ``uuid`` boxes, PNG in ``eXIf`` and in ImageMagick's "Raw
profile type" text chunks, TIFF in its own tags. Formats read by a Pillow plugin (WebP, HEIF, AVIF)
give what Pillow found.
"""

from __future__ import annotations

import hashlib
import re
import struct
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image

_MAX_BLOCK = 8 << 20  # no metadata block of a photo is this large; bigger is hostile or broken
_XMP_STANDARD = b"http://ns.adobe.com/xap/1.0/\x00"
_JP2_UUIDS = {
    bytes.fromhex("4a706754696666457869662d3e4a5032"): "exif",  # "JpgTiffExif->JP2"
    bytes.fromhex("be7acfcb97a942e89c71999491e3afac"): "xmp",
    bytes.fromhex("33c7a4d2b81d4723a0baf1a3e097ad38"): "iptc",
}
_PSD_EXIF, _PSD_IPTC, _PSD_XMP, _PSD_DIGEST = 0x0422, 0x0404, 0x0424, 0x0425


@dataclass
class Blocks:
    """The raw metadata of one file: EXIF as a TIFF structure, the XMP packet, the IPTC-IIM stream."""

    exif: bytes = b""
    xmp: bytes = b""
    iptc: bytes = b""
    #: The MD5 Photoshop stored of the IPTC it wrote (resource 0x0425), to tell a stale IPTC block.
    iptc_digest: bytes = b""
    #: Make and model from a Canon CIFF heap (the APP0 block of early PowerShot JPEGs).
    ciff_make_model: tuple[str, str] = ("", "")
    warnings: list[str] = field(default_factory=list)

    def iptc_is_stale(self) -> bool:
        """Tell whether software unaware of XMP changed IPTC after the last XMP-aware save."""
        return bool(self.iptc and self.iptc_digest) and (
            hashlib.md5(self.iptc).digest() != self.iptc_digest
        )


def read_blocks(path: Path, im: Image.Image) -> Blocks:
    """Return the metadata blocks of the file at ``path`` (opened by Pillow as ``im``)."""
    blocks = Blocks()
    with path.open("rb") as f:
        head = f.read(16)
    fmt = im.format or ""
    try:
        if head.startswith(b"\xff\xd8"):
            _jpeg(path, blocks)
        elif head.startswith(b"\x89PNG"):
            _png(path, blocks)
        elif head.startswith(b"8BPS"):
            _psd(path, blocks)
        elif head[4:8] == b"jP  " or fmt == "JPEG2000":
            _jp2(path, blocks)
    except (OSError, ValueError, struct.error, zlib.error) as exc:
        blocks.warnings.append(f"metadata blocks unreadable: {exc}"[:300])
    if head[:4] in (b"II*\x00", b"MM\x00*") and hasattr(im, "tag_v2"):
        _tiff(im, blocks)
    if not blocks.exif:
        exif = im.info.get("exif")
        if isinstance(exif, bytes):
            blocks.exif = exif[6:] if exif.startswith(b"Exif\x00\x00") else exif
    if not blocks.xmp:
        packet = im.info.get("xmp") or im.info.get("XML:com.adobe.xmp") or b""
        blocks.xmp = packet.encode("utf-8") if isinstance(packet, str) else packet
    return blocks


def _jpeg(path: Path, blocks: Blocks) -> None:
    """Walk a JPEG's segments up to the image data, joining split EXIF and IPTC."""
    exif: list[bytes] = []
    photoshop: list[bytes] = []
    with path.open("rb") as f:
        f.seek(2)
        while True:
            marker = f.read(2)
            if len(marker) < 2 or marker[0] != 0xFF:
                break
            kind = marker[1]
            if kind == 0xFF:  # fill byte before a marker
                f.seek(-1, 1)
                continue
            if kind in (0xD9, 0xDA):  # end of image, start of scan: metadata ends here
                break
            if 0xD0 <= kind <= 0xD7 or kind == 0x01:
                continue
            (length,) = struct.unpack(">H", f.read(2) or b"\x00\x00")
            data = f.read(max(0, length - 2))
            if kind == 0xE1 and data.startswith(b"Exif\x00"):
                exif.append(data[6:])
            elif kind == 0xE1 and data.startswith(_XMP_STANDARD) and not blocks.xmp:
                blocks.xmp = data[len(_XMP_STANDARD) :]
            elif kind == 0xED and data.startswith(b"Photoshop 3.0\x00"):
                photoshop.append(data[14:])
            elif kind == 0xE0 and data[6:14] == b"HEAPJPGM":
                blocks.ciff_make_model = _ciff_make_model(data)
    blocks.exif = b"".join(exif)[:_MAX_BLOCK]
    if photoshop:
        _resources(b"".join(photoshop), blocks)


def _ciff_make_model(data: bytes) -> tuple[str, str]:
    """Return the make and model of a Canon CIFF heap (record 0x080A, "Canon\\0Canon PowerShot A5")."""
    order = "<" if data[:2] == b"II" else ">"
    (header,) = struct.unpack(order + "I", data[2:6])
    found = _ciff_find(data[header:], order, 0x080A, depth=0)
    make, _, rest = found.partition(b"\x00")
    model = rest.split(b"\x00", 1)[0]
    return make.decode("latin-1").strip(), model.decode("latin-1").strip()


def _ciff_find(heap: bytes, order: str, wanted: int, depth: int) -> bytes:
    """Find a record's data in a CIFF heap, descending into sub-heaps."""
    if len(heap) < 6 or depth > 4:
        return b""
    (table,) = struct.unpack(order + "I", heap[-4:])
    if table + 2 > len(heap):
        return b""
    (count,) = struct.unpack(order + "H", heap[table : table + 2])
    for i in range(min(count, 256)):
        at = table + 2 + 10 * i
        if at + 10 > len(heap):
            break
        tag, size, offset = struct.unpack(order + "HII", heap[at : at + 10])
        if tag & 0xC000:  # data held in the record itself: never a make or a sub-heap
            continue
        if tag & 0x3FFF == wanted:
            return heap[offset : offset + size]
        if tag & 0x3800 in (0x2800, 0x3000):
            found = _ciff_find(heap[offset : offset + size], order, wanted, depth + 1)
            if found:
                return found
    return b""


def _resources(data: bytes, blocks: Blocks) -> None:
    """Read Photoshop image resources ("8BIM" blocks): IPTC, its digest, and EXIF and XMP in PSD."""
    iptc: list[bytes] = []
    at = 0
    while at + 12 <= len(data):
        if data[at : at + 4] != b"8BIM":
            # A segment boundary may cut a resource: the rest continues in the next segment.
            found = data.find(b"8BIM", at + 1)
            if found < 0:
                break
            at = found
            continue
        (rid,) = struct.unpack(">H", data[at + 4 : at + 6])
        name_len = data[at + 6]
        at += 6 + 1 + name_len + (1 - name_len % 2)  # Pascal name padded to an even length
        if at + 4 > len(data):
            break
        (size,) = struct.unpack(">I", data[at : at + 4])
        body = data[at + 4 : at + 4 + size]
        at += 4 + size + size % 2
        if rid == _PSD_IPTC:
            iptc.append(body)
        elif rid == _PSD_DIGEST:
            blocks.iptc_digest = body[:16]
        elif rid == _PSD_EXIF and not blocks.exif:
            blocks.exif = body
        elif rid == _PSD_XMP and not blocks.xmp:
            blocks.xmp = body
    if iptc:
        blocks.iptc = b"".join(iptc)


def _png(path: Path, blocks: Blocks) -> None:
    """Read PNG's eXIf and iTXt XMP chunks, and ImageMagick's "Raw profile type" text chunks."""
    with path.open("rb") as f:
        f.seek(8)
        while True:
            header = f.read(8)
            if len(header) < 8:
                break
            length, kind = struct.unpack(">I4s", header)
            if kind == b"IDAT" or kind == b"IEND" or length > _MAX_BLOCK:
                if kind == b"IDAT":
                    f.seek(length + 4, 1)
                    continue
                break
            data = f.read(length)
            f.seek(4, 1)  # CRC
            if kind == b"eXIf" and not blocks.exif:
                blocks.exif = data[6:] if data.startswith(b"Exif\x00\x00") else data
            elif kind in (b"tEXt", b"zTXt", b"iTXt"):
                _png_text(kind, data, blocks)


def _png_text(kind: bytes, data: bytes, blocks: Blocks) -> None:
    """Read one PNG text chunk that carries XMP or a hex-encoded ImageMagick raw profile."""
    keyword, _, rest = data.partition(b"\x00")
    if kind == b"zTXt":
        text = zlib.decompress(rest[1:])
    elif kind == b"iTXt":
        compressed = rest[:1] == b"\x01"
        rest = rest[2:]
        _, _, rest = rest.partition(b"\x00")  # language tag
        _, _, rest = rest.partition(b"\x00")  # translated keyword
        text = zlib.decompress(rest) if compressed else rest
    else:
        text = rest
    if keyword == b"XML:com.adobe.xmp":
        blocks.xmp = blocks.xmp or text
        return
    match = re.fullmatch(rb"Raw profile type (\w+)", keyword)
    if not match:
        return
    profile = _raw_profile(text)
    name = match.group(1).lower()
    if name in (b"exif", b"app1") and profile and not blocks.exif:
        blocks.exif = profile[6:] if profile.startswith(b"Exif\x00\x00") else profile
    elif name == b"xmp" and not blocks.xmp:
        blocks.xmp = profile
    elif name == b"iptc" and not blocks.iptc:
        # ImageMagick stores the Photoshop resources or the bare IPTC stream.
        if b"8BIM" in profile[:64]:
            _resources(profile[profile.find(b"8BIM") :], blocks)
        else:
            blocks.iptc = profile


def _raw_profile(text: bytes) -> bytes:
    """Decode ImageMagick's raw profile text: a name line, a byte count, then hex digits."""
    lines = text.strip().split(b"\n", 2)
    if len(lines) < 3:
        return b""
    try:
        count = int(lines[1].strip())
        return bytes.fromhex(re.sub(rb"\s+", b"", lines[2]).decode("ascii"))[:count]
    except ValueError:
        return b""


def _psd(path: Path, blocks: Blocks) -> None:
    """Read a Photoshop file's image resources section."""
    with path.open("rb") as f:
        f.seek(26)
        (mode_len,) = struct.unpack(">I", f.read(4))
        f.seek(mode_len, 1)
        (size,) = struct.unpack(">I", f.read(4))
        if size <= _MAX_BLOCK * 4:
            _resources(f.read(size), blocks)


def _jp2(path: Path, blocks: Blocks) -> None:
    """Read the top-level ``uuid`` boxes of a JPEG 2000 file (EXIF, XMP, IPTC)."""
    with path.open("rb") as f:
        while True:
            header = f.read(8)
            if len(header) < 8:
                break
            length, kind = struct.unpack(">I4s", header)
            body = length - 8
            if length == 1:
                (length,) = struct.unpack(">Q", f.read(8))
                body = length - 16
            elif length == 0:
                body = _MAX_BLOCK
            if kind == b"jp2c" and length == 0:
                break  # the codestream runs to the end of the file
            if kind == b"uuid" and 16 <= body <= _MAX_BLOCK:
                data = f.read(body)
                what = _JP2_UUIDS.get(data[:16])
                value = data[16:]
                if what == "exif" and not blocks.exif:
                    blocks.exif = value[6:] if value.startswith(b"Exif\x00\x00") else value
                elif what == "xmp" and not blocks.xmp:
                    blocks.xmp = value
                elif what == "iptc" and not blocks.iptc:
                    blocks.iptc = value
            else:
                f.seek(max(0, body), 1)


def _tiff(im: Image.Image, blocks: Blocks) -> None:
    """Read XMP (tag 700), IPTC (33723) and Photoshop resources (34377) from a TIFF's first IFD."""
    tags = im.tag_v2
    xmp = tags.get(700)
    if isinstance(xmp, bytes) and not blocks.xmp:
        blocks.xmp = xmp
    photoshop = tags.get(34377)
    if isinstance(photoshop, bytes):
        _resources(photoshop, blocks)
    # Photoshop types the IPTC tag as 4-byte integers: the raw bytes are the stream.
    iptc = getattr(tags, "_tagdata", {}).get(33723)
    if iptc is None and isinstance(tags.get(33723), bytes):
        iptc = tags.get(33723)
    if isinstance(iptc, bytes) and iptc and not blocks.iptc:
        blocks.iptc = iptc
