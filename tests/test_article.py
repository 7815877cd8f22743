"""The event story: recognising publicity articles, saving their events, credits, the press pack."""

from __future__ import annotations

import datetime as dt
import json
import zipfile
from pathlib import Path

import pytest
from PIL import Image

from gallery.archive import Archive
from gallery.article import parse_article, split_names
from tests.imagegen import photo

ARTICLES = Path(__file__).parent / "articles"


def read(name: str) -> str:
    """Return the text of one of the articles written for these tests."""
    return (ARTICLES / name).read_text(encoding="utf-8")


def credits(article) -> dict[str, list[str]]:
    """Return role → names of a recognised article."""
    return {c["role"]: c["names"] for c in article.to_json()["credits"]}


def test_clean_simplified_article() -> None:
    article = parse_article(read("clean.txt"))
    assert article.title == (
        "党建引领强服务 凝心聚力促发展——检验科党支部开展“重温入党誓词”主题党日活动"
    )
    assert article.published_at == dt.datetime(2024, 11, 6, 14, 34, 15)
    assert article.event_date == dt.date(2024, 11, 1)
    assert article.kind == "主题党日"
    assert article.places[0] == "延安革命纪念馆"
    assert article.organisers == ["第三十三党支部", "检验科"]
    assert article.keywords == ["伟大征程", "以高质量党建引领检验学科发展"]
    assert credits(article) == {
        "text": ["张雯"],
        "photo": ["楊軍", "李明"],
        "layout": ["王芳"],
        "editor": ["张雯"],
        "review": ["刘强"],
    }
    assert article.unrecognised == []
    assert "文：" not in article.body and article.body.startswith("为深入学习")


def test_traditional_article_keeps_the_authors_characters() -> None:
    article = parse_article(read("traditional.txt"))
    assert article.title.startswith("黨建引領強服務——輸血科黨支部")
    assert article.published_at == dt.datetime(2023, 5, 20, 9, 12)
    assert article.event_date == dt.date(2023, 5, 18)
    assert article.places == ["醫院學術報告廳"]
    assert article.organisers == ["輸血科黨支部", "市中心血站黨支部"]
    assert article.keywords == ["臨床合理用血"]
    assert credits(article) == {
        "text": ["陳靜"],
        "photo": ["楊軍"],
        "layout": ["黃小蘭"],
        "editor": ["張雯"],
        "review": ["劉強"],
    }


def test_article_garbled_with_pinyin() -> None:
    article = parse_article(read("garbled.txt"))
    assert article.title == "黨建引領促發展——檢驗科黨支部開展主題黨日活動"
    assert article.event_date == dt.date(2024, 11, 1)
    assert article.places == ["紅色教育基地"]
    assert article.organisers == ["檢驗科黨支部"]
    assert credits(article) == {"text": ["張雯"], "photo": ["楊軍"], "review": ["劉強"]}
    assert "(" not in article.text and "yàn" not in article.text
    assert "黨建引領" in article.text  # the author's characters, not converted


def test_ascii_colons_range_over_new_year_and_listed_names() -> None:
    article = parse_article(read("ascii.txt"))
    # 12月29日 in a post of 3 January is last year's; the range keeps its last day.
    assert (article.event_date, article.end_date) == (dt.date(2023, 12, 29), dt.date(2023, 12, 30))
    assert article.kind == "学术交流"
    assert article.places == ["第一人民医院学术报告厅"]
    assert article.organisers == ["检验科"]
    assert article.keywords == ["ISO 15189 认可实践"]
    assert credits(article) == {
        "text": ["张雯", "李四"],
        "photo": ["杨军", "王五"],
        "editor": ["张雯"],
        "review": ["刘强"],
    }


def test_article_without_credits() -> None:
    article = parse_article(read("nocredits.txt"))
    assert article.title == "护理部举办新入职护士岗前培训"
    assert (article.event_date, article.end_date) == (dt.date(2024, 7, 10), dt.date(2024, 7, 12))
    assert article.places == ["门诊楼三楼会议室"]
    assert article.organisers == ["护理部"]
    assert article.keywords == ["护理核心制度", "院感防控"]
    assert article.credits == {}


def test_unknown_labels_and_trailing_lines_are_listed_not_guessed() -> None:
    text = (
        "标题\n原创 检验科 2024年11月06日 14:34\n十一月一日，检验科在会议室开会。\n"
        "来源：检验科\n文：张雯 图：杨军 责任编辑：李四\n摄像：王五\nEND\n"
    )
    article = parse_article(text)
    assert article.published_at == dt.datetime(2024, 11, 6, 14, 34)
    assert article.event_date == dt.date(2024, 11, 1)
    assert credits(article) == {"text": ["张雯"], "photo": ["杨军"], "editor": ["李四"]}
    assert article.unrecognised == ["来源：检验科", "摄像：王五"]


