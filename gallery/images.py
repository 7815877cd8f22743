"""Pixels, with Pillow only: recognise and check an image by its content, and make its derivatives.

Derivatives come from one decode: JPEG's ``draft()`` lets libjpeg scale by 1/2, 1/4 or 1/8 while
decoding, so a 24 MP photo is never held at full size; the sizes then cascade from large to small
(bicubic with a reducing gap, as Pillow's own thumbnail()), orientation is applied to each small result
(rotating first costs 5x), and colour is converted to sRGB on the first reduced image.
"""

from __future__ import annotations

import functools
import io
import random
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PIL import Image, ImageCms, ImageDraw, UnidentifiedImageError

from gallery.errors import RejectedFile

#: Pillow format → (stored extension, MIME type) of the formats we archive.
FORMATS: dict[str, tuple[str, str]] = {
    "JPEG": ("jpg", "image/jpeg"),
    "MPO": ("jpg", "image/jpeg"),
    "PNG": ("png", "image/png"),
    "TIFF": ("tif", "image/tiff"),
    "WEBP": ("webp", "image/webp"),
    "HEIF": ("heic", "image/heic"),
    "AVIF": ("avif", "image/avif"),
}

# Orientation tag value → the transposition that shows the photo upright (as ImageOps.exif_transpose).
_TRANSPOSE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


# Leading bytes of files that may be camera RAW. TIFF-based RAW (DNG, NEF, CR2, ARW, PEF, ...) shares
# TIFF's, so LibRaw decides; it refuses an ordinary TIFF, which Pillow then reads.
_RAW_MAGIC = (b"II*\x00", b"MM\x00*", b"IIRO", b"IIRS", b"MMOR", b"IIU\x00", b"FUJIFILM")
RAW_EXTENSIONS = {
    "3fr",
    "arw",
    "cr2",
    "cr3",
    "crw",
    "dcr",
    "dng",
    "erf",
    "iiq",
    "k25",
    "kdc",
    "mef",
    "mos",
    "mrw",
    "nef",
    "nrw",
    "orf",
    "pef",
    "raf",
    "raw",
    "rw2",
    "rwl",
    "sr2",
    "srf",
    "srw",
    "x3f",
}


@dataclass(frozen=True)
class Derivative:
    """One encoded derivative: JPEG bytes and the size they show."""

    data: bytes
    width: int
    height: int


@functools.cache
def _register_heif() -> None:
    """Teach Pillow HEIC through pillow-heif, once; Pillow reads AVIF itself."""
    import pillow_heif

    pillow_heif.register_heif_opener()


def open_image(path: Path, max_pixels: int) -> Image.Image:
    """Open ``path`` by its content and check it is a supported image no larger than ``max_pixels``.

    Only the header is read; pixels are decoded later. Raises :class:`RejectedFile` with the reason.
    """
    _register_heif()
    if path.stat().st_size == 0:
        raise RejectedFile("empty_file")
    raw = _open_raw(path, max_pixels)
    if raw is not None:
        return raw
    # Pillow refuses outright above twice its limit; make that limit ours so ours is the one applied.
    Image.MAX_IMAGE_PIXELS = max_pixels
    try:
        with warnings.catch_warnings():
            # Our own pixel limit below decides, and metadata problems are reported as warnings on
            # the photo by the metadata reader; Pillow's own warnings would only be noise.
            warnings.simplefilter("ignore")
            im = Image.open(path)
    except UnidentifiedImageError:
        raise RejectedFile("not_an_image") from None
    except Image.DecompressionBombError as exc:
        raise RejectedFile("too_many_pixels", str(exc)) from None
    except (OSError, SyntaxError, ValueError) as exc:
        raise RejectedFile("unreadable_image", str(exc)) from None
    if im.format not in FORMATS:
        im.close()
        supported = ", ".join(sorted({f for f in FORMATS if f != "MPO"}))
        raise RejectedFile("unsupported_format", f"{im.format} (supported: {supported})")
    width, height = im.size
    if width * height > max_pixels:
        im.close()
        raise RejectedFile(
            "too_many_pixels",
            f"{width}×{height} = {width * height / 1e6:.0f} MP, limit {max_pixels / 1e6:.0f} MP",
        )
    return im


