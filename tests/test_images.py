"""Derivatives and content checks on real files: orientation pixels, sizes, colour, formats, bad input."""

from __future__ import annotations

import io
import struct
from pathlib import Path

import pytest
from PIL import Image, ImageCms

from gallery.errors import RejectedFile
from gallery.images import displayed_size, make_derivatives, open_image
from tests.imagegen import QUADRANTS, close, encode, quadrant_colours, stored_for, upright, write

SIZES = {"thumb": 320, "display": 1280, "screen": 2560}
LIMIT = 200_000_000


def derive(path: Path, orientation: int = 1, sizes=SIZES) -> dict[str, Image.Image]:
    """Make derivatives of a file and decode them back."""
    with open_image(path, LIMIT) as im:
        out = make_derivatives(im, sizes, orientation)
    return {name: Image.open(io.BytesIO(d.data)) for name, d in out.items()}


@pytest.mark.parametrize("orientation", range(1, 9))
def test_every_orientation_is_shown_upright(tmp_path: Path, orientation: int) -> None:
    path = write(
        tmp_path / "o.jpg",
        encode(stored_for(orientation, (600, 400)), tags={"Orientation": orientation}),
    )
    with open_image(path, LIMIT) as im:
        assert displayed_size(im, orientation) == (600, 400)
    for name, shown in derive(path, orientation, {"thumb": 320, "display": 500}).items():
        assert shown.size == ((320, 213) if name == "thumb" else (500, 333))
        colours = quadrant_colours(shown)
        for quadrant, expected in QUADRANTS.items():
            assert close(colours[quadrant], expected), (orientation, name, quadrant, colours)


def test_never_upscales_and_keeps_aspect(tmp_path: Path) -> None:
    path = write(tmp_path / "small.jpg", encode(upright((400, 100))))
    shown = derive(path)
    assert shown["thumb"].size == (320, 80)
    assert shown["display"].size == (400, 100)
    assert shown["screen"].size == (400, 100)


def test_large_jpeg_is_decoded_reduced_and_sized_exactly(tmp_path: Path) -> None:
    path = write(tmp_path / "big.jpg", encode(upright((6000, 4000))))
    with open_image(path, LIMIT) as im:
        out = make_derivatives(im, SIZES, 1)
        # draft() let libjpeg decode at half size: 3000 px still covers the 2560 px screen size.
        assert im.size == (3000, 2000)
    assert (out["screen"].width, out["screen"].height) == (2560, 1707)
    assert (out["display"].width, out["display"].height) == (1280, 853)
    assert (out["thumb"].width, out["thumb"].height) == (320, 213)


def test_output_has_no_metadata_at_all(tmp_path: Path) -> None:
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    data = encode(
        upright(),
        tags={"Make": "Canon", "GPSLatitudeRef": "N", "GPSLatitude": (36.0, 1.0, 2.0)},
        icc_profile=icc,
        comment=b"secret comment",
    )
    path = write(tmp_path / "m.jpg", data)
    with open_image(path, LIMIT) as im:
        out = make_derivatives(im, SIZES, 1)
    for derivative in out.values():
        raw = derivative.data
        assert b"Exif" not in raw and b"ICC_PROFILE" not in raw and b"secret" not in raw
        assert b"\xff\xe1" not in raw[:200] and b"\xff\xfe" not in raw[:200]  # no APP1, no COM
        assert Image.open(io.BytesIO(raw)).getexif() == {}


def swapped_profile() -> bytes:
    """Return an RGB profile whose red and blue primaries are swapped: converting it changes colours."""
    icc = bytearray(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())
    count = struct.unpack(">I", icc[128:132])[0]
    entries = {bytes(icc[132 + 12 * i : 136 + 12 * i]): 132 + 12 * i for i in range(count)}
    red, blue = entries[b"rXYZ"] + 4, entries[b"bXYZ"] + 4
    icc[red : red + 8], icc[blue : blue + 8] = icc[blue : blue + 8], icc[red : red + 8]
    return bytes(icc)


