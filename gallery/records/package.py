"""The transfer package for the archives office: originals, a DA/T 54 catalogue XML, 说明文件, 目录.

Layout of a package (a folder or a .zip), written whole or not at all:

    照片/<照片号>.<jpg|tif>        the archived original, byte for byte (JPEG and TIFF), or a JPEG
                                   converted from it with its EXIF kept (other formats)
    原始文件/<照片号>.<ext>          the original beside its conversion, for formats converted
    目录.xml                        the catalogue: groups and photos with the DA/T 54 elements
    目录.html                       the same, printable
    说明文件.txt                    what was transferred, by whom, how many, and every file's SHA-256
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import os
import shutil
import tempfile
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

from gallery.errors import Conflict, InvalidInput

SCHEMA = Path(__file__).with_name("dat54.xsd")
NAMESPACE = "urn:gallery:da-t-54-2014"
#: Formats the archives office takes as they are (DA/T 50: JPEG, TIFF).
KEPT = {"jpg", "tif"}


@dataclass
class PackedPhoto:
    """One photo of the transfer, with every element of its record."""

    code: str  # 照片号
    elements: dict[str, str]  # 题名, 摄影者, … as text
    people: list[dict[str, str]]
    gps: dict[str, float] | None
    device: dict[str, str]
    original: Path
    ext: str
    sha256: str


@dataclass
class PackedGroup:
    """One photo group (an event) of the transfer."""

    code: str  # 档号
    elements: dict[str, str]
    photos: list[PackedPhoto] = field(default_factory=list)


def catalogue_xml(
    groups: Sequence[PackedGroup], fonds: str, year: int, files: dict[str, tuple[str, str]]
) -> ET.Element:
    """Build the catalogue: ``files`` maps 照片号 → (file name in the package, its SHA-256)."""
    ET.register_namespace("", NAMESPACE)

    def sub(parent: ET.Element, tag: str, text: str = "", **attrs: str) -> ET.Element:
        element = ET.SubElement(parent, f"{{{NAMESPACE}}}{tag}", {k: v for k, v in attrs.items()})
        element.text = text
        return element

    root = ET.Element(f"{{{NAMESPACE}}}照片档案", {"全宗号": fonds, "年度": str(year)})
    for group in groups:
        g = sub(root, "照片组", 档号=group.code)
        sub(g, "题名", group.elements["题名"])
        summary = sub(g, "总说明")
        for tag in ("事由", "时间", "地点", "人物", "背景"):
            sub(summary, tag, group.elements.get(tag, ""))
        for tag in ("保管期限", "密级", "著录者", "审核者"):
            sub(g, tag, group.elements.get(tag, ""))
        for photo in group.photos:
            p = sub(g, "照片", 照片号=photo.code, 档号=group.code)
            for tag in ("题名", "摄影者", "著录者", "审核者", "摄影时间", "地点"):
                sub(p, tag, photo.elements.get(tag, ""))
            people = sub(p, "人物")
            for n, person in enumerate(photo.people, 1):
                sub(
                    people,
                    "人",
                    person["name"],
                    序号=str(n),
                    单位=person["unit"],
                    职务=person["post"],
                )
            for tag in ("背景", "文字说明", "保管期限", "密级", "参见号"):
                sub(p, tag, photo.elements.get(tag, ""))
            if photo.gps:
                sub(
                    p,
                    "拍摄位置",
                    **{k: f"{v:.7f}".rstrip("0").rstrip(".") for k, v in photo.gps.items()},
                )  # noqa: E501
            sub(p, "设备", 制造商=photo.device.get("make", ""), 型号=photo.device.get("model", ""))
            sub(p, "数字化处理软件", photo.elements.get("数字化处理软件", ""))
            sub(p, "来源", photo.elements.get("来源", ""))
            name, sha = files[photo.code]
            sub(p, "文件", 名称=name, 格式=Path(name).suffix.lstrip(".").upper(), SHA256=sha)
    ET.indent(root)
    return root


def write_package(
    target: Path,
    groups: Sequence[PackedGroup],
    *,
    fonds: str,
    year: int,
    transferred_by: str,
    convert: Any,
    encoding: str = "utf-8",
) -> Path:
    """Write the transfer package to a new folder or .zip; ``convert(path) -> bytes`` makes JPEGs."""
    target = target.expanduser().absolute()
    if target.exists() and not (target.is_dir() and not any(target.iterdir())):
        raise Conflict(f"{target} already exists: choose a new folder or ZIP file")
    if not target.parent.is_dir():
        raise InvalidInput(f"no such folder: {target.parent}")
    work = Path(tempfile.mkdtemp(prefix=".transfer-", dir=target.parent))
    try:
        files: dict[str, tuple[str, str]] = {}
        sums: list[tuple[str, str]] = []
        for group in groups:
            for photo in group.photos:
                name = _place_original(work, photo, convert)
                digest = _sha256(work / name)
                files[photo.code] = (name, digest)
                sums.append((name, digest))
                if photo.ext not in KEPT:
                    beside = f"原始文件/{photo.code}.{photo.ext}"
                    sums.append((beside, _sha256(work / beside)))
        root = catalogue_xml(groups, fonds, year, files)
        xml = ET.tostring(root, encoding="unicode", xml_declaration=False)
        declaration = f'<?xml version="1.0" encoding="{encoding.upper()}"?>\n'
        (work / "目录.xml").write_bytes((declaration + xml + "\n").encode(encoding))
        (work / "目录.html").write_text(_listing_html(groups, fonds, year), encoding="utf-8")
        for name in ("目录.xml", "目录.html"):
            sums.append((name, _sha256(work / name)))
        (work / "说明文件.txt").write_text(
            _statement(groups, fonds, year, transferred_by, sums), encoding=encoding
        )
        return _publish(work, target)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise


def _place_original(work: Path, photo: PackedPhoto, convert: Any) -> str:
    """Copy (or convert) one original into the package and return its name there."""
    photos = work / "照片"
    photos.mkdir(exist_ok=True)
    if photo.ext in KEPT:
        name = f"照片/{photo.code}.{photo.ext}"
        shutil.copyfile(photo.original, work / name)
        return name
    name = f"照片/{photo.code}.jpg"
    (work / name).write_bytes(convert(photo.original))
    beside = work / "原始文件"
    beside.mkdir(exist_ok=True)
    shutil.copyfile(photo.original, beside / f"{photo.code}.{photo.ext}")
    return name


def _sha256(path: Path) -> str:
    """Return a file's SHA-256."""
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _statement(
    groups: Sequence[PackedGroup],
    fonds: str,
    year: int,
    transferred_by: str,
    sums: list[tuple[str, str]],
) -> str:
    """Write 说明文件.txt: what, who, how many, and the checksums."""
    count = sum(len(g.photos) for g in groups)
    lines = [
        "数码照片归档移交说明",
        "",
        f"全宗号：{fonds}",
        f"年度：{year}",
        f"移交内容：{year} 年度活动照片，{len(groups)} 组，{count} 张",
        f"移交人：{transferred_by or '—'}",
        f"移交日期：{dt.date.today():%Y年%m月%d日}",
        "依据：DA/T 50-2014《数码照片归档与管理规范》、DA/T 54-2014《照片类电子档案元数据方案》",
        "",
        "照片组：",
        *(f"  {g.code}  {g.elements['题名']}（{len(g.photos)} 张）" for g in groups),
        "",
        "文件校验（SHA-256）：",
        *(f"  {digest}  {name}" for name, digest in sums),
    ]
    return "\n".join(lines) + "\n"


