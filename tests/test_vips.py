"""Derivatives made by libvips keep every property of Pillow's: upright by pixels, exact sizes, never
upscaled, sRGB, no metadata, refusals for damaged data."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image, ImageCms

from gallery import vips
from gallery.errors import RejectedFile
from tests.imagegen import QUADRANTS, close, encode, quadrant_colours, stored_for, upright, write
from tests.test_images import swapped_profile

SIZES = {"thumb": 320, "display": 1280, "screen": 2560}


def derive(path: Path, orientation: int = 1, sizes=SIZES) -> dict[str, Image.Image]:
    """Make derivatives of a file with libvips and decode them back with Pillow."""
    out = vips.make_derivatives(vips.Source(path), sizes, orientation)
    decoded = {}
    for name, (data, width, height) in out.items():
        decoded[name] = Image.open(io.BytesIO(data))
        assert decoded[name].size == (width, height)
    return decoded


@pytest.mark.parametrize("orientation", range(1, 9))
def test_every_orientation_is_shown_upright(tmp_path: Path, orientation: int) -> None:
    path = write(
        tmp_path / "o.jpg",
        encode(stored_for(orientation, (600, 400)), tags={"Orientation": orientation}),
    )
    for name, shown in derive(path, orientation, {"thumb": 320, "display": 500}).items():
        assert shown.size == ((320, 213) if name == "thumb" else (500, 333))
        colours = quadrant_colours(shown)
        for quadrant, expected in QUADRANTS.items():
            assert close(colours[quadrant], expected), (orientation, name, quadrant, colours)


def test_large_jpeg_gets_the_named_sizes_and_small_is_never_upscaled(tmp_path: Path) -> None:
    big = derive(write(tmp_path / "big.jpg", encode(upright((6000, 4000)))))
    assert {n: im.size for n, im in big.items()} == {
        "screen": (2560, 1707),
        "display": (1280, 853),
        "thumb": (320, 213),
    }
    small = derive(write(tmp_path / "small.jpg", encode(upright((400, 100)))))
    assert {n: im.size for n, im in small.items()} == {
        "screen": (400, 100),
        "display": (400, 100),
        "thumb": (320, 80),
    }


def test_output_has_no_metadata_at_all(tmp_path: Path) -> None:
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    data = encode(
        upright(),
        tags={"Make": "Canon", "GPSLatitudeRef": "N", "GPSLatitude": (36.0, 1.0, 2.0)},
        icc_profile=icc,
        comment=b"secret comment",
    )
    path = write(tmp_path / "m.jpg", data)
    for data, _w, _h in vips.make_derivatives(vips.Source(path), SIZES, 1).values():
        assert b"Exif" not in data and b"ICC_PROFILE" not in data and b"secret" not in data
        assert b"\xff\xe1" not in data[:200] and b"\xff\xfe" not in data[:200]
        assert Image.open(io.BytesIO(data)).getexif() == {}


def test_colour_is_converted_to_srgb_from_an_embedded_profile(tmp_path: Path) -> None:
    profile = swapped_profile()
    im = Image.new("RGB", (64, 64), (200, 120, 60))
    path = write(tmp_path / "p.jpg", encode(im, icc_profile=profile))
    shown = derive(path)["thumb"].getpixel((32, 32))
    source = ImageCms.ImageCmsProfile(io.BytesIO(profile))
    expected = ImageCms.profileToProfile(im, source, ImageCms.createProfile("sRGB"))
    assert close(shown, expected.getpixel((32, 32)), tolerance=6)
    assert shown[2] > shown[0]  # the red-looking pixels were blue in that colour space


def test_cmyk_transparency_and_16_bit_become_8_bit_rgb_or_grey(tmp_path: Path) -> None:
    cmyk = write(tmp_path / "c.jpg", encode(Image.new("CMYK", (50, 40), (0, 255, 255, 0))))
    # Through a CMYK profile, as print inks look: a strong red, not the naive (255, 0, 0).
    red, green, blue = derive(cmyk)["thumb"].convert("RGB").getpixel((10, 10))
    assert red > 200 and green < 60 and blue < 60
    rgba = write(tmp_path / "t.png", encode(Image.new("RGBA", (50, 40), (0, 0, 255, 0)), "PNG"))
    shown = derive(rgba)["thumb"]
    assert shown.mode == "RGB" and close(shown.getpixel((10, 10)), (255, 255, 255), 5)
    grey = write(tmp_path / "s.png", encode(Image.new("I;16", (50, 40), 65535), "PNG"))
    shown = derive(grey)["thumb"]
    assert shown.mode == "L" and shown.getpixel((10, 10)) >= 250


def test_truncated_data_is_refused(tmp_path: Path) -> None:
    data = encode(upright((800, 600)))
    path = write(tmp_path / "cut.jpg", data[: len(data) // 2])
    with pytest.raises(RejectedFile) as refusal:
        vips.make_derivatives(vips.Source(path), SIZES, 1)
    assert refusal.value.code == "truncated"


def test_decoded_size_is_counted_in_bytes(tmp_path: Path) -> None:
    rgba = write(tmp_path / "a.png", encode(Image.new("RGBA", (300, 200)), "PNG"))
    grey16 = write(tmp_path / "g.png", encode(Image.new("I;16", (300, 200)), "PNG"))
    assert vips.Source(rgba).decoded_bytes == 300 * 200 * 4
    assert vips.Source(grey16).decoded_bytes == 300 * 200 * 2