def test_colour_is_converted_to_srgb_from_an_embedded_profile(tmp_path: Path) -> None:
    profile = swapped_profile()
    im = Image.new("RGB", (64, 64), (200, 120, 60))
    path = write(tmp_path / "p.jpg", encode(im, icc_profile=profile))
    shown = derive(path)["thumb"].getpixel((32, 32))
    source = ImageCms.ImageCmsProfile(io.BytesIO(profile))
    expected = ImageCms.profileToProfile(im, source, ImageCms.createProfile("sRGB"))
    assert close(shown, expected.getpixel((32, 32)), tolerance=6)
    assert shown[2] > shown[0]  # the red-looking pixels were blue in that colour space


def test_cmyk_and_transparency_become_rgb(tmp_path: Path) -> None:
    cmyk = write(tmp_path / "c.jpg", encode(Image.new("CMYK", (50, 40), (0, 255, 255, 0))))
    assert close(derive(cmyk)["thumb"].getpixel((10, 10)), (255, 0, 0), tolerance=30)
    rgba = Image.new("RGBA", (50, 40), (0, 0, 255, 0))
    png = write(tmp_path / "t.png", encode(rgba, "PNG"))
    assert close(derive(png)["thumb"].getpixel((10, 10)), (255, 255, 255), tolerance=5)
    sixteen = Image.new("I;16", (50, 40), 65535)
    tif = write(tmp_path / "s.png", encode(sixteen, "PNG"))
    assert derive(tif)["thumb"].convert("L").getpixel((10, 10)) >= 250


@pytest.mark.parametrize("fmt", ["HEIF", "AVIF"])
@pytest.mark.parametrize("orientation", [1, 3, 6, 8])
def test_heic_and_avif_are_rotated_once(tmp_path: Path, fmt: str, orientation: int) -> None:
    data = encode(stored_for(orientation, (600, 400)), fmt, tags={"Orientation": orientation})
    path = write(tmp_path / f"o.{fmt.lower()}", data)
    with open_image(path, LIMIT) as im:
        assert displayed_size(im, orientation) == (600, 400)
    shown = derive(path, orientation, {"thumb": 300})["thumb"]
    assert shown.size == (300, 200)
    colours = quadrant_colours(shown)
    for quadrant, expected in QUADRANTS.items():
        assert close(colours[quadrant], expected), (fmt, orientation, quadrant, colours)


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("empty.jpg", b"", "empty file"),
        ("notes.jpg", "会议纪要：不是图片".encode() * 20, "not an image"),
        ("fake.png", b"%PDF-1.4\n" + b"0" * 200, "not an image"),
    ],
)
def test_refuses_what_is_not_an_image(tmp_path: Path, name: str, data: bytes, reason: str) -> None:
    with pytest.raises(RejectedFile, match=reason):
        open_image(write(tmp_path / name, data), LIMIT)


def test_refuses_unsupported_formats(tmp_path: Path) -> None:
    path = write(tmp_path / "a.jpg", encode(upright(), "GIF"))
    with pytest.raises(RejectedFile, match="unsupported image format: GIF"):
        open_image(path, LIMIT)


def test_refuses_decompression_bombs_before_decoding(tmp_path: Path) -> None:
    path = write(tmp_path / "bomb.png", encode(Image.new("1", (20000, 20000)), "PNG"))
    with pytest.raises(RejectedFile, match="too many pixels: 20000×20000 = 400 MP"):
        open_image(path, LIMIT)
    with pytest.raises(RejectedFile, match="too many pixels"):
        open_image(path, 100_000_000)
    with open_image(path, 500_000_000) as im:  # a higher configured limit admits it
        assert im.size == (20000, 20000)


def test_truncated_data_is_refused_when_decoding(tmp_path: Path) -> None:
    data = encode(upright((800, 600)))
    path = write(tmp_path / "cut.jpg", data[: len(data) // 2])
    with open_image(path, LIMIT) as im, pytest.raises(RejectedFile, match="incomplete or damaged"):
        make_derivatives(im, SIZES, 1)


def test_wrong_extension_is_judged_by_content(tmp_path: Path) -> None:
    path = write(tmp_path / "really-a-png.jpg", encode(upright(), "PNG"))
    with open_image(path, LIMIT) as im:
        assert im.format == "PNG"
