"""Metadata: every field read from real files, in Chinese too, and broken metadata as warnings."""

from __future__ import annotations

import datetime as dt
import struct
from pathlib import Path

import pytest
from PIL import Image

from gallery.images import open_image
from gallery.metadata import PhotoMetadata, decode_text, read_metadata
from tests.imagegen import encode, upright, with_iptc, write, xmp_packet

CAMERA = {
    "Make": "Canon",
    "Model": "Canon EOS R6",
    "LensModel": "RF24-105mm F4 L IS USM",
    "DateTimeOriginal": "2024:11:01 09:30:15",
    "SubsecTimeOriginal": "045",
    "OffsetTimeOriginal": "+08:00",
    "ExposureTime": 1 / 250,
    "FNumber": 5.6,
    "ISOSpeedRatings": 800,
    "FocalLength": 70.0,
    "Artist": "杨军",
    "Copyright": "© 青海红十字医院",
    "ImageDescription": "检验科 学术交流",
    "Orientation": 1,
    "GPSLatitudeRef": "N",
    "GPSLatitude": (36.0, 16.0, 48.0),
    "GPSLongitudeRef": "E",
    "GPSLongitude": (100.0, 37.0, 12.0),
    "GPSAltitudeRef": b"\x00",
    "GPSAltitude": 2835.5,
}


def read(path: Path) -> PhotoMetadata:
    """Read the metadata of a file as an import does."""
    with open_image(path, 200_000_000) as im:
        return read_metadata(path, im)


def test_reads_every_exif_field(tmp_path: Path) -> None:
    meta = read(write(tmp_path / "a.jpg", encode(upright(), tags=CAMERA)))
    assert meta.taken_local == dt.datetime(2024, 11, 1, 9, 30, 15, 45000)
    assert meta.taken_offset == "+08:00"
    assert (meta.camera_make, meta.camera_model) == ("Canon", "Canon EOS R6")
    assert meta.lens == "RF24-105mm F4 L IS USM"
    assert meta.exposure_time == pytest.approx(0.004)
    assert meta.f_number == pytest.approx(5.6)
    assert meta.iso == 800
    assert meta.focal_length_mm == pytest.approx(70.0)
    assert meta.gps_lat == pytest.approx(36.28, abs=1e-6)
    assert meta.gps_lon == pytest.approx(100.62, abs=1e-6)
    assert meta.gps_alt == pytest.approx(2835.5)
    assert meta.artist == "杨军"
    assert meta.copyright == "© 青海红十字医院"
    assert meta.description == "检验科 学术交流"
    assert meta.orientation == 1
    assert meta.warnings == []
    assert meta.tags["EXIF LensModel"] == "RF24-105mm F4 L IS USM"
    assert meta.tags["Image Artist"] == "杨军"


@pytest.mark.parametrize(
    ("lat_ref", "lon_ref", "alt_ref", "signs"),
    [
        ("N", "E", b"\x00", (1, 1, 1)),
        ("S", "E", b"\x00", (-1, 1, 1)),
        ("N", "W", b"\x01", (1, -1, -1)),
        ("S", "W", b"\x01", (-1, -1, -1)),
    ],
)
def test_gps_sign_per_hemisphere(tmp_path: Path, lat_ref, lon_ref, alt_ref, signs) -> None:
    tags = {
        "GPSLatitudeRef": lat_ref,
        "GPSLatitude": (33.0, 51.0, 54.0),
        "GPSLongitudeRef": lon_ref,
        "GPSLongitude": (151.0, 12.0, 36.0),
        "GPSAltitudeRef": alt_ref,
        "GPSAltitude": 12.0,
    }
    meta = read(write(tmp_path / "gps.jpg", encode(upright(), tags=tags)))
    assert meta.gps_lat == pytest.approx(signs[0] * 33.865, abs=1e-6)
    assert meta.gps_lon == pytest.approx(signs[1] * 151.21, abs=1e-6)
    assert meta.gps_alt == pytest.approx(signs[2] * 12.0)


def test_windows_xp_tags_in_chinese(tmp_path: Path) -> None:
    tags = {
        "XPTitle": "主题党日活动",
        "XPComment": "参观海南州建政70周年主题展览馆",
        "XPAuthor": "楊 軍",
        "XPKeywords": "主题党日;党建引领",
    }
    meta = read(write(tmp_path / "xp.jpg", encode(upright(), tags=tags)))
    assert meta.xp_title == "主题党日活动"
    assert meta.xp_comment == "参观海南州建政70周年主题展览馆"
    assert meta.xp_author == "楊 軍"
    assert meta.xp_keywords == ["主题党日", "党建引领"]
    assert meta.caption() == "参观海南州建政70周年主题展览馆"
    assert meta.creators() == ["楊 軍"]
    assert meta.tags["Image XPTitle"] == "主题党日活动"


