"""Importing into the archive: stored once, credited, exported; bad files refused with nothing left behind."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import text

from gallery.archive import Archive
from gallery.catalog import User
from gallery.errors import Conflict, InvalidInput, NotFound
from tests.conftest import media_files
from tests.imagegen import (
    QUADRANTS,
    close,
    dng,
    encode,
    photo,
    quadrant_colours,
    stored_for,
    upright,
    with_iptc,
    write,
    xmp_packet,
)

CAMERA = {
    "Make": "Canon",
    "Model": "Canon EOS R6",
    "DateTimeOriginal": "2024:11:01 09:30:15",
    "SubsecTimeOriginal": "5",
    "OffsetTimeOriginal": "+08:00",
    "GPSLatitudeRef": "N",
    "GPSLatitude": (36.0, 16.0, 48.0),
    "GPSLongitudeRef": "E",
    "GPSLongitude": (100.0, 37.0, 12.0),
    "Orientation": 6,
}


def test_import_stores_original_once_with_metadata_and_derivatives(
    archive: Archive, event: str, tmp_path: Path
) -> None:
    source = write(tmp_path / "IMG_0001.JPG", encode(stored_for(6, (600, 400)), tags=CAMERA))
    [result] = archive.imports.import_files([source], event)
    assert result.status == "imported" and result.error is None
    record = archive.exports.photo(result.photo_id)
    sha = hashlib.sha256(source.read_bytes()).hexdigest()
    assert record["sha256"] == sha
    assert record["original_name"] == "IMG_0001.JPG"
    assert record["original"] == f"originals/{sha[:2]}/{sha}.jpg"
    assert (archive.store.root / record["original"]).read_bytes() == source.read_bytes()
    assert (record["width"], record["height"], record["orientation"]) == (600, 400, 6)
    assert record["taken_at"] == "2024-11-01T09:30:15.500+08:00"
    assert record["gps"] == {"lat": pytest.approx(36.28), "lon": pytest.approx(100.62), "alt": None}
    assert record["derivatives"]["thumb"] == f"derived/thumb/{sha[:2]}/{sha}.jpg"
    for path in record["derivatives"].values():
        assert (archive.store.root / path).stat().st_size > 0


def test_same_bytes_twice_is_a_duplicate(archive: Archive, event: str, tmp_path: Path) -> None:
    first = photo(tmp_path / "a.jpg", seed=1)
    copy = write(tmp_path / "sub" / "renamed.jpeg", first.read_bytes())
    results = archive.imports.import_files([first], event) + archive.imports.import_files(
        [copy], event
    )
    assert [r.status for r in results] == ["imported", "duplicate"]
    assert results[1].photo_id == results[0].photo_id
    assert len(archive.exports.catalogue()["photos"]) == 1
    assert len(media_files(archive)) == 4  # one original, three derivatives


def test_duplicates_within_one_parallel_batch(archive: Archive, event: str, tmp_path: Path) -> None:
    files = [photo(tmp_path / "in" / f"p{i}.jpg", seed=i) for i in range(5)]
    files.append(write(tmp_path / "in" / "zz-copy.jpg", files[2].read_bytes()))
    results = archive.imports.import_files([tmp_path / "in"], event, jobs=2)
    by_name = {Path(r.path).name: r for r in results}
    assert sorted(r.status for r in results) == ["duplicate"] + ["imported"] * 5
    assert by_name["zz-copy.jpg"].photo_id == by_name["p2.jpg"].photo_id
    assert len(archive.exports.catalogue()["photos"]) == 5


def test_bad_files_fail_alone_and_leave_nothing(
    archive: Archive, event: str, tmp_path: Path
) -> None:
    good = photo(tmp_path / "batch" / "01-good.jpg", seed=1)
    data = encode(upright((800, 600)))
    write(tmp_path / "batch" / "02-empty.jpg", b"")
    write(tmp_path / "batch" / "03-text.jpg", "不是图片".encode() * 50)
    write(tmp_path / "batch" / "04-truncated.jpg", data[: len(data) // 2])
    write(tmp_path / "batch" / "05-pcx.jpg", encode(upright(), "PCX"))
    webp = encode(upright((800, 600)), "WEBP")
    write(tmp_path / "batch" / "08-cut.webp", webp[: len(webp) // 2])
    write(
        tmp_path / "batch" / "06-bomb.png",
        encode(__import__("PIL.Image").Image.new("1", (15000, 15000)), "PNG"),
    )
    photo(tmp_path / "batch" / "07-good.jpg", seed=2)
    write(tmp_path / "batch" / ".hidden.jpg", b"ignored")
    write(tmp_path / "batch" / "Thumbs.db", b"ignored")
    results = archive.imports.import_files([tmp_path / "batch"], event)
    outcome = {Path(r.path).name: (r.status, r.code, r.error or "") for r in results}
    assert set(outcome) == {
        "01-good.jpg",
        "02-empty.jpg",
        "03-text.jpg",
        "04-truncated.jpg",
        "05-pcx.jpg",
        "06-bomb.png",
        "07-good.jpg",
        "08-cut.webp",
    }
    assert outcome["01-good.jpg"][0] == outcome["07-good.jpg"][0] == "imported"
    assert outcome["02-empty.jpg"][1] == "empty_file"
    assert outcome["03-text.jpg"][1] == "not_an_image"
    # A JPEG cut short is kept, flagged (see test_images); a WebP cut short cannot be shown at all.
    assert outcome["04-truncated.jpg"][0] == "imported"
    assert outcome["08-cut.webp"][1] == "unreadable_image"
    assert outcome["05-pcx.jpg"][1:] == ("unsupported_format", outcome["05-pcx.jpg"][2])
    assert "PCX" in outcome["05-pcx.jpg"][2]
    assert outcome["06-bomb.png"][1] == "too_many_pixels"
    assert len(media_files(archive)) == 12  # three originals and their derivatives, nothing else
    assert not list((archive.store.root / "tmp").iterdir())
    assert good.exists()


def test_photographer_named_at_import_wins(archive: Archive, event: str, tmp_path: Path) -> None:
    path = photo(tmp_path / "a.jpg", {"Artist": "Someone Else"})
    [result] = archive.imports.import_files([path], event, photographer="楊 軍")
    assert archive.exports.photo(result.photo_id)["photographer"] == "楊軍"


def test_photographer_from_metadata_resolves_to_one_person(
    archive: Archive, event: str, tmp_path: Path
) -> None:
    a = with_iptc(encode(upright()), [(1, 90, b"\x1b%G"), (2, 80, "杨 军".encode())])
    b = encode(upright((300, 201)), xmp=xmp_packet(creator=["楊軍"]))
    c = encode(upright((300, 202)), tags={"Artist": "杨军"})
    d = encode(upright((300, 203)), tags={"XPAuthor": "楊 軍"})
    paths = [
        write(tmp_path / f"{n}.jpg", data) for n, data in zip("abcd", (a, b, c, d), strict=True)
    ]
    archive.events.add(
        "另一个活动", "培训", dt.date(2024, 1, 2), slug="other", credits={"photo": ["杨军"]}
    )
    results = archive.imports.import_files(paths, event)
    names = {archive.exports.photo(r.photo_id)["photographer"] for r in results}
    assert names == {"杨军"}  # the person already existed through the credit, and is found by key


def test_uploader_is_the_last_resort(archive: Archive, event: str, tmp_path: Path) -> None:
    archive.accounts.add("liman", "photographer", "pw-123456", person="李满桂")
    [result] = archive.imports.import_files([photo(tmp_path / "a.jpg")], event, uploader="liman")
    record = archive.exports.photo(result.photo_id)
    assert (record["photographer"], record["uploader"]) == ("李满桂", "liman")


def test_caption_at_import_or_from_file(archive: Archive, event: str, tmp_path: Path) -> None:
    tagged = photo(tmp_path / "a.jpg", {"ImageDescription": "检验科 学术交流"}, seed=1)
    plain = photo(tmp_path / "b.jpg", seed=2)
    [a] = archive.imports.import_files([tagged], event)
    [b] = archive.imports.import_files([plain], event, caption="<script>alert(1)</script> 开班仪式")
    assert archive.exports.photo(a.photo_id)["caption"] == "检验科 学术交流"
    assert archive.exports.photo(b.photo_id)["caption"] == "<script>alert(1)</script> 开班仪式"


def test_unknown_event_fails_before_any_work(archive: Archive, tmp_path: Path) -> None:
    with pytest.raises(NotFound, match="no event"):
        archive.imports.import_files([photo(tmp_path / "a.jpg")], "nope")
    assert media_files(archive) == []


def test_events_slugs_and_credits(archive: Archive) -> None:
    a = archive.events.add("ISO 15189 Training 培训", "培训", dt.date(2024, 3, 1))
    b = archive.events.add("ISO 15189 Training 培训", "培训", dt.date(2024, 3, 1))
    assert (a.slug, b.slug) == ("2024-03-01-iso-15189-training", "2024-03-01-iso-15189-training-2")
    with pytest.raises(Conflict):
        archive.events.add("x", "", dt.date(2024, 1, 1), slug=a.slug)
    with pytest.raises(InvalidInput):
        archive.events.add("x", "", dt.date(2024, 1, 1), slug="../etc")
    with pytest.raises(InvalidInput):
        archive.events.add("x", "", dt.date(2024, 1, 2), end_date=dt.date(2024, 1, 1))
    archive.events.set_credits(a.slug, {"photo": ["楊 軍", "李满桂", "杨军"], "review": ["王海涛"]})
    [exported] = archive.exports.catalogue(a.slug)["events"]
    assert exported["credits"] == [
        {"role": "photo", "label": "图", "names": ["楊軍", "李满桂"]},
        {"role": "review", "label": "审核", "names": ["王海涛"]},
    ]
    with pytest.raises(InvalidInput):
        archive.events.set_credits(a.slug, {"boss": ["x"]})


def test_users(archive: Archive) -> None:
    accounts = archive.accounts
    user = accounts.add("admin", "admin", "s3cret-pass")
    with archive.catalog.reading() as session:
        assert session.get(User, user.id).password_hash.startswith("scrypt:")
    with pytest.raises(Conflict):
        accounts.add("admin", "viewer")
    with pytest.raises(InvalidInput):
        accounts.add("eve", "superuser")
    with pytest.raises(InvalidInput):
        accounts.add("../x", "viewer")
    with pytest.raises(InvalidInput):
        accounts.add("short", "viewer", "1234567")
    assert accounts.authenticate("admin", "s3cret-pass") == user
    assert accounts.authenticate("admin", "wrong-pass") is None
    assert accounts.authenticate("nobody", "s3cret-pass") is None
    assert accounts.authenticate("short", "") is None
    accounts.add("nopass", "viewer")
    assert accounts.authenticate("nopass", "") is None  # no password set: cannot sign in
    token = accounts.create_token("admin", "backup script")
    assert accounts.for_token(token) == user and accounts.for_token(token + "x") is None
    with archive.catalog.reading() as session:
        assert token not in str(session.execute(text("select token_hash from api_token")).all())


def test_rebuild_derivatives(archive: Archive, event: str, tmp_path: Path) -> None:
    [result] = archive.imports.import_files([photo(tmp_path / "a.jpg")], event)
    record = archive.exports.photo(result.photo_id)
    thumb = archive.store.root / record["derivatives"]["thumb"]
    thumb.unlink()
    assert archive.derivatives.rebuild() == (1, [])
    assert thumb.stat().st_size > 0
    (archive.store.root / record["original"]).unlink()
    done, failures = archive.derivatives.rebuild()
    assert done == 0 and "original missing" in failures[0]


def test_camera_raw_is_archived_with_its_preview(
    archive: Archive, event: str, tmp_path: Path
) -> None:
    # A portrait shot: the sensor (and its preview) hold it sideways, Orientation 6 turns it upright.
    preview = stored_for(6, (200, 300))
    source = write(
        tmp_path / "DSC_0001.DNG", dng(preview, (300, 200), "NIKON CORPORATION", "NIKON Z 6", 6)
    )
    [result] = archive.imports.import_files([source], event)
    assert result.status == "imported", result.error
    record = archive.exports.photo(result.photo_id)
    assert record["original"].endswith(".dng")
    assert (record["camera_make"], record["camera_model"]) == ("NIKON CORPORATION", "NIKON Z 6")
    assert (record["width"], record["height"], record["orientation"]) == (200, 300, 6)
    shown = Image.open(archive.store.root / record["derivatives"]["thumb"])
    assert shown.size == (200, 300)  # upright, and never upscaled to 320
    colours = quadrant_colours(shown)
    assert all(close(colours[q], QUADRANTS[q]) for q in QUADRANTS), colours


def test_broken_raw_and_plain_tiff(archive: Archive, event: str, tmp_path: Path) -> None:
    whole = dng(upright((64, 48)))
    # The sensor data is cut but the preview survives: LibRaw cannot help, Pillow reads the preview.
    cut = write(tmp_path / "cut.dng", whole[: len(whole) // 3])
    gone = write(tmp_path / "gone.dng", whole[:400])
    tiff = write(tmp_path / "scan.tif", encode(upright((64, 48)), "TIFF", tags={"Make": "Canon"}))
    results = {Path(r.path).name: r for r in archive.imports.import_files([cut, gone, tiff], event)}
    assert results["cut.dng"].status == "imported"
    record = archive.exports.photo(results["cut.dng"].photo_id)
    assert record["original"].endswith(".dng")
    assert any("camera RAW" in w for w in record["warnings"])
    assert results["gone.dng"].status == "failed"
    assert "camera RAW file is incomplete or damaged" in results["gone.dng"].error
    assert results["scan.tif"].status == "imported"
    assert archive.exports.photo(results["scan.tif"].photo_id)["original"].endswith(".tif")
