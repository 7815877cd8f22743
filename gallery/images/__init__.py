"""Pixels, with Pillow only: recognise and check an image by its content, and make its derivatives.

Derivatives come from one decode: JPEG's ``draft()`` lets libjpeg scale by 1/2, 1/4 or 1/8 while
decoding, so a 24 MP photo is never held at full size; the sizes then cascade from large to small
(bicubic with a reducing gap, as Pillow's own thumbnail()), orientation is applied to each small result
(rotating first costs 5x), and colour is converted to sRGB on the first reduced image.
"""

from __future__ import annotations

import functools
import io
import re
import struct
import threading
import warnings
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageCms, ImageFile, UnidentifiedImageError

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
    # The designer's files (the flattened composite), first frames, old bitmaps, scanners' JPEG 2000.
    "PSD": ("psd", "image/vnd.adobe.photoshop"),
    "GIF": ("gif", "image/gif"),
    "BMP": ("bmp", "image/bmp"),
    "JPEG2000": ("jp2", "image/jp2"),
}

# Formats whose decoder may stop early and still give the picture it has (a grey band below).
_MAY_BE_CUT = {"JPEG", "MPO", "PNG"}
_TRUNCATED_LOCK = threading.Lock()

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


# Leading bytes of camera RAW containers that are not TIFF-shaped: ORF, RW2, RAF.
_RAW_MAGIC = (b"IIRO", b"IIRS", b"MMOR", b"IIU\x00", b"FUJIFILM")
# TIFF tags that only RAW files carry: DNGVersion, CFA and linear-raw photometric interpretations,
# and compressions no ordinary TIFF writer uses (Nikon, Sony, Pentax, Panasonic, Kodak, Samsung).
_DNG_VERSION, _SUB_IFDS, _NEW_SUBFILE, _PHOTOMETRIC, _COMPRESSION = (
    0xC612,
    0x14A,
    0xFE,
    0x106,
    0x103,
)
_RAW_PHOTOMETRIC = {32803, 34892}
_RAW_COMPRESSION = {32767, 32769, 32770, 34316, 34713, 65000, 65535, 32867}
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

    Only the header is read; pixels are decoded later. A RAW container is read by LibRaw, and by
    Pillow when LibRaw cannot help. Raises :class:`RejectedFile` with the reason.
    """
    _register_heif()
    if path.stat().st_size == 0:
        raise RejectedFile("empty_file")
    raw_refusal: RejectedFile | None = None
    if _is_raw_container(path):
        try:
            raw = _open_raw(path, max_pixels)
        except RejectedFile as exc:
            if exc.code == "too_many_pixels":
                raise
            raw_refusal = exc
        else:
            if raw is not None:
                return raw
    try:
        im = _open_pillow(path, max_pixels)
    except RejectedFile:
        if raw_refusal is not None:
            raise raw_refusal from None
        raise
    if raw_refusal is not None or _is_raw_container(path):
        # A RAW LibRaw cannot read (too small, unknown): Pillow's first image stands in for it.
        ext = path.suffix.lower().lstrip(".")
        im.info["raw"] = {
            "ext": ext if ext in RAW_EXTENSIONS else "dng",
            "size": _full_size(path, im),
            "warning": f"camera RAW read by its first image: {raw_refusal}" if raw_refusal else "",
        }
    return im


def _open_pillow(path: Path, max_pixels: int) -> Image.Image:
    """Open ``path`` with Pillow and check its format and pixel count."""
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
        raise _too_many(exc) from None
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
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


def _too_many(exc: Exception) -> RejectedFile:
    """Refuse a bomb Pillow caught, naming our limit (Pillow's words name twice it)."""
    found = re.search(r"\((\d+) pixels\)", str(exc))
    size = f"{int(found[1]) / 1e6:.0f} MP, " if found else ""
    return RejectedFile("too_many_pixels", f"{size}limit {Image.MAX_IMAGE_PIXELS / 1e6:.0f} MP")


def open_damaged(path: Path, max_pixels: int) -> Image.Image:
    """Open and decode a picture whose data ends early, keeping what decodes (a grey band below).

    Raises :class:`RejectedFile` when even that fails, or for formats that cannot be partly decoded.
    """
    im = open_image(path, max_pixels)
    if "raw" in im.info:
        im.close()
        raise RejectedFile("raw_damaged", "its images cannot be decoded")
    if im.format not in _MAY_BE_CUT:
        im.close()
        raise RejectedFile("truncated")
    # Pillow's switch is global: held only while this one picture decodes.
    with _TRUNCATED_LOCK, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ImageFile.LOAD_TRUNCATED_IMAGES = True
        try:
            im.load()
        except (OSError, SyntaxError, ValueError, EOFError) as exc:
            im.close()
            raise RejectedFile("truncated", str(exc)) from None
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = False
    return im


def _ifd_entries(data: bytes, offset: int, order: str) -> dict[int, tuple[int, int, int]]:
    """Return a TIFF IFD's entries at ``offset``: tag → (type, count, value or offset)."""
    entries: dict[int, tuple[int, int, int]] = {}
    if offset + 2 > len(data):
        return entries
    (count,) = struct.unpack(order + "H", data[offset : offset + 2])
    for i in range(min(count, 512)):
        at = offset + 2 + 12 * i
        if at + 12 > len(data):
            break
        tag, kind, n = struct.unpack(order + "HHI", data[at : at + 8])
        if kind == 3 and n == 1:  # SHORT stored in the first half of the value field
            (value,) = struct.unpack(order + "H", data[at + 8 : at + 10])
        else:
            (value,) = struct.unpack(order + "I", data[at + 8 : at + 12])
        entries[tag] = (kind, n, value)
    return entries


def _tiff_ifds(path: Path) -> list[dict[int, tuple[int, int, int]]]:
    """Return IFD0 and the SubIFDs it points to, read from the first megabytes of a TIFF-shaped file."""
    with path.open("rb") as f:
        data = f.read(4 << 20)
    if data[:4] not in (b"II*\x00", b"MM\x00*"):
        return []
    order = "<" if data[:2] == b"II" else ">"
    (first,) = struct.unpack(order + "I", data[4:8])
    ifd0 = _ifd_entries(data, first, order)
    ifds = [ifd0]
    if _SUB_IFDS in ifd0:
        _, n, value = ifd0[_SUB_IFDS]
        offsets = (
            [value]
            if n == 1
            else list(struct.unpack(order + f"{min(n, 16)}I", data[value : value + 4 * min(n, 16)]))
        )
        ifds += [_ifd_entries(data, o, order) for o in offsets]
    return ifds


def _is_raw_container(path: Path) -> bool:
    """Tell by content whether a file is a camera RAW: only those go to LibRaw."""
    with path.open("rb") as f:
        head = f.read(16)
    if head.startswith(_RAW_MAGIC) or head[4:12] == b"ftypcrx ":
        return True
    if head[:4] not in (b"II*\x00", b"MM\x00*"):
        return False
    if head[8:10] == b"CR":  # Canon CR2
        return True
    ifds = _tiff_ifds(path)
    if not ifds:
        return False
    if _DNG_VERSION in ifds[0]:
        return True
    for ifd in ifds:
        if ifd.get(_PHOTOMETRIC, (0, 0, 0))[2] in _RAW_PHOTOMETRIC:
            return True
        if ifd.get(_COMPRESSION, (0, 0, 0))[2] in _RAW_COMPRESSION:
            return True
    return False


def _full_size(path: Path, im: Image.Image | None) -> tuple[int, int]:
    """Return a RAW's full size: its SubIFD with NewSubfileType 0 (DNG), else the first image's."""
    for ifd in _tiff_ifds(path)[1:]:
        if ifd.get(_NEW_SUBFILE, (0, 0, 0))[2] == 0 and 0x100 in ifd and 0x101 in ifd:
            return ifd[0x100][2], ifd[0x101][2]
    return im.size if im is not None else (0, 0)


def _open_raw(path: Path, max_pixels: int) -> Image.Image | None:
    """Open a camera RAW file as its embedded preview (LibRaw through rawpy); None if LibRaw cannot.

    The preview is what the camera rendered itself; it stands in for the RAW's pixels, while the size
    reported is the RAW's own. The stored extension is the client's when it names a RAW format.
    """
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
        return None
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
    # The full-size image's own size where the file says it (as other readers report it), else LibRaw's.
    full = _full_size(path, None)
    im.info["raw"] = {
        "ext": ext if ext in RAW_EXTENSIONS else "raw",
        "size": full if all(full) else (sizes.width, sizes.height),
    }
    return im


def extension(im: Image.Image) -> str:
    """Return the extension an original in this image's format is stored with."""
    if "raw" in im.info:
        return im.info["raw"]["ext"]
    if im.format == "JPEG2000" and getattr(im, "codec", "") == "j2k":
        return "j2k"  # a bare codestream, not the JP2 file format
    return FORMATS[im.format][0]


def applies_own_rotation(im: Image.Image) -> bool:
    """Tell whether the decoder already turns this image upright, so EXIF orientation must not.

    pillow-heif rotates HEIF while decoding; Pillow transposes a TIFF by its orientation when it
    loads it, and reports the turned size from the start.
    """
    return "original_orientation" in im.info or im.format == "TIFF"


def displayed_size(im: Image.Image, orientation: int) -> tuple[int, int]:
    """Return the image's width and height as shown, after ``orientation`` is applied."""
    if "raw" in im.info:
        width, height = im.info["raw"]["size"]  # the sensor's size, before any turning
        return (height, width) if orientation in (5, 6, 7, 8) else (width, height)
    width, height = im.size
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
        raise _too_many(exc) from None
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
        # FLIP_LEFT_RIGHT is 0: test against None, or orientation 2 stays mirrored.
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


# Generated photos with EXIF, for the demo archive, the benchmarks and the tests (Pillow lives here).
from gallery.images.samples import encode_exif, sample_photo  # noqa: E402

__all__ = ["encode_exif", "sample_photo"]
