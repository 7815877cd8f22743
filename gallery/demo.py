"""The demo archive: the two events of our reference story, with a dozen photos carrying real EXIF."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from gallery import images
from gallery.archive import Archive

DAY = dt.date(2024, 11, 1)
# Near Gonghe (恰卜恰), the seat of 海南藏族自治州, Qinghai.
GONGHE = (36.2806, 100.6197, 2835.0)

EVENTS = [
    {
        "slug": "2024-11-01-academic-exchange",
        "title": "青海红十字医院检验科赴海南州人民医院开展学术交流",
        "kind": "学术交流",
        "place": "海南州人民医院",
        "organisers": ["青海红十字医院检验科", "海南州人民医院检验科"],
        "description": (
            "11月1日，青海红十字医院检验科一行来到海南州人民医院，举办"
            "《医学实验认可与实验室检验质量改进培训班》，围绕ISO 15189认可、"
            "室内质控与室间质评开展学术交流。"
        ),
        "credits": {
            "text": ["马晓梅"],
            "photo": ["杨军", "李满桂"],
            "layout": ["韩雪"],
            "editor": ["张雯"],
            "review": ["王海涛"],
        },
        "photos": [
            ("09:12:08", "杨军", "培训班开班仪式现场"),
            ("09:40:31", "杨军", "专家讲授医学实验室认可要点"),
            ("10:25:47", "李满桂", "学员认真听讲并做笔记"),
            ("11:03:12", "杨军", "检验科同仁就室内质控交流经验"),
            ("11:36:55", "李满桂", "参观海南州人民医院检验科实验室"),
            ("12:05:20", "杨军", "双方检验科人员合影留念"),
            ("12:14:09", "李满桂", "培训班结业合影"),
        ],
    },
    {
        "slug": "2024-11-01-party-day",
        "title": "检验科党支部参观海南州建政70周年主题展览馆主题党日活动",
        "kind": "主题党日",
        "place": "海南州建政70周年主题展览馆",
        "organisers": ["青海红十字医院检验科党支部"],
        "description": (
            "学术交流结束后，检验科党支部党员前往海南州建政70周年主题展览馆，"
            "开展主题党日活动，重温入党誓词。"
        ),
        "credits": {
            "text": ["马晓梅"],
            "photo": ["李满桂"],
            "layout": ["韩雪"],
            "editor": ["张雯"],
            "review": ["王海涛"],
        },
        "photos": [
            ("15:02:44", "李满桂", "党员们在展览馆前集合"),
            ("15:20:13", "李满桂", "讲解员介绍海南州建政70年发展历程"),
            ("15:48:39", "杨军", "党员们驻足观看历史图片"),
            ("16:10:05", "李满桂", "面向党旗重温入党誓词"),
            ("16:25:58", "杨军", "主题党日活动合影"),
        ],
    },
]

CAMERAS = {
    "杨军": ("Canon", "Canon EOS R6", "RF24-105mm F4 L IS USM"),
    "李满桂": ("HUAWEI", "ALN-AL00", "HUAWEI Mate 60 Pro Rear Main Camera"),
}


def _tags(index: int, time: str, photographer: str) -> dict[str, object]:
    """Return realistic EXIF for one demo photo."""
    make, model, lens = CAMERAS[photographer]
    lat, lon, alt = GONGHE
    lat += 0.0009 * (index % 5)
    lon += 0.0011 * (index % 4)

    def dms(value: float) -> tuple[float, float, float]:
        minutes, seconds = divmod(value * 3600, 60)
        degrees, minutes = divmod(minutes, 60)
        return float(degrees), float(minutes), round(seconds, 2)

    return {
        "Make": make,
        "Model": model,
        "LensModel": lens,
        "Artist": photographer,
        "Copyright": "青海红十字医院",
        "DateTimeOriginal": f"{DAY:%Y:%m:%d} {time}",
        "OffsetTimeOriginal": "+08:00",
        "SubsecTimeOriginal": f"{index * 37 % 1000:03d}",
        "ExposureTime": 1 / (60 + 40 * (index % 4)),
        "FNumber": 4.0 if make == "Canon" else 1.8,
        "ISOSpeedRatings": 200 * (1 + index % 3),
        "FocalLength": 24.0 + 9 * (index % 6) if make == "Canon" else 6.9,
        "GPSLatitudeRef": "N",
        "GPSLatitude": dms(lat),
        "GPSLongitudeRef": "E",
        "GPSLongitude": dms(lon),
        "GPSAltitudeRef": b"\x00",
        "GPSAltitude": alt + index,
    }


def create_demo(archive: Archive) -> list[str]:
    """Create the demo events, credits and photos in ``archive``; return the events' slugs."""
    slugs = []
    index = 0
    with tempfile.TemporaryDirectory(prefix="gallery-demo-") as folder:
        for spec in EVENTS:
            event = archive.events.add(
                spec["title"],
                spec["kind"],
                DAY,
                place=spec["place"],
                organisers=spec["organisers"],
                description=spec["description"],
                slug=spec["slug"],
                credits=spec["credits"],
            )
            slugs.append(event.slug)
            for time, photographer, caption in spec["photos"]:
                index += 1
                size = (2400, 1600) if index % 3 else (1600, 2400)
                path = Path(folder) / f"IMG_{index:04d}.jpg"
                path.write_bytes(images.sample_photo(size, index, _tags(index, time, photographer)))
                archive.imports.import_files(
                    [path], event.slug, photographer=photographer, caption=caption
                )
    return slugs