def test_iptc_utf8_with_declared_charset(tmp_path: Path) -> None:
    jpeg = encode(upright())
    fields = [
        (1, 90, b"\x1b%G"),
        (2, 80, "李满桂".encode()),
        (2, 120, "学员认真听讲".encode()),
        (2, 25, "培训".encode()),
        (2, 25, b"ISO 15189"),
        (2, 116, "青海红十字医院".encode()),
    ]
    meta = read(write(tmp_path / "iptc.jpg", with_iptc(jpeg, fields)))
    assert meta.iptc_byline == ["李满桂"]
    assert meta.iptc_caption == "学员认真听讲"
    assert meta.iptc_keywords == ["培训", "ISO 15189"]
    assert meta.iptc_copyright == "青海红十字医院"
    assert meta.tags["IPTC By-line"] == "李满桂"


def test_iptc_gb18030_from_old_chinese_software(tmp_path: Path) -> None:
    jpeg = encode(upright())
    fields = [(2, 80, "杨军".encode("gb18030")), (2, 120, "检验科学术交流".encode("gb18030"))]
    meta = read(write(tmp_path / "gbk.jpg", with_iptc(jpeg, fields)))
    assert meta.iptc_byline == ["杨军"]
    assert meta.iptc_caption == "检验科学术交流"


def test_xmp_dublin_core(tmp_path: Path) -> None:
    xmp = xmp_packet(
        creator=["杨军", "李满桂"],
        description="党员们在展览馆前集合",
        rights="© 2024 青海红十字医院",
        subject=["主题党日", "展览馆"],
        extra='exif:DateTimeOriginal="2024-11-01T15:02:44+08:00" aux:Lens="EF50mm f/1.8"',
    )
    meta = read(write(tmp_path / "xmp.jpg", encode(upright(), xmp=xmp)))
    assert meta.xmp_creator == ["杨军", "李满桂"]
    assert meta.xmp_description == "党员们在展览馆前集合"
    assert meta.xmp_rights == "© 2024 青海红十字医院"
    assert meta.xmp_subject == ["主题党日", "展览馆"]
    assert meta.taken_local == dt.datetime(2024, 11, 1, 15, 2, 44)
    assert meta.taken_offset == "+08:00"
    assert meta.lens == "EF50mm f/1.8"
    assert meta.best_copyright() == "© 2024 青海红十字医院"


def test_credit_and_caption_priority(tmp_path: Path) -> None:
    jpeg = encode(
        upright(),
        tags={"Artist": "艺术家", "XPAuthor": "作者", "ImageDescription": "EXIF 说明"},
        xmp=xmp_packet(creator=["XMP作者"], description="XMP 说明"),
    )
    meta = read(
        write(tmp_path / "all.jpg", with_iptc(jpeg, [(1, 90, b"\x1b%G"), (2, 80, b"Byline")]))
    )
    assert meta.creators() == ["Byline"]
    assert meta.caption() == "XMP 说明"
    meta.iptc_byline = []
    assert meta.creators() == ["XMP作者"]
    meta.xmp_creator = []
    assert meta.creators() == ["艺术家"]
    meta.artist = ""
    assert meta.creators() == ["作者"]


def test_camera_junk_is_not_a_caption(tmp_path: Path) -> None:
    meta = read(
        write(
            tmp_path / "j.jpg",
            encode(upright(), tags={"ImageDescription": "OLYMPUS DIGITAL CAMERA"}),
        )
    )
    assert meta.description == "OLYMPUS DIGITAL CAMERA"
    assert meta.caption() == ""


@pytest.mark.parametrize("value", [0, 9, 255])
def test_nonsense_orientation_means_1(tmp_path: Path, value: int) -> None:
    meta = read(write(tmp_path / "o.jpg", encode(upright(), tags={"Orientation": value})))
    assert meta.orientation == 1
    assert any("Orientation" in w for w in meta.warnings)


def test_invalid_bytes_are_replaced_never_shown_as_bytes(tmp_path: Path) -> None:
    # \xff\xfe\xfd is neither UTF-8 nor GB18030.
    tags = {"Artist": b"Yang \xff\xfe\xfd Jun", "Make": b"Cam\x80era"}
    meta = read(write(tmp_path / "bad.jpg", encode(upright(), tags=tags)))
    for text in (meta.artist, meta.camera_make, *meta.tags.values()):
        assert not text.startswith("b'")
    assert meta.artist.startswith("Yang") and meta.artist.endswith("Jun")


def test_gbk_exif_artist(tmp_path: Path) -> None:
    meta = read(
        write(tmp_path / "g.jpg", encode(upright(), tags={"Artist": "李满桂".encode("gbk")}))
    )
    assert meta.artist == "李满桂"


