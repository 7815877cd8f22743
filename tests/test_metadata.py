"""Metadata: every field read from real files, in Chinese too, and broken metadata as warnings."""

from __future__ import annotations

import datetime as dt
import hashlib
import struct
from pathlib import Path

import pytest
from PIL import Image

from gallery.images import encode_exif, open_image
from gallery.metadata import PhotoMetadata, decode_text, read_metadata
from tests.imagegen import (
    encode,
    iptc_block,
    psd,
    resource,
    upright,
    with_iptc,
    with_jp2_uuids,
    with_segments,
    write,
    xmp_packet,
)

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
        extra='photoshop:DateCreated="2024-11-01T15:02:44+08:00" aux:Lens="EF50mm f/1.8"',
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


def _mwg_file(tmp_path: Path, exif: dict, xmp: dict, iptc: list, digest: bytes | None = None):
    """Write a JPEG with the given EXIF tags, XMP fields and IPTC datasets, and read it."""
    jpeg = encode(upright(), tags=exif or None, xmp=xmp_packet(**xmp) if xmp else None)
    return read(write(tmp_path / "mwg.jpg", with_iptc(jpeg, iptc, digest) if iptc else jpeg))


_IPTC = [
    (1, 90, b"\x1b%G"),
    (2, 80, b"IPTC Byline"),
    (2, 120, b"IPTC caption"),
    (2, 116, b"IPTC (c)"),
]
_IPTC += [(2, 25, b"iptc-word")]
_XMP = {"creator": ["XMP A", "XMP B"], "description": "XMP caption", "rights": "XMP (c)"}
_XMP["subject"] = ["xmp-word"]


def test_mwg_exif_first_then_xmp_over_iptc(tmp_path: Path) -> None:
    exif = {"Artist": "EXIF Artist", "ImageDescription": "EXIF caption", "Copyright": "EXIF (c)"}
    meta = _mwg_file(tmp_path, exif, _XMP, _IPTC)
    assert meta.creators() == ["EXIF Artist"]
    assert meta.mwg_description() == "EXIF caption"
    assert meta.best_copyright() == "EXIF (c)"
    assert meta.keywords() == ["xmp-word"]
    meta = _mwg_file(tmp_path, {}, _XMP, _IPTC)
    assert meta.creators() == ["XMP A", "XMP B"]  # every creator, in order
    assert (meta.mwg_description(), meta.best_copyright()) == ("XMP caption", "XMP (c)")
    assert meta.artist == "" and meta.copyright == ""  # EXIF as stored: nothing


def test_mwg_iptc_when_xmp_is_absent(tmp_path: Path) -> None:
    meta = _mwg_file(tmp_path, {}, {}, _IPTC)
    assert meta.creators() == ["IPTC Byline"]
    assert (meta.mwg_description(), meta.best_copyright()) == ("IPTC caption", "IPTC (c)")
    assert meta.keywords() == ["iptc-word"]


def test_mwg_iptc_wins_over_xmp_only_when_its_digest_is_stale(tmp_path: Path) -> None:
    current = hashlib.md5(iptc_block(_IPTC)).digest()
    meta = _mwg_file(tmp_path, {}, _XMP, _IPTC, digest=current)
    assert meta.creators() == ["XMP A", "XMP B"] and meta.keywords() == ["xmp-word"]
    meta = _mwg_file(tmp_path, {}, _XMP, _IPTC, digest=b"\x00" * 16)  # changed since
    assert meta.creators() == ["IPTC Byline"] and meta.keywords() == ["iptc-word"]
    assert meta.mwg_description() == "IPTC caption"


def test_xp_tags_and_user_comment_only_when_nothing_else(tmp_path: Path) -> None:
    tags = {"XPAuthor": "作者", "XPComment": "XP 说明", "XPKeywords": "甲;乙"}
    meta = _mwg_file(tmp_path, tags, {}, [])
    assert meta.creators() == ["作者"]
    assert meta.caption() == "XP 说明"
    assert meta.keywords() == ["甲", "乙"]
    meta = _mwg_file(tmp_path, {**tags, "Artist": "杨军"}, {"description": "XMP 说明"}, [])
    assert meta.creators() == ["杨军"]
    assert meta.caption() == "XMP 说明"


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


def test_date_taken_is_never_modify_or_digitized_date(tmp_path: Path) -> None:
    tags = {"DateTime": "2023:05:04 08:00:01", "DateTimeDigitized": "2023:05:04 08:00:00"}
    meta = read(write(tmp_path / "d.jpg", encode(upright(), tags={**tags, "OffsetTime": "-0530"})))
    assert meta.taken_local is None and meta.taken_offset is None


def test_date_taken_with_offset_and_subseconds(tmp_path: Path) -> None:
    meta = read(write(tmp_path / "c.jpg", encode(upright(), tags=CAMERA)))
    assert meta.taken_local == dt.datetime(2024, 11, 1, 9, 30, 15, 45000)
    assert meta.taken_offset == "+08:00" and not meta.taken_date_only


