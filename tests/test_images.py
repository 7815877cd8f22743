"""Derivatives and content checks on real files: orientation pixels, sizes, colour, formats, bad input."""

from __future__ import annotations

import io
import struct
from pathlib import Path

import pytest
from PIL import Image, ImageCms

from gallery.errors import RejectedFile
from gallery.images import displayed_size, extension, make_derivatives, open_image
from gallery.ingest import DAMAGED, Job, stage
from gallery.media_store import file_sha256
from gallery.metadata import read_metadata
from tests.imagegen import (
    QUADRANTS,
    close,
    encode,
    psd,
    quadrant_colours,
    stored_for,
    upright,
    write,
)

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


@pytest.mark.parametrize("fmt", ["JPEG", "TIFF", "PNG", "WEBP", "HEIF", "AVIF"])
@pytest.mark.parametrize("orientation", range(1, 9))
def test_every_format_is_turned_exactly_once(tmp_path: Path, fmt: str, orientation: int) -> None:
    # Pillow turns TIFF itself when loading and pillow-heif turns HEIF: the archive must not again.
    data = encode(stored_for(orientation, (600, 400)), fmt, tags={"Orientation": orientation})
    path = write(tmp_path / f"o.{fmt.lower()}", data)
    with open_image(path, LIMIT) as im:
        meta = read_metadata(path, im)
        assert meta.orientation == orientation
        assert displayed_size(im, meta.orientation) == (600, 400)
        shown = make_derivatives(im, {"thumb": 300}, meta.orientation)["thumb"]
    picture = Image.open(io.BytesIO(shown.data))
    assert picture.size == (300, 200)
    colours = quadrant_colours(picture)
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
    path = write(tmp_path / "a.jpg", encode(upright(), "PCX"))
    with pytest.raises(RejectedFile, match="unsupported image format: PCX"):
        open_image(path, LIMIT)


def _animated_gif() -> bytes:
    """Return a two-frame GIF whose first frame is the upright picture."""
    first = upright().convert("P", palette=Image.Palette.ADAPTIVE)
    out = io.BytesIO()
    first.save(out, "GIF", save_all=True, append_images=[Image.new("P", first.size, 3)])
    return out.getvalue()


@pytest.mark.parametrize(
    ("fmt", "ext"),
    [("PSD", "psd"), ("GIF", "gif"), ("BMP", "bmp"), ("JPEG2000", "jp2"), ("TIFF", "tif")],
)
def test_every_format_staff_bring_is_archived(tmp_path: Path, fmt: str, ext: str) -> None:
    if fmt == "PSD":
        data = psd(upright())
    elif fmt == "GIF":
        data = _animated_gif()  # the first frame is the photo
    else:
        data = encode(upright(), fmt)
    path = write(tmp_path / "file.bin", data)
    with open_image(path, LIMIT) as im:
        assert (im.format, extension(im)) == (fmt, ext)
        shown = make_derivatives(im, {"thumb": 300}, 1)["thumb"]
    colours = quadrant_colours(Image.open(io.BytesIO(shown.data)))
    assert all(close(colours[q], QUADRANTS[q], 50) for q in QUADRANTS), (fmt, colours)


@pytest.mark.parametrize("mode", ["I;16", "CMYK", "L"])
def test_any_tiff_is_a_tiff_not_a_camera_raw(tmp_path: Path, mode: str) -> None:
    # 16-bit grey from a thermal camera once went to LibRaw and was refused as a RAW without preview.
    if mode == "I;16":
        im = Image.linear_gradient("L").resize((64, 48)).convert("I").point(lambda v: v * 256)
        im = im.convert("I;16")
    else:
        im = upright((64, 48)).convert(mode)
    tags = {"Make": "FLIR", "Model": "Vue Pro"}
    path = write(tmp_path / "thermal.tiff", encode(im, "TIFF", tags=tags, compression="tiff_lzw"))
    with open_image(path, LIMIT) as opened:
        assert "raw" not in opened.info and extension(opened) == "tif"
        assert make_derivatives(opened, {"thumb": 64}, 1)["thumb"].width == 64


def test_tiled_tiff(tmp_path: Path) -> None:
    path = write(tmp_path / "tiled.tif", encode(upright((256, 256)), "TIFF", tile=(64, 64)))
    with open_image(path, LIMIT) as im:
        shown = make_derivatives(im, {"thumb": 128}, 1)["thumb"]
    colours = quadrant_colours(Image.open(io.BytesIO(shown.data)))
    assert all(close(colours[q], QUADRANTS[q]) for q in QUADRANTS), colours


def test_refuses_decompression_bombs_before_decoding(tmp_path: Path) -> None:
    path = write(tmp_path / "bomb.png", encode(Image.new("1", (20000, 20000)), "PNG"))
    with pytest.raises(RejectedFile, match="too many pixels: 20000×20000 = 400 MP"):
        open_image(path, LIMIT)
    # Above twice the limit Pillow refuses by itself, in words naming twice our limit: ours are used.
    with pytest.raises(RejectedFile) as refused:
        open_image(path, 100_000_000)
    assert refused.value.detail == "400 MP, limit 100 MP" and "200" not in str(refused.value)
    with open_image(path, 500_000_000) as im:  # a higher configured limit admits it
        assert im.size == (20000, 20000)


def test_jpeg_cut_short_is_kept_with_a_grey_band_and_flagged(tmp_path: Path) -> None:
    data = encode(upright((800, 600)))
    path = write(tmp_path / "cut.jpg", data[: len(data) * 3 // 4])
    with open_image(path, LIMIT) as im, pytest.raises(RejectedFile, match="incomplete or damaged"):
        make_derivatives(im, SIZES, 1)
    staged = stage(Job(path, file_sha256(path), tmp_path / "media", {"thumb": 320}, LIMIT, 85))
    assert staged.refusal is None
    assert staged.metadata.warnings[0] == DAMAGED
    with Image.open(staged.written[0]) as thumb:
        assert close(thumb.getpixel((40, 20)), QUADRANTS["tl"])  # the top decoded
        assert close(thumb.getpixel((40, thumb.height - 3)), (128, 128, 128), 20)  # grey below


def test_garbage_after_a_header_is_still_refused(tmp_path: Path) -> None:
    data = encode(upright((800, 600)), "WEBP")
    path = write(tmp_path / "cut.webp", data[: len(data) // 2])
    staged = stage(Job(path, file_sha256(path), tmp_path / "media", {"thumb": 320}, LIMIT, 85))
    assert staged.refusal is not None and staged.written == []


def test_wrong_extension_is_judged_by_content(tmp_path: Path) -> None:
    path = write(tmp_path / "really-a-png.jpg", encode(upright(), "PNG"))
    with open_image(path, LIMIT) as im:
        assert im.format == "PNG"