def test_broken_values_become_warnings_and_other_fields_survive(tmp_path: Path) -> None:
    tags = {
        "Make": "Nikon",
        "DateTimeOriginal": "0000:00:00 00:00:00",
        "OffsetTimeOriginal": "+8",
        "GPSLatitudeRef": "N",
        "GPSLatitude": (91.0, 0.0, 0.0),
        "GPSLongitudeRef": "E",
        "GPSLongitude": (10.0, 0.0, 0.0),
    }
    meta = read(write(tmp_path / "w.jpg", encode(upright(), tags=tags)))
    assert meta.camera_make == "Nikon"
    assert meta.taken_local is None
    assert meta.gps_lat is None
    assert len(meta.warnings) == 2
    assert any("DateTimeOriginal" in w for w in meta.warnings)
    assert any("GPS" in w for w in meta.warnings)


def test_date_fallbacks_and_offsets(tmp_path: Path) -> None:
    tags = {"DateTime": "2023:05:04 08:00:01", "OffsetTime": "-0530"}
    meta = read(write(tmp_path / "d.jpg", encode(upright(), tags=tags)))
    assert meta.taken_local == dt.datetime(2023, 5, 4, 8, 0, 1)
    assert meta.taken_offset == "-05:30"


def _user_comment_exif(comment: bytes) -> bytes:
    """Return a little-endian EXIF block holding only UserComment, typed UNDEFINED as cameras write it."""
    ifd0 = struct.pack("<HHHII", 1, 0x8769, 4, 1, 26) + b"\x00" * 4
    exif_ifd = struct.pack("<HHHII", 1, 0x9286, 7, len(comment), 44) + b"\x00" * 4
    return b"Exif\x00\x00II*\x00" + struct.pack("<I", 8) + ifd0 + exif_ifd + comment


@pytest.mark.parametrize(
    ("comment", "expected"),
    [
        (b"UNICODE\x00" + "党旗下的誓言".encode("utf-16-le"), "党旗下的誓言"),
        (b"ASCII\x00\x00\x00" + "检验科".encode(), "检验科"),
        (b"\x00" * 8 + b"plain", "plain"),
    ],
)
def test_user_comment_by_character_code(tmp_path: Path, comment: bytes, expected: str) -> None:
    path = write(tmp_path / "uc.jpg", encode(upright(), exif=_user_comment_exif(comment)))
    meta = read(path)
    assert meta.user_comment == expected
    assert meta.caption() == expected


@pytest.mark.parametrize("fmt", ["PNG", "WEBP", "TIFF", "HEIF", "AVIF"])
def test_exif_in_other_formats(tmp_path: Path, fmt: str) -> None:
    # Pillow's TIFF writer turns non-ASCII text into "?", so the TIFF fixture's artist is in pinyin.
    artist = "Yang Jun" if fmt == "TIFF" else "杨军"
    tags = {"Make": "Apple", "Model": "iPhone 15", "DateTimeOriginal": "2024:11:01 10:00:00"}
    path = write(
        tmp_path / f"x.{fmt.lower()}", encode(upright(), fmt, tags={**tags, "Artist": artist})
    )
    meta = read(path)
    assert (meta.camera_make, meta.camera_model, meta.artist) == ("Apple", "iPhone 15", artist)
    assert meta.taken_local == dt.datetime(2024, 11, 1, 10, 0, 0)


def test_heic_reports_the_orientation_the_file_had(tmp_path: Path) -> None:
    path = write(
        tmp_path / "o.heic", encode(upright(), "HEIF", tags={"Orientation": 6, "Make": "Apple"})
    )
    assert read(path).orientation == 6


def test_corrupt_exif_block_is_a_warning(tmp_path: Path) -> None:
    good = encode(upright(), tags={"Make": "Canon", "Model": "EOS"})
    start = good.index(b"Exif\x00\x00") + 6
    broken = good[: start + 8] + b"\xff" * 40 + good[start + 48 :]
    meta = read(write(tmp_path / "c.jpg", broken))
    assert meta.camera_make == ""
    assert any("EXIF block" in w and "unreadable" in w for w in meta.warnings)


def test_broken_xmp_is_a_warning(tmp_path: Path) -> None:
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF><unclosed></x:xmpmeta>'
    meta = read(write(tmp_path / "x.jpg", encode(upright(), xmp=xmp)))
    assert any("XMP" in w for w in meta.warnings)


def test_decode_text() -> None:
    assert decode_text("杨军".encode()) == "杨军"
    assert decode_text("杨军".encode("gb18030")) == "杨军"
    assert decode_text(b"caf\xff\xfe").startswith("caf")
    assert decode_text(b"abc\x00\x00") == "abc"


def test_no_metadata_at_all(tmp_path: Path) -> None:
    path = tmp_path / "plain.png"
    Image.new("RGB", (8, 8)).save(path)
    meta = read(path)
    assert meta == PhotoMetadata(tags={})