def test_mwg_date_from_xmp_then_iptc(tmp_path: Path) -> None:
    xmp = {"extra": 'photoshop:DateCreated="2019-03-02T10:20:30.5-06:00"'}
    iptc = [(2, 55, b"20180101"), (2, 60, b"120000+0000")]
    meta = _mwg_file(tmp_path, {"DateTime": "2023:05:04 08:00:01"}, xmp, iptc)
    assert meta.taken_local == dt.datetime(2019, 3, 2, 10, 20, 30, 500000)
    assert meta.taken_offset == "-06:00"
    meta = _mwg_file(tmp_path, {}, {}, iptc)
    assert meta.taken_local == dt.datetime(2018, 1, 1, 12, 0, 0)
    assert not meta.taken_date_only


def test_a_date_alone_stays_a_date(tmp_path: Path) -> None:
    meta = _mwg_file(tmp_path, {}, {}, [(2, 55, b"20200723")])
    assert meta.taken_local == dt.datetime(2020, 7, 23) and meta.taken_date_only
    meta = _mwg_file(tmp_path, {}, {"extra": 'photoshop:DateCreated="2007-11-19"'}, [])
    assert meta.taken_local == dt.datetime(2007, 11, 19) and meta.taken_date_only
    assert meta.taken_offset is None


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


def test_iptc_without_charset_is_latin1_not_gb18030(tmp_path: Path) -> None:
    fields = [
        (2, 120, "Sais-tu ta leçon?".encode("cp1252")),
        (2, 80, "Óscar Cañas".encode("cp1252")),
    ]
    meta = read(write(tmp_path / "l.jpg", with_iptc(encode(upright()), fields)))
    assert meta.iptc_caption == "Sais-tu ta leçon?"
    assert meta.iptc_byline == ["Óscar Cañas"]
    keywords = [(2, 25, "Budapest. 5. kerület. Szabad sajtó út".encode("cp1252"))]
    meta = read(write(tmp_path / "k.jpg", with_iptc(encode(upright()), keywords)))
    assert meta.iptc_keywords == ["Budapest. 5. kerület. Szabad sajtó út"]


def test_iptc_gb18030_outside_gb2312_in_a_chinese_file(tmp_path: Path) -> None:
    # 喆 is a GBK-only character (its bytes are valid cp1252); the XP title says the file is Chinese.
    fields = [(2, 80, "王喆".encode("gb18030"))]
    jpeg = encode(upright(), tags={"XPTitle": "学术交流"})
    assert read(write(tmp_path / "z.jpg", with_iptc(jpeg, fields))).iptc_byline == ["王喆"]


def test_iptc_split_over_several_app13_segments(tmp_path: Path) -> None:
    fields = [(1, 90, b"\x1b%G"), (2, 80, "李满桂".encode()), (2, 120, ("长说明" * 40).encode())]
    jpeg = with_iptc(encode(upright()), fields, parts=3)
    assert jpeg.count(b"Photoshop 3.0") == 3
    meta = read(write(tmp_path / "s.jpg", jpeg))
    assert meta.iptc_byline == ["李满桂"] and meta.iptc_caption == "长说明" * 40


def test_exif_split_over_several_app1_segments(tmp_path: Path) -> None:
    tiff = encode_exif({"ImageDescription": "firstsecond", "Make": "Canon"})[6:]
    cut = tiff.index(b"firstsecond") + 5
    jpeg = with_segments(
        encode(upright()),
        [(0xE1, b"Exif\x00\x00" + tiff[:cut]), (0xE1, b"Exif\x00\x00" + tiff[cut:])],
    )
    meta = read(write(tmp_path / "e.jpg", jpeg))
    assert meta.description == "firstsecond" and meta.camera_make == "Canon"


def test_xmp_with_stray_control_characters_is_cleaned(tmp_path: Path) -> None:
    xmp = xmp_packet(creator=["Patrik\x1f"], description="caption\x00 here")
    meta = read(write(tmp_path / "x.jpg", encode(upright(), xmp=xmp)))
    assert meta.xmp_creator == ["Patrik"]
    assert meta.xmp_description == "caption here"
    assert not any("XMP" in w for w in meta.warnings)


def test_values_only_in_xmp_are_used_when_exif_lacks_them(tmp_path: Path) -> None:
    extra = (
        'tiff:Make="NIKON" tiff:Model="D2X" exif:FNumber="28/10" exif:ExposureTime="1/250" '
        'exif:FocalLength="102/1" exif:GPSLatitude="26,34.951N" exif:GPSLongitude="80,12.014W" '
        'exif:GPSAltitude="1234/10" exif:GPSAltitudeRef="1" aux:Lens="70-200mm f/2.8"'
    )
    xmp = xmp_packet(extra=extra)
    meta = read(write(tmp_path / "v.jpg", encode(upright(), tags={"Model": "EXIF"}, xmp=xmp)))
    assert (meta.camera_make, meta.camera_model, meta.lens) == ("NIKON", "EXIF", "70-200mm f/2.8")
    assert (meta.f_number, meta.exposure_time, meta.focal_length_mm) == (2.8, 1 / 250, 102.0)
    assert meta.gps_lat == pytest.approx(26 + 34.951 / 60) and meta.gps_lon < -80
    assert meta.gps_alt == pytest.approx(-123.4)


