"""Records for the archives office: describe, choose, number once, and transfer a checked package."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import zipfile
from pathlib import Path

import pytest
from lxml import etree
from PIL import Image

from gallery import create_app, get_archive
from gallery.archive import Archive
from gallery.errors import Conflict, InvalidInput
from gallery.records import parse_people
from gallery.records.package import SCHEMA
from tests.imagegen import encode, photo, upright, write

GPS = {
    "Make": "Canon",
    "Model": "EOS R6",
    "DateTimeOriginal": "2024:11:01 10:00:00",
    "GPSLatitudeRef": "N",
    "GPSLatitude": (36.0, 16.0, 50.0),
    "GPSLongitudeRef": "E",
    "GPSLongitude": (100.0, 37.0, 11.0),
}


@pytest.fixture
def archive(tmp_path: Path) -> Archive:
    """An archive with a fonds number, as the archives office gives one."""
    app = create_app(
        {
            "MEDIA_DIR": tmp_path / "media",
            "INDEX_DIR": tmp_path / "index",
            "SECRET_KEY": "test",
            "ARCHIVE_FONDS": "0427",
        }
    )
    yield get_archive(app)
    get_archive(app).close()


@pytest.fixture
def visit(archive: Archive, tmp_path: Path) -> tuple[str, list[int]]:
    """An event from its article (credits included) with three photos, one of them a PNG."""
    event = archive.events.add(
        "检验科党支部赴海南州开展主题党日活动",
        "主题党日",
        dt.date(2024, 11, 1),
        place="海南州建政70周年主题展览馆",
        description="检验科党支部于11月1日赴海南州参观学习。活动中大家重温入党誓词。",
        credits={"photo": ["李满桂"], "editor": ["马秀清"], "review": ["扎洛"]},
        slug="visit",
    )
    files = [
        photo(tmp_path / "in" / "a.jpg", GPS, seed=1),
        photo(
            tmp_path / "in" / "b.jpg", {**GPS, "DateTimeOriginal": "2024:11:01 09:00:00"}, seed=2
        ),
        write(tmp_path / "in" / "c.png", encode(upright(), "PNG")),
    ]
    results = archive.imports.import_files(files, event.slug)
    ids = [r.photo_id for r in results]
    for n, photo_id in enumerate(ids):
        archive.photos.edit(photo_id, caption=f"党员在展览馆参观学习（{n + 1}）。")
    return event.slug, ids


def test_what_the_archive_knows_is_filled_in(archive: Archive, visit) -> None:
    slug, ids = visit
    record = archive.records.description(slug)
    fields = record["fields"]
    assert fields["title"] == "检验科党支部赴海南州开展主题党日活动"
    assert fields["time_text"] == "2024年11月1日"
    assert fields["place"] == "海南州建政70周年主题展览馆"
    assert fields["cause"] == "检验科党支部于11月1日赴海南州参观学习"
    assert fields["cataloguer"] == "马秀清" and fields["reviewer"] == "扎洛"
    assert {p["photographer"] for p in record["photos"]} == {"李满桂"}  # 图 → 摄影者
    assert record["selected"] == 0
    assert "组：保管期限" in record["missing"] and "没有选入归档的照片" in record["missing"]


def test_people_shown_are_parsed_in_order_and_linked(archive: Archive, visit) -> None:
    slug, ids = visit
    shown = parse_people("扎洛（海南州人民医院 院长）、李满桂， 杨军（宣传科）")
    assert shown == [
        {"name": "扎洛", "unit": "海南州人民医院", "post": "院长"},
        {"name": "李满桂", "unit": "", "post": ""},
        {"name": "杨军", "unit": "", "post": "宣传科"},
    ]
    archive.records.set_people(ids[0], shown)
    photo = next(p for p in archive.records.description(slug)["photos"] if p["id"] == ids[0])
    assert [p["name"] for p in photo["people"]] == ["扎洛", "李满桂", "杨军"]
    assert archive.search.search("扎洛").total >= 1  # the names shown reach search
    # 人物: finds the photo they are in; 李满桂 took all three but is shown in one only.
    for query in ("人物:扎洛", "人物:李满桂", "人物:zhaluo", "people:杨军"):
        assert [h.photo_id for h in archive.search.search(query).hits] == [ids[0]], query
    assert archive.search.search("人物:马秀清").total == 0  # credited, not shown


def _describe_and_number(archive: Archive, slug: str, ids: list[int]) -> str:
    archive.records.save(slug, {"retention": "permanent", "secrecy": "内部"})
    assert archive.records.select(slug, ids) == 3
    return archive.records.assign_codes(slug)


def test_codes_follow_the_pattern_and_never_change(archive: Archive, visit) -> None:
    slug, ids = visit
    code = _describe_and_number(archive, slug, ids)
    assert code == "0427-ZP-2024-Y-001"
    record = archive.records.description(slug)
    codes = {p["id"]: p["code"] for p in record["photos"]}
    # Numbered as taken: b (09:00) before a (10:00); the undated PNG last.
    assert [codes[ids[1]], codes[ids[0]], codes[ids[2]]] == [f"{code}-000{n}" for n in (1, 2, 3)]
    assert record["missing"] == []
    assert archive.records.assign_codes(slug) == code  # again: nothing moves
    assert {p["id"]: p["code"] for p in archive.records.description(slug)["photos"]} == codes
    with pytest.raises(Conflict):
        archive.records.select(slug, [ids[0]], selected=False)
    other = archive.events.add("学术交流", "学术交流", dt.date(2024, 12, 1), slug="other")
    [extra] = archive.imports.import_files(
        [photo(Path(archive.store.root).parent / "d.jpg", seed=9)], other.slug
    )
    archive.records.save(other.slug, {"retention": "permanent", "secrecy": "公开"})
    archive.records.select(other.slug, [extra.photo_id])
    assert archive.records.assign_codes(other.slug) == "0427-ZP-2024-Y-002"


def test_a_missing_element_stops_the_transfer_and_writes_nothing(
    archive: Archive, visit, tmp_path
) -> None:
    slug, ids = visit
    archive.records.select(slug, ids)
    with pytest.raises(InvalidInput) as refused:
        archive.records.transfer(2024, tmp_path / "out.zip")
    assert "保管期限" in str(refused.value) and "档号尚未编制" in str(refused.value)
    assert not (tmp_path / "out.zip").exists()
    assert not list(tmp_path.glob(".transfer-*"))


def test_the_transfer_package(archive: Archive, visit, tmp_path: Path) -> None:
    slug, ids = visit
    archive.records.set_people(ids[0], parse_people("扎洛（海南州人民医院 院长）"))
    code = _describe_and_number(archive, slug, ids)
    path, groups, photos = archive.records.transfer(
        2024, tmp_path / "2024.zip", transferred_by="马秀清"
    )
    assert (groups, photos) == (1, 3)
    with zipfile.ZipFile(path) as pack:
        names = set(pack.namelist())
        xml = pack.read("目录.xml")
        statement = pack.read("说明文件.txt").decode("utf-8")
        files = {name: pack.read(name) for name in names}
    assert {f"照片/{code}-0001.jpg", f"照片/{code}-0003.jpg", f"原始文件/{code}-0003.png"} <= names
    assert {"目录.xml", "目录.html", "说明文件.txt"} <= names
    # JPEG originals travel byte for byte; the PNG as a JPEG with its original beside it.
    originals = {p["id"]: p for p in archive.exports.catalogue()["photos"]}
    assert hashlib.sha256(files[f"照片/{code}-0002.jpg"]).hexdigest() == originals[ids[0]]["sha256"]
    assert (
        hashlib.sha256(files[f"原始文件/{code}-0003.png"]).hexdigest()
        == originals[ids[2]]["sha256"]
    )
    assert Image.open(io.BytesIO(files[f"照片/{code}-0003.jpg"])).format == "JPEG"
    schema = etree.XMLSchema(etree.parse(str(SCHEMA)))
    document = etree.fromstring(xml)
    schema.assertValid(document)
    ns = {"d": "urn:gallery:da-t-54-2014"}
    first = document.find(f".//d:照片[@照片号='{code}-0002']", ns)
    assert first.findtext("d:摄影者", namespaces=ns) == "李满桂"
    assert first.findtext("d:人物/d:人", namespaces=ns) == "扎洛"
    assert first.find("d:拍摄位置", ns).get("纬度").startswith("36.28")
    assert first.find("d:设备", ns).get("型号") == "EOS R6"
    assert "1 组，3 张" in statement and "移交人：马秀清" in statement
    for name in (f"照片/{code}-0001.jpg", "目录.xml"):
        assert f"{hashlib.sha256(files[name]).hexdigest()}  {name}" in statement


def test_the_schema_refuses_a_record_without_its_photographer(
    archive: Archive, visit, tmp_path
) -> None:
    slug, ids = visit
    _describe_and_number(archive, slug, ids)
    path, _groups, _photos = archive.records.transfer(2024, tmp_path / "folder")
    document = etree.parse(str(path / "目录.xml"))
    schema = etree.XMLSchema(etree.parse(str(SCHEMA)))
    ns = {"d": "urn:gallery:da-t-54-2014"}
    document.find(".//d:照片/d:摄影者", ns).text = ""
    assert not schema.validate(document)


def test_gb18030_on_request(archive: Archive, visit, tmp_path: Path) -> None:
    slug, ids = visit
    _describe_and_number(archive, slug, ids)
    path, _groups, _photos = archive.records.transfer(2024, tmp_path / "gb", encoding="gb18030")
    raw = (path / "目录.xml").read_bytes()
    assert raw.startswith(b'<?xml version="1.0" encoding="GB18030"?>')
    assert "检验科党支部".encode("gb18030") in raw
    etree.XMLSchema(etree.parse(str(SCHEMA))).assertValid(etree.fromstring(raw))