def _open_raw(path: Path, max_pixels: int) -> Image.Image | None:
    """Open a camera RAW file as its embedded preview (LibRaw through rawpy); None if not RAW.

    The preview is what the camera rendered itself; it stands in for the RAW's pixels, while the size
    reported is the RAW's own. The stored extension is the client's when it names a RAW format.
    """
    with path.open("rb") as f:
        head = f.read(16)
    if not (head.startswith(_RAW_MAGIC) or head[4:12] == b"ftypcrx "):
        return None
    import rawpy

    try:
        with rawpy.imread(str(path)) as raw:
            sizes = raw.sizes
            raw.unpack()  # reads the sensor data through: a truncated RAW fails here
            try:
                thumb = raw.extract_thumb()
            except (rawpy.LibRawNoThumbnailError, rawpy.LibRawUnsupportedThumbnailError):
                raise RejectedFile("raw_no_preview") from None
    except rawpy.LibRawFileUnsupportedError:
        return None  # an ordinary TIFF: Pillow reads it
    except rawpy.LibRawError as exc:
        reason = (
            exc.args[0].decode(errors="replace")
            if exc.args and isinstance(exc.args[0], bytes)
            else exc
        )
        raise RejectedFile("raw_damaged", str(reason)) from None
    if sizes.width * sizes.height > max_pixels:
        raise RejectedFile("too_many_pixels", f"{sizes.width}×{sizes.height}")
    if thumb.format == rawpy.ThumbFormat.JPEG:
        im = Image.open(io.BytesIO(thumb.data))
    else:
        im = Image.fromarray(thumb.data)
    ext = path.suffix.lower().lstrip(".")
    im.info["raw"] = {
        "ext": ext if ext in RAW_EXTENSIONS else "raw",
        "size": (sizes.width, sizes.height),
    }
    return im


def extension(im: Image.Image) -> str:
    """Return the extension an original in this image's format is stored with."""
    if "raw" in im.info:
        return im.info["raw"]["ext"]
    return FORMATS[im.format][0]


def applies_own_rotation(im: Image.Image) -> bool:
    """Tell whether the decoder already rotates this image (HEIF), so EXIF orientation must not."""
    return "original_orientation" in im.info


def displayed_size(im: Image.Image, orientation: int) -> tuple[int, int]:
    """Return the image's width and height as shown, after ``orientation`` is applied."""
    width, height = im.info["raw"]["size"] if "raw" in im.info else im.size
    if orientation in (5, 6, 7, 8) and not applies_own_rotation(im):
        return height, width
    return width, height


def decoded_bytes(im: Image.Image) -> int:
    """Return the bytes Pillow's full decode of ``im`` holds: pixels × bands × bytes per sample."""
    width, height = im.size
    sample = 2 if "16" in im.mode else 4 if im.mode in ("I", "F") else 1
    return width * height * len(im.getbands()) * sample


def _fit(size: tuple[int, int], long_edge: int) -> tuple[int, int]:
    """Scale ``size`` down so its long edge is at most ``long_edge``, keeping the aspect ratio."""
    width, height = size
    scale = min(1.0, long_edge / max(width, height))
    return max(1, round(width * scale)), max(1, round(height * scale))


def _flatten(im: Image.Image) -> Image.Image:
    """Return ``im`` in a mode JPEG can hold: transparency on white, 16-bit grey scaled to 8 bits."""
    if im.mode in ("RGB", "L", "CMYK"):
        return im
    if im.mode in ("I", "I;16", "I;16B", "I;16L", "I;16N"):
        return im.convert("I").point(lambda v: v * (1 / 256)).convert("L")
    if im.mode in ("RGBA", "LA", "PA", "P", "RGBa", "La") or "transparency" in im.info:
        rgba = im.convert("RGBA")
        flat = Image.new("RGB", rgba.size, "white")
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    return im.convert("RGB")


def _to_srgb(im: Image.Image, icc: bytes | None) -> Image.Image:
    """Return ``im`` as RGB (or L) in sRGB, converting through its embedded ICC profile."""
    if icc:
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            # Always convert: a profile's description is no proof of its contents.
            return ImageCms.profileToProfile(
                im, source, ImageCms.createProfile("sRGB"), outputMode="RGB"
            )
        except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
            pass  # A broken profile: show the pixels as they are rather than refuse the photo.
    return im if im.mode in ("RGB", "L") else im.convert("RGB")