def _listing_html(groups: Sequence[PackedGroup], fonds: str, year: int) -> str:
    """Write the printable 目录 of groups and photos."""
    e = html.escape
    rows = []
    for group in groups:
        rows.append(
            f"<h2>{e(group.code)} {e(group.elements['题名'])}</h2>"
            f"<p>{e(group.elements.get('时间', ''))} · {e(group.elements.get('地点', ''))} · "
            f"{e(group.elements.get('保管期限', ''))} · {e(group.elements.get('密级', ''))}</p>"
            f"<p>{e(group.elements.get('事由', ''))}</p>"
            "<table><tr><th>照片号</th><th>摄影时间</th><th>摄影者</th><th>人物</th>"
            "<th>文字说明</th></tr>"
        )
        for photo in group.photos:
            people = "、".join(p["name"] for p in photo.people)
            rows.append(
                f"<tr><td>{e(photo.code)}</td><td>{e(photo.elements['摄影时间'])}</td>"
                f"<td>{e(photo.elements['摄影者'])}</td><td>{e(people)}</td>"
                f"<td>{e(photo.elements['文字说明'])}</td></tr>"
            )
        rows.append("</table>")
    style = (
        "body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;width:100%}"
        "td,th{border:1px solid #444;padding:4px 6px;text-align:left;vertical-align:top}"
        "h2{margin-top:2em;font-size:1.1em}@media print{h2{break-before:page}}"
    )
    return (
        f'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
        f"<title>{e(fonds)} {year} 年度照片档案目录</title><style>{style}</style></head><body>"
        f"<h1>{e(fonds)} · {year} 年度照片档案目录</h1>{''.join(rows)}</body></html>\n"
    )


def _publish(work: Path, target: Path) -> Path:
    """Move the finished package into place: a ZIP written beside, or the folder renamed."""
    if target.suffix.lower() == ".zip":
        fd, temp = tempfile.mkstemp(prefix=".transfer-", suffix=".zip", dir=target.parent)
        os.close(fd)
        try:
            with zipfile.ZipFile(temp, "w", zipfile.ZIP_DEFLATED) as pack:
                for path in sorted(work.rglob("*")):
                    if path.is_file():
                        pack.write(path, path.relative_to(work).as_posix())
            os.replace(temp, target)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
        shutil.rmtree(work, ignore_errors=True)
        return target
    if target.exists():
        target.rmdir()
    os.replace(work, target)
    return target
