"""Real image files for tests, made with Pillow: EXIF, GPS, XP, IPTC, XMP, orientations, formats."""

from __future__ import annotations

import io
import struct
from pathlib import Path
from typing import Any

from PIL import Image

from gallery.images import encode_exif

# Colours of the four quadrants of an upright test picture: top-left, top-right, bottom-left, bottom-right.
QUADRANTS = {"tl": (220, 30, 30), "tr": (30, 200, 30), "bl": (30, 30, 220), "br": (230, 220, 30)}

# The transposition that turns an upright picture into what a camera stores with each orientation.
_STORE_AS = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_90,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_270,
}


def upright(size: tuple[int, int] = (300, 200)) -> Image.Image:
    """Return a picture whose four quadrants have the colours of QUADRANTS."""
    width, height = size
    im = Image.new("RGB", size)
    im.paste(QUADRANTS["tl"], (0, 0, width // 2, height // 2))
    im.paste(QUADRANTS["tr"], (width // 2, 0, width, height // 2))
    im.paste(QUADRANTS["bl"], (0, height // 2, width // 2, height))
    im.paste(QUADRANTS["br"], (width // 2, height // 2, width, height))
    return im


def stored_for(orientation: int, size: tuple[int, int] = (300, 200)) -> Image.Image:
    """Return the pixels a camera stores for an upright picture shot with ``orientation``."""
    im = upright(size)
    op = _STORE_AS.get(orientation)
    return im.transpose(op) if op is not None else im  # FLIP_LEFT_RIGHT is 0


def quadrant_colours(im: Image.Image) -> dict[str, tuple[int, int, int]]:
    """Return the colour at the centre of each quadrant of ``im``."""
    im = im.convert("RGB")
    width, height = im.size
    return {
        "tl": im.getpixel((width // 4, height // 4)),
        "tr": im.getpixel((3 * width // 4, height // 4)),
        "bl": im.getpixel((width // 4, 3 * height // 4)),
        "br": im.getpixel((3 * width // 4, 3 * height // 4)),
    }


def close(a: tuple[int, ...], b: tuple[int, ...], tolerance: int = 40) -> bool:
    """Tell whether two colours are alike, allowing for JPEG loss."""
    return all(abs(x - y) <= tolerance for x, y in zip(a, b, strict=True))


def iptc_block(fields: list[tuple[int, int, bytes]]) -> bytes:
    """Encode IPTC datasets (record, dataset, value) as an IPTC-IIM block."""
    return b"".join(
        b"\x1c" + bytes([record, dataset]) + struct.pack(">H", len(value)) + value
        for record, dataset, value in fields
    )


def resource(rid: int, data: bytes) -> bytes:
    """Encode one Photoshop image resource ("8BIM", id, empty name, size, data padded to even)."""
    pad = b"\x00" if len(data) % 2 else b""
    return (
        b"8BIM" + struct.pack(">H", rid) + b"\x00\x00" + struct.pack(">I", len(data)) + data + pad
    )


def with_segments(jpeg: bytes, segments: list[tuple[int, bytes]]) -> bytes:
    """Insert APPn segments (marker byte, payload) right after the JPEG's SOI marker."""
    encoded = b"".join(
        bytes([0xFF, marker]) + struct.pack(">H", len(payload) + 2) + payload
        for marker, payload in segments
    )
    return jpeg[:2] + encoded + jpeg[2:]


def with_iptc(
    jpeg: bytes, fields: list[tuple[int, int, bytes]], digest: bytes | None = None, parts: int = 1
) -> bytes:
    """Insert APP13 Photoshop segments carrying IPTC datasets (and a 0x0425 digest) after SOI.

    With ``parts`` > 1 the resources are cut into that many APP13 segments, as large blocks are.
    """
    resources = resource(0x0404, iptc_block(fields))
    if digest is not None:
        resources += resource(0x0425, digest)
    size = -(-len(resources) // parts)
    chunks = [resources[i : i + size] for i in range(0, len(resources), size)]
    return with_segments(jpeg, [(0xED, b"Photoshop 3.0\x00" + chunk) for chunk in chunks])


def xmp_packet(
    creator: list[str] = (),
    description: str = "",
    rights: str = "",
    subject: list[str] = (),
    extra: str = "",
) -> bytes:
    """Return an XMP packet with Dublin Core fields as Lightroom writes them."""

    def seq(tag: str, kind: str, items: list[str]) -> str:
        lis = "".join(f"<rdf:li>{i}</rdf:li>" for i in items)
        return f"<dc:{tag}><rdf:{kind}>{lis}</rdf:{kind}></dc:{tag}>" if items else ""

    def alt(tag: str, text: str) -> str:
        li = f'<rdf:li xml:lang="x-default">{text}</rdf:li>'
        return f"<dc:{tag}><rdf:Alt>{li}</rdf:Alt></dc:{tag}>" if text else ""

    body = (
        seq("creator", "Seq", list(creator))
        + alt("description", description)
        + alt("rights", rights)
        + seq("subject", "Bag", list(subject))
    )
    return (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
        'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:exif="http://ns.adobe.com/exif/1.0/" '
        'xmlns:tiff="http://ns.adobe.com/tiff/1.0/" '
        'xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/" '
        'xmlns:aux="http://ns.adobe.com/exif/1.0/aux/">'
        f'<rdf:Description rdf:about="" {extra}>{body}</rdf:Description>'
        '</rdf:RDF></x:xmpmeta><?xpacket end="w"?>'
    ).encode()


def encode(
    im: Image.Image,
    fmt: str = "JPEG",
    tags: dict[str, Any] | None = None,
    xmp: bytes | None = None,
    **params: Any,
) -> bytes:
    """Encode ``im`` in ``fmt`` with EXIF ``tags`` and an XMP packet."""
    from gallery.images import _register_heif

    _register_heif()
    out = io.BytesIO()
    if tags:
        params["exif"] = encode_exif(tags)
    if xmp:
        params["xmp"] = xmp
    if fmt in ("JPEG", "WEBP", "AVIF", "HEIF"):
        params.setdefault("quality", 92)
    im.save(out, fmt, **params)
    return out.getvalue()


def write(path: Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` and return the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def photo(path: Path, tags: dict[str, Any] | None = None, size=(320, 240), seed: int = 0) -> Path:
    """Write a small distinct JPEG carrying EXIF ``tags`` (distinct per seed, so never a duplicate)."""
    im = upright(size)
    im.paste((seed * 53 % 256, seed * 97 % 256, seed // 256 % 256), (0, 0, 16, 16))
    # A colour step of one survives JPEG only sometimes: the seed's bits as black and white blocks
    # keep two seeds apart whatever the encoder rounds.
    for bit in range(16):
        x, y = bit % 4 * 4, bit // 4 * 4
        im.paste((255, 255, 255) if seed >> bit & 1 else (0, 0, 0), (x, y, x + 4, y + 4))
    return write(path, encode(im, tags=tags))


def dng(
    preview: Image.Image, raw_size=(128, 96), make="Canon", model="EOS R6", orientation=1
) -> bytes:
    """Return a minimal but real DNG: an RGB preview in IFD0 and a 16-bit Bayer image in a SubIFD."""
    short, long_, ascii_, byte, srational = 3, 4, 2, 1, 10
    pixels = preview.convert("RGB").tobytes()
    width, height = raw_size
    bayer = b"".join(
        struct.pack("<H", (x * 97 + y * 31) % 4096) for y in range(height) for x in range(width)
    )
    blobs = {
        "bps": struct.pack("<HHH", 8, 8, 8),
        "make": make.encode() + b"\0",
        "model": model.encode() + b"\0",
        "ucm": f"{make} {model}".encode() + b"\0",
        "cm": b"".join(
            struct.pack("<ii", v, 10000) for v in (10000, 0, 0, 0, 10000, 0, 0, 0, 10000)
        ),
        "pix": pixels,
        "raw": bayer,
    }

    def s(*values: int) -> bytes:
        return struct.pack("<" + "H" * len(values), *values).ljust(4, b"\0")

    def n(value: int) -> bytes:
        return struct.pack("<I", value)

    def ifd(entries: list[tuple[int, int, int, bytes]]) -> bytes:
        body = b"".join(struct.pack("<HHI", *e[:3]) + e[3] for e in sorted(entries))
        return struct.pack("<H", len(entries)) + body + n(0)

    def tables(at: dict[str, int]) -> tuple[bytes, bytes]:
        ifd0 = [
            (254, long_, 1, n(1)),
            (256, long_, 1, n(preview.width)),
            (257, long_, 1, n(preview.height)),
            (258, short, 3, n(at["bps"])),
            (259, short, 1, s(1)),
            (262, short, 1, s(2)),
            (271, ascii_, len(blobs["make"]), n(at["make"])),
            (272, ascii_, len(blobs["model"]), n(at["model"])),
            (273, long_, 1, n(at["pix"])),
            (274, short, 1, s(orientation)),
            (277, short, 1, s(3)),
            (278, long_, 1, n(preview.height)),
            (279, long_, 1, n(len(pixels))),
            (330, long_, 1, n(at["sub"])),
            (50706, byte, 4, bytes([1, 4, 0, 0])),
            (50708, ascii_, len(blobs["ucm"]), n(at["ucm"])),
            (50721, srational, 9, n(at["cm"])),
            (50778, short, 1, s(21)),
        ]
        sub = [
            (254, long_, 1, n(0)),
            (256, long_, 1, n(width)),
            (257, long_, 1, n(height)),
            (258, short, 1, s(16)),
            (259, short, 1, s(1)),
            (262, short, 1, s(32803)),
            (273, long_, 1, n(at["raw"])),
            (277, short, 1, s(1)),
            (278, long_, 1, n(height)),
            (279, long_, 1, n(len(bayer))),
            (33421, short, 2, s(2, 2)),
            (33422, byte, 4, bytes([0, 1, 1, 2])),
        ]
        return ifd(ifd0), ifd(sub)

    first, second = tables(dict.fromkeys([*blobs, "sub"], 0))
    at = {"sub": 8 + len(first)}
    position, data = at["sub"] + len(second), b""
    for key, blob in blobs.items():
        if position % 2:
            data, position = data + b"\0", position + 1
        at[key] = position
        data, position = data + blob, position + len(blob)
    first, second = tables(at)
    return b"II*\0" + n(8) + first + second + data


def psd(im: Image.Image, resources: bytes = b"") -> bytes:
    """Encode an RGB picture as a flat Photoshop file (raw planes) with the given image resources."""
    width, height = im.size
    header = b"8BPS" + struct.pack(">H6xHIIHH", 1, 3, height, width, 8, 3)
    planes = b"".join(band.tobytes() for band in im.convert("RGB").split())
    return (
        header
        + struct.pack(">I", 0)  # colour mode data
        + struct.pack(">I", len(resources))
        + resources
        + struct.pack(">I", 0)  # layers and masks
        + struct.pack(">H", 0)  # raw image data
        + planes
    )


def with_jp2_uuids(jp2: bytes, exif: bytes = b"", xmp: bytes = b"") -> bytes:
    """Insert EXIF and XMP ``uuid`` boxes before the codestream of a JPEG 2000 file."""
    boxes = b""
    for uuid, body in (
        ("4a706754696666457869662d3e4a5032", exif),
        ("be7acfcb97a942e89c71999491e3afac", xmp),
    ):
        if body:
            boxes += struct.pack(">I", 8 + 16 + len(body)) + b"uuid" + bytes.fromhex(uuid) + body
    at = jp2.index(b"jp2c") - 4
    return jp2[:at] + boxes + jp2[at:]
