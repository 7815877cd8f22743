"""Photos made up for the demo archive, the benchmarks and the tests: pixels with real EXIF."""

from __future__ import annotations

import io
import random
from typing import Any

from PIL import Image, ImageDraw


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
