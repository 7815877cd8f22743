"""Derivatives with libvips (``pyvips`` and the libvips of the ``pyvips-binary`` wheel), the only module
that imports pyvips.

One decode with shrink-on-load (libjpeg's DCT scaling, WebP's scaled decode) streams the file into the
largest size; that image is kept in memory, so the smaller sizes cascade from it instead of decoding the
file again. PNG and TIFF, which cannot be decoded reduced, are read in strips: a 196 MP PNG never exists
whole in memory. Colour is converted through the embedded ICC profile to sRGB; orientation is applied by
us, once, from the orientation the metadata reader found, to the largest result only.

Formats libvips cannot read here (HEVC-coded HEIC, RAW previews, BMP, JPEG 2000, PSD) are left to Pillow:
:func:`can_derive` says which.
"""

from __future__ import annotations

import functools
from pathlib import Path

from gallery.errors import RejectedFile

#: Pillow's name of a format → whether libvips decodes it here (by content, as Pillow sniffed it).
_FORMATS = {"JPEG", "MPO", "PNG", "TIFF", "WEBP", "GIF"}

# Orientation tag value → the libvips operations, in order, that show the photo upright.
_UPRIGHT: dict[int, tuple[str, ...]] = {
    2: ("fliphor",),
    3: ("rot180",),
    4: ("flipver",),
    5: ("rot90", "fliphor"),
    6: ("rot90",),
    7: ("rot270", "fliphor"),
    8: ("rot270",),
}

# Bytes per sample of each libvips band format.
_SAMPLE_BYTES = {
    "uchar": 1,
    "char": 1,
    "ushort": 2,
    "short": 2,
    "uint": 4,
    "int": 4,
    "float": 4,
    "complex": 8,
    "double": 8,
    "dpcomplex": 16,
}


@functools.cache
def _vips():  # noqa: ANN202 - the pyvips module, imported on first use
    """Import pyvips once, configured for many small independent jobs."""
    import pyvips

    # The operation cache would keep decoded files (and their handles) alive after each photo.
    pyvips.cache_set_max(0)
    return pyvips


def can_derive(image_format: str | None) -> bool:
    """Tell whether libvips makes the derivatives of a file in this (Pillow-sniffed) format."""
    return image_format in _FORMATS


class Source:
    """A file libvips will derive from: its header is read once, the pixels only when deriving."""

    def __init__(self, path: Path) -> None:
        pyvips = _vips()
        self.path = path
        try:
            self.header = pyvips.Image.new_from_file(str(path))
        except pyvips.Error as exc:
            raise RejectedFile("unreadable_image", _first_line(exc)) from None

    @property
    def decoded_bytes(self) -> int:
        """Return the bytes a full decode holds: pixels × bands × bytes per sample."""
        h = self.header
        return h.width * h.height * h.bands * _SAMPLE_BYTES.get(h.format, 8)


def make_derivatives(
    source: Source, sizes: dict[str, int], orientation: int, quality: int = 85
) -> dict[str, tuple[bytes, int, int]]:
    """Return each named size (long edge, never upscaled) as upright sRGB JPEG with no metadata.

    Values are (JPEG bytes, width, height). Raises :class:`RejectedFile` when the pixels cannot be
    decoded (truncated or corrupt data).
    """
    pyvips = _vips()
    order = sorted(sizes.items(), key=lambda item: item[1], reverse=True)
    width, height = source.header.width, source.header.height
    if orientation in (5, 6, 7, 8):
        width, height = height, width
    keep = pyvips.enums.ForeignKeep.NONE
    try:
        # output_profile converts from the embedded profile; without one the pixels are taken as
        # sRGB already, and a no-op colour transform would only cost time.
        fields = source.header.get_fields()
        profile = {"output_profile": "srgb"} if "icc-profile-data" in fields else {}
        current = pyvips.Image.thumbnail(
            str(source.path),
            order[0][1],
            size="down",
            no_rotate=True,
            fail_on="truncated",
            **profile,
        )
        # Into memory before turning: a rotation reads the decode out of order. The smaller sizes
        # then come from these pixels, not from the file again.
        current = _displayable(current).copy_memory()
        for operation in _UPRIGHT.get(orientation, ()):
            current = getattr(current, operation)()
        if orientation in _UPRIGHT:
            current = current.copy_memory()
        results: dict[str, tuple[bytes, int, int]] = {}
        for name, edge in order:
            target = _fit((width, height), edge)
            if (current.width, current.height) != target:
                current = current.resize(
                    target[0] / current.width, vscale=target[1] / current.height
                ).copy_memory()
            data = current.jpegsave_buffer(Q=quality, keep=keep)
            results[name] = (data, current.width, current.height)
    except pyvips.Error as exc:
        raise RejectedFile("truncated", _first_line(exc)) from None
    return results


def _fit(size: tuple[int, int], long_edge: int) -> tuple[int, int]:
    """Scale ``size`` down so its long edge is at most ``long_edge``, keeping the aspect ratio."""
    width, height = size
    scale = min(1.0, long_edge / max(width, height))
    return max(1, round(width * scale)), max(1, round(height * scale))


def _displayable(im):  # noqa: ANN001, ANN202 - a pyvips.Image in, one out
    """Return ``im`` as 8-bit sRGB (or 8-bit grey), transparency flattened onto white."""
    if im.hasalpha():
        im = im.flatten(background=[65535 if im.format == "ushort" else 255])
    if im.interpretation in ("b-w", "grey16"):
        im = im.colourspace("b-w")
    elif im.interpretation != "srgb" or im.format != "uchar":
        im = im.colourspace("srgb")
    return im if im.format == "uchar" else im.cast("uchar")


def _first_line(exc: Exception) -> str:
    """Return the first meaningful line of a libvips error (its log can run for pages)."""
    lines = [line for line in str(exc).splitlines() if line.strip()]
    return lines[-1][:300] if lines else repr(exc)[:300]