def test_gps_altitude_is_kept_unrounded_even_without_a_position(tmp_path: Path) -> None:
    tags = {"GPSAltitudeRef": b"\x01", "GPSAltitude": 12.7661795}
    meta = read(write(tmp_path / "a.jpg", encode(upright(), tags=tags)))
    assert meta.gps_lat is None
    assert meta.gps_alt == pytest.approx(-12.7661795, abs=1e-6)


def test_iso_zero_is_zero_and_sentinels_are_dropped(tmp_path: Path) -> None:
    meta = read(write(tmp_path / "z.jpg", encode(upright(), tags={"ISOSpeedRatings": 0})))
    assert meta.iso == 0
    tags = {"ISOSpeedRatings": 0xFFFFFFFF, "Make": "Canon"}
    meta = read(write(tmp_path / "s.jpg", encode(upright(), tags=tags)))
    assert meta.iso is None and meta.camera_make == "Canon"
    assert any("ISO" in w for w in meta.warnings)


def test_png_exif_chunk_and_imagemagick_raw_profiles(tmp_path: Path) -> None:
    from PIL import PngImagePlugin

    exif = encode_exif({"Make": "Sony", "DateTimeOriginal": "2020:01:02 03:04:05"})
    text = PngImagePlugin.PngInfo()
    body = exif.hex()
    text.add_text("Raw profile type exif", f"\nexif\n{len(exif)}\n{body}\n", zip=True)
    xmp = xmp_packet(creator=["杨军"])
    text.add_text("Raw profile type xmp", f"\nxmp\n{len(xmp)}\n{xmp.hex()}\n")
    meta = read(write(tmp_path / "im.png", encode(upright(), "PNG", pnginfo=text)))
    assert meta.camera_make == "Sony" and meta.xmp_creator == ["杨军"]
    assert meta.taken_local == dt.datetime(2020, 1, 2, 3, 4, 5)
    plain = encode(upright(), "PNG", exif=encode_exif({"Make": "Apple"}))
    assert read(write(tmp_path / "x.png", plain)).camera_make == "Apple"


def test_psd_image_resources(tmp_path: Path) -> None:
    resources = resource(0x0422, encode_exif({"Make": "Canon"})[6:])
    resources += resource(0x0424, xmp_packet(description="海报"))
    resources += resource(0x0404, iptc_block([(1, 90, b"\x1b%G"), (2, 80, "设计".encode())]))
    meta = read(write(tmp_path / "poster.psd", psd(upright((40, 30)), resources)))
    assert meta.camera_make == "Canon"
    assert meta.xmp_description == "海报" and meta.iptc_byline == ["设计"]


def test_jpeg2000_uuid_boxes(tmp_path: Path) -> None:
    exif = encode_exif({"Make": "NIKON CORPORATION", "Artist": "Jason"})
    data = with_jp2_uuids(encode(upright(), "JPEG2000"), exif, xmp_packet(rights="© Jason"))
    meta = read(write(tmp_path / "a.jp2", data))
    assert (meta.camera_make, meta.artist, meta.xmp_rights) == (
        "NIKON CORPORATION",
        "Jason",
        "© Jason",
    )


@pytest.mark.parametrize(
    "word", ["leçon", "Crémieux", "Müller", "kerület", "Óscar Cañas", "coração", "déjà", "São Tomé"]
)
def test_latin_text_is_never_read_as_gb18030(word: str) -> None:
    # Each of these is also valid GB18030 bytes or close to it ("le鏾n"): the measurement says Latin.
    assert decode_text(word.encode("cp1252")) == word


@pytest.mark.parametrize(
    "text", ["检验科学术交流", "第三十三黨支部開展“追尋紅色足跡”", "傳承紅色基因"]
)
def test_chinese_gb18030_without_a_declared_charset(text: str) -> None:
    assert decode_text(text.encode("gb18030")) == text


def test_exif_text_ends_at_its_first_nul(tmp_path: Path) -> None:
    tags = {"Model": b"EOS 5D\x00junk after", "Artist": "杨军\x00".encode() + b"\xff\xfe"}
    meta = read(write(tmp_path / "n.jpg", encode(upright(), tags=tags)))
    assert (meta.camera_model, meta.artist) == ("EOS 5D", "杨军")


def test_jpeg2000_boxes_after_the_codestream(tmp_path: Path) -> None:
    exif = encode_exif({"Make": "Kakadu"})
    box = struct.pack(">I", 24 + len(exif)) + b"uuid"
    box += bytes.fromhex("4a706754696666457869662d3e4a5032") + exif
    meta = read(write(tmp_path / "late.jp2", encode(upright(), "JPEG2000") + box))
    assert meta.camera_make == "Kakadu"