def test_dates_after_publication_or_without_a_year_are_noted() -> None:
    article = parse_article("标题\n12月1日至3日举办培训。\n")
    assert article.event_date is None and article.published_at is None
    assert article.unrecognised == []
    assert ("date_without_year", "12月1日至3日") in [(n.code, n.detail) for n in article.notes]
    assert "no_event_date" in article.note_codes
    late = parse_article("检验科举办质控培训班\n2024-03-01 10:00\n3月5日至6日，检验科举办培训。\n")
    assert late.event_date == dt.date(2024, 3, 1)  # the publication's day, said so
    assert late.note_codes[:2] == ["date_after_publication", "event_date_from_publication"]
    assert parse_article("").note_codes == ["empty"]
    assert parse_article(" \n\n").note_codes == ["empty"]


@pytest.mark.parametrize(
    ("written", "names"),
    [
        ("楊 軍 李明", ["楊軍", "李明"]),
        ("张 雯 刘 强", ["张雯", "刘强"]),
        ("王 小明、李四", ["王小明", "李四"]),
        ("Anna Smith", ["Anna", "Smith"]),
        ("马 秀 清", ["马秀清"]),
        ("馬 秀 清 楊 軍", ["馬秀清", "楊軍"]),
        ("张 雯 刘 强 王 五", ["张雯", "刘强", "王五"]),
        ("李明 王 五", ["李明", "王五"]),
    ],
)
def test_split_names(written: str, names: list[str]) -> None:
    assert split_names(written) == names


def test_cli_prints_json_and_saves_on_request(runner, archive: Archive) -> None:
    result = runner.invoke(
        args=["event", "import-article", "-", "--json"], input=read("garbled.txt")
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) >= {
        "title",
        "published_at",
        "event_date",
        "places",
        "organisers",
        "keywords",
        "credits",
        "unrecognised",
    }
    assert data["published_at"] == "2024-11-06 14:34:15"
    assert data["event_date"] == "2024-11-01"
    assert data["credits"][1] == {"role": "photo", "names": ["楊軍"]}
    assert archive.events.is_empty()  # --json alone saves nothing

    result = runner.invoke(
        args=["event", "import-article", "-", "--save", "--slug", "party-day"],
        input=read("clean.txt"),
    )
    assert result.exit_code == 0, result.output
    assert "organisers:   第三十三党支部、检验科" in result.output
    event = archive.events.get("party-day")
    assert event["start_date"] == "2024-11-01" and event["kind"] == "主题党日"
    assert event["published_at"] == "2024-11-06 14:34:15"
    assert [(c["label"], c["names"]) for c in event["credits"]] == [
        ("文", ["张雯"]),
        ("图", ["楊軍", "李明"]),
        ("排版", ["王芳"]),
        ("责任编辑", ["张雯"]),
        ("审核", ["刘强"]),
    ]
    # The editor's credit is searchable, in either script; the 《》 titles too.
    assert [e["slug"] for e in archive.search.search("張雯").events] == ["party-day"]
    assert [e["slug"] for e in archive.search.search("伟大征程").events] == ["party-day"]


def test_credited_people_are_the_same_person_across_articles(archive: Archive) -> None:
    a = archive.events.add_from_article(parse_article(read("garbled.txt")), slug="a")
    b = archive.events.add_from_article(parse_article(read("ascii.txt")), slug="b")
    assert a.slug == "a" and b.slug == "b"
    with archive.catalog.reading() as session:
        from gallery.catalog.models import Person

        names = {p.display_name for p in session.query(Person)}
    # 楊軍 (Traditional, garbled) and 杨军 resolve to one person, as do 張雯 and 张雯.
    assert len([n for n in names if n in ("楊軍", "杨军")]) == 1
    assert len([n for n in names if n in ("張雯", "张雯")]) == 1


def test_photos_default_to_the_articles_one_photographer(
    runner, archive: Archive, tmp_path: Path
) -> None:
    archive.events.add_from_article(parse_article(read("garbled.txt")), slug="one")
    photo(tmp_path / "in" / "a.jpg")
    result = runner.invoke(args=["import", str(tmp_path / "in"), "--event", "one"])
    assert result.exit_code == 0, result.output
    assert archive.exports.catalogue("one")["photos"][0]["photographer"] == "楊軍"