def make_derivatives(
    im: Image.Image, sizes: dict[str, int], orientation: int, quality: int = 85
) -> dict[str, Derivative]:
    """Decode ``im`` once and return each named size (long edge, never upscaled) as upright JPEG.

    The output carries no metadata at all: no EXIF, no ICC profile, no comment.
    Raises :class:`RejectedFile` when the pixels cannot be decoded (truncated or corrupt data).
    """
    order = sorted(sizes.items(), key=lambda item: item[1], reverse=True)
    largest = _fit(im.size, order[0][1])
    icc = im.info.get("icc_profile")
    transpose = None if applies_own_rotation(im) else _TRANSPOSE.get(orientation)
    try:
        if im.format in ("JPEG", "MPO"):
            im.draft("RGB" if im.mode == "RGB" else None, largest)
        im.load()
    except Image.DecompressionBombError as exc:
        raise RejectedFile("too_many_pixels", str(exc)) from None
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        raise RejectedFile("truncated", str(exc)) from None
    current = _flatten(im)
    results: dict[str, Derivative] = {}
    for index, (name, edge) in enumerate(order):
        target = _fit(im.size, edge)
        if current.size != target:
            current = current.resize(target, Image.Resampling.BICUBIC, reducing_gap=2.0)
        if index == 0:
            # Convert colour on the first, already reduced, image rather than on the full decode.
            current = _to_srgb(current, icc)
        shown = current.transpose(transpose) if transpose is not None else current
        results[name] = Derivative(_encode_jpeg(shown, quality), *shown.size)
    return results


def _encode_jpeg(im: Image.Image, quality: int) -> bytes:
    """Encode ``im`` as a JPEG with no metadata."""
    bare = im.copy() if im.info else im
    bare.info = {}
    out = io.BytesIO()
    bare.save(out, "JPEG", quality=quality)
    return out.getvalue()


def _exif_ids() -> dict[str, tuple[int | None, int]]:
    """Map EXIF tag names to (sub-IFD pointer or None for IFD0, tag id)."""
    from PIL.ExifTags import GPSTAGS, IFD, TAGS

    ids: dict[str, tuple[int | None, int]] = {}
    for tag, name in TAGS.items():
        in_ifd0 = tag <= 0x8298 or 0x9C9B <= tag <= 0x9C9F  # up to Copyright, and the XP tags
        ids.setdefault(name, (None if in_ifd0 else IFD.Exif, tag))
    for tag, name in GPSTAGS.items():
        ids[name] = (IFD.GPSInfo, tag)
    return ids


def _exif_value(name: str, value: Any) -> Any:
    """Convert a plain value to what Pillow writes: rationals, UTF-16 XP text, UTF-8 bytes."""
    from fractions import Fraction

    from PIL.TiffImagePlugin import IFDRational

    if isinstance(value, float):
        fraction = Fraction(value).limit_denominator(1_000_000)
        return IFDRational(fraction.numerator, fraction.denominator)
    if isinstance(value, tuple) and any(isinstance(v, float) for v in value):
        return tuple(_exif_value(name, float(v)) for v in value)
    if isinstance(value, str) and name.startswith("XP"):
        return value.encode("utf-16-le") + b"\x00\x00"
    if isinstance(value, str) and not value.isascii():
        return value.encode("utf-8")
    return value


def encode_exif(tags: dict[str, Any]) -> bytes:
    """Encode EXIF tags given by name ("Make", "DateTimeOriginal", "GPSLatitude") as an EXIF block."""
    ids = _exif_ids()
    exif = Image.Exif()
    for name, value in tags.items():
        ifd, tag = ids[name]
        (exif.get_ifd(ifd) if ifd else exif)[tag] = _exif_value(name, value)
    return exif.tobytes()


def sample_photo(size: tuple[int, int], seed: int, tags: dict[str, Any] | None = None) -> bytes:
    """Render a landscape-like JPEG (sky, hills, sun, grain) carrying the given EXIF tags."""
    rng = random.Random(seed)
    width, height = size
    sky = Image.linear_gradient("L").resize(size).convert("RGB")
    tint = Image.new("RGB", size, (rng.randrange(60, 140), rng.randrange(110, 170), 235))
    im = Image.blend(sky, tint, 0.7)
    draw = ImageDraw.Draw(im)
    sun = rng.randrange(width // 10, width - width // 10), height // rng.randrange(4, 7)
    radius = max(2, min(size) // 12)
    draw.ellipse((sun[0] - radius, sun[1] - radius, sun[0] + radius, sun[1] + radius), "#fff3c4")
    for layer in range(3):
        base = height * (0.55 + 0.13 * layer)
        points = [(0, height)]
        for x in range(0, width + 1, max(1, width // 12)):
            points.append((x, base - rng.random() * height * 0.18))
        points.append((width, height))
        shade = 40 + 35 * layer
        draw.polygon(points, (shade // 2, shade + rng.randrange(20), shade // 3))
    grain = Image.effect_noise(size, 24).convert("RGB")
    im = Image.blend(im, grain, 0.12)
    out = io.BytesIO()
    im.save(out, "JPEG", quality=90, exif=encode_exif(tags or {}))
    return out.getvalue()
