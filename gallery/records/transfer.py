"""From complete records to the transfer package's groups: each photo read once, every element as text."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from gallery.catalog import Catalog, Photo
from gallery.media_store import MediaStore
from gallery.records.package import PackedGroup, PackedPhoto


@dataclass(frozen=True)
class Retention:
    """A retention period (保管期限): its key, its label and the code 档号 carry."""

    key: str
    label: str
    code: str


def parse_retention(spec: str) -> dict[str, Retention]:
    """Parse ``"permanent=永久=Y,long=长期（30年）=C"`` into retention periods by key."""
    periods: dict[str, Retention] = {}
    for part in spec.split(","):
        fields = [f.strip() for f in part.split("=")]
        if len(fields) != 3 or not all(fields):
            raise ValueError(f"bad retention period {part!r}: expected key=label=code")
        periods[fields[0]] = Retention(*fields)
    return periods


@dataclass(frozen=True)
class CodeRules:
    """How 档号 and 照片号 are built: the fonds (全宗号) and the two patterns."""

    fonds: str
    group_pattern: str  # fields: fonds, year, retention (its code), group (组号)
    photo_pattern: str  # fields: group_code, item (张号), and the group's fields
    retention: Mapping[str, Retention]
    secrecy: Sequence[str]


def packed_groups(
    catalog: Catalog, store: MediaStore, rules: CodeRules, records: Sequence[Mapping[str, Any]]
) -> list[PackedGroup]:
    """Turn complete records into what the package writer needs, reading each photo once."""
    packed = []
    with catalog.reading() as session:
        for record in records:
            fields = record["fields"]
            retention = rules.retention[fields["retention"]].label
            group = PackedGroup(
                code=record["code"],
                elements={
                    "题名": fields["title"],
                    "事由": fields["cause"],
                    "时间": fields["time_text"],
                    "地点": fields["place"],
                    "人物": fields["people"],
                    "背景": fields["background"],
                    "保管期限": retention,
                    "密级": fields["secrecy"],
                    "著录者": fields["cataloguer"],
                    "审核者": fields["reviewer"],
                },
            )
            chosen = sorted((p for p in record["photos"] if p["selected"]), key=lambda p: p["code"])
            for shown in chosen:
                photo = session.get(Photo, shown["id"])
                gps = None
                if photo.gps_lat is not None and photo.gps_lon is not None:
                    gps = {"纬度": photo.gps_lat, "经度": photo.gps_lon}
                    if photo.gps_alt is not None:
                        gps["高度"] = photo.gps_alt
                software = str(photo.tags.get("Image Software", ""))
                group.photos.append(
                    PackedPhoto(
                        code=shown["code"],
                        elements={
                            "题名": shown["caption"].split("。")[0][:200] or fields["title"],
                            "摄影者": shown["photographer"],
                            "著录者": fields["cataloguer"],
                            "审核者": fields["reviewer"],
                            "摄影时间": shown["taken"],
                            "地点": fields["place"],
                            "背景": shown["background"] or fields["background"],
                            "文字说明": shown["caption"],
                            "保管期限": retention,
                            "密级": fields["secrecy"],
                            "参见号": shown["see_also"],
                            "数字化处理软件": software,
                            "来源": f"{record['event_title']}（{record['slug']}）",
                        },
                        people=shown["people"],
                        gps=gps,
                        device={"make": photo.camera_make, "model": photo.camera_model},
                        original=store.original_path(photo.sha256, photo.ext),
                        ext=photo.ext,
                        sha256=photo.sha256,
                    )
                )
            packed.append(group)
    return packed