def test_several_photographers_are_asked_for(runner, archive: Archive, tmp_path: Path) -> None:
    archive.events.add_from_article(parse_article(read("clean.txt")), slug="two")
    photo(tmp_path / "in" / "a.jpg")
    result = runner.invoke(args=["import", str(tmp_path / "in"), "--event", "two"])
    assert result.exit_code == 0, result.output
    assert "several photographers (楊軍、李明)" in result.stderr
    assert archive.exports.catalogue("two")["photos"][0]["photographer"] is None


def test_press_pack_to_zip_and_folder(runner, archive: Archive, tmp_path: Path) -> None:
    from tests.test_cli import TAGS

    archive.events.add_from_article(parse_article(read("clean.txt")), slug="pack")
    photo(tmp_path / "in" / "a.jpg", tags=TAGS, size=(1600, 1200), seed=1)
    photo(tmp_path / "in" / "b.jpg", size=(800, 600), seed=2)
    archive.imports.import_files([tmp_path / "in"], "pack", photographer="楊 軍")
    first = archive.exports.catalogue("pack")["photos"][0]
    archive.photos.edit(first["id"], caption="党员重温入党誓词")
    # A lost derivative is made again from the original.
    archive.store.derived_path("display", first["sha256"]).unlink()

    result = runner.invoke(args=["event", "export-pack", "pack", "--to", str(tmp_path / "p.zip")])
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(tmp_path / "p.zip") as pack:
        assert sorted(pack.namelist()) == [
            "2024-11-01-01.jpg",
            "2024-11-01-02.jpg",
            "captions.txt",
        ]
        captions = pack.read("captions.txt").decode()
        pack.extractall(tmp_path / "x")
    assert "2024-11-01-01.jpg\n党员重温入党誓词  图／楊軍" in captions
    assert captions.rstrip().endswith("图：楊軍 李明\n排版：王芳\n责任编辑：张雯\n审核：刘强")
    sizes = []
    for name in ("2024-11-01-01.jpg", "2024-11-01-02.jpg"):
        with Image.open(tmp_path / "x" / name) as im:
            sizes.append(max(im.size))
            assert not im.getexif() and "exif" not in im.info  # no GPS, no camera serial
    assert sorted(sizes) == [800, 1280]  # display size, never enlarged

    folder = tmp_path / "folder"
    result = runner.invoke(args=["event", "export-pack", "pack", "--to", str(folder)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in folder.iterdir())[-1] == "captions.txt"
    # An existing pack is never overwritten, and nothing half-written is left beside it.
    again = runner.invoke(args=["event", "export-pack", "pack", "--to", str(folder)])
    assert again.exit_code == 1 and "already exists" in again.output
    assert not list(tmp_path.glob(".pack-*"))


def test_article_copied_from_a_wechat_post() -> None:
    """Header with account and region, roles and verbs around units, 部署 and 以患者为中心 not units."""
    article = parse_article(read("wechat.txt"))
    assert article.published_at == dt.datetime(2024, 11, 6, 14, 34, 15)
    assert article.event_date == dt.date(2024, 11, 1)
    assert article.places == ["青海省西寧市中國工農紅軍西路軍紀念館"]
    assert article.organisers == ["第三十三黨支部", "檢驗科", "青海大學附屬醫院檢驗科黨支部"]
    assert article.keywords == ["傳承西路軍精神 做新時代合格黨員"]
    assert credits(article) == {
        "text": ["李娜"],
        "photo": ["楊軍", "馬明"],
        "layout": ["韓雪"],
        "editor": ["張雯"],
        "review": ["劉強"],
    }
    assert article.body.startswith("為深入學習")


def test_exchange_article_with_three_reviews_and_a_short_unit_name() -> None:
    """一审/二审/三审 are reviews; 检验科 after 青海红十字医院检验科 is the same unit; 校对 is listed."""
    article = parse_article(read("exchange.txt"))
    assert article.event_date == dt.date(2024, 11, 1)
    assert article.kind == "学术交流"
    assert article.places[0] == "海南州人民医院"
    assert article.organisers == ["青海红十字医院检验科"]
    assert article.keywords == [
        "临床实验室质量管理与ISO15189认可",
        "血液标本采集规范",
        "微生物检验新技术",
    ]
    assert credits(article) == {
        "text": ["张雯"],
        "photo": ["杨军", "李满桂"],
        "editor": ["韩雪"],
        "review": ["马晓梅", "王海涛", "才让多杰"],
    }
    assert article.unrecognised == ["校对：周某"]


def test_a_picture_caption_after_a_label_is_not_a_credit() -> None:
    article = parse_article(
        "标题\n2024-11-06 14:34:15\n11月1日，开展活动。\n图：党员们在纪念馆前重温入党誓词\n文：张雯\n"
    )
    assert credits(article) == {"text": ["张雯"]}
    assert article.unrecognised == ["图：党员们在纪念馆前重温入党誓词"]
