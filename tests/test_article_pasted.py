"""Articles as they really arrive: pasted from WeChat or the hospital's website, furniture and all."""

from __future__ import annotations

import datetime as dt
import functools
import re

import pytest

from gallery.article import parse_article
from tests.test_article import credits, read

# ------------------------------------------------------------------ articles as they really arrive


def test_headline_after_stray_lines_and_time_fused_with_the_lead() -> None:
    """A WeChat copy: -, 原创, the account twice, 点击上方蓝字关注我们; the time runs into the text."""
    article = parse_article(read("wechat_stray.txt"))
    assert article.title == "追寻红色足迹 赓续精神血脉——检验科党支部赴海南州开展主题党日活动"
    assert article.published_at == dt.datetime(2024, 11, 6, 14, 34, 15)
    assert article.event_date == dt.date(2024, 11, 1)  # named in the fused lead paragraph
    assert article.body.startswith("青海红十字医院检验科党支部为深入学习贯彻")
    assert "2024-11-06" not in article.body
    assert article.places == ["海南州建政 70 周年主题展览馆"]
    assert "体验基地" not in " ".join(article.places)
    assert article.organisers == ["青海红十字医院检验科党支部", "第三十三党支部"]
    assert credits(article) == {"text": ["张雯"], "photo": ["杨军", "李满桂"], "review": ["刘强"]}
    assert article.kind == "主题党日"
    for furniture in ("阅读原文", "点赞", "蓝字", "原创"):
        assert furniture not in article.body and furniture not in article.text
    assert article.text.startswith("青海红十字医院\n青海红十字医院")  # kept: the editor may need it
    assert article.notes == []  # an account's name is a known stray line: nothing to check


def test_the_same_post_in_traditional_with_pinyin_garbling() -> None:
    article = parse_article(read("wechat_stray_traditional.txt"))
    assert article.title == "追尋紅色足跡 賡續精神血脈——檢驗科黨支部赴海南州開展主題黨日活動"
    assert article.published_at == dt.datetime(2024, 11, 6, 14, 34, 15)
    assert article.event_date == dt.date(2024, 11, 1)
    assert article.body.startswith("青海紅十字醫院檢驗科黨支部為深入學習")
    assert article.places == ["海南州建政 70 週年主題展覽館"]
    assert article.organisers == ["青海紅十字醫院檢驗科黨支部", "第三十三黨支部"]
    assert credits(article) == {"text": ["張雯"], "photo": ["楊軍"], "review": ["劉強"]}
    assert "(" not in article.text and "閱讀原文" not in article.text
    assert article.notes == []


HEADLINE = "检验科党支部开展“重温入党誓词”主题党日活动"
LEAD = "11月1日，检验科党支部组织党员前往西路军纪念馆开展主题党日活动。"


@pytest.mark.parametrize(
    "stray",
    [
        "-",
        "—",
        "|",
        "▲",
        "原创",
        "原創",
        "原创 青海红十字医院 青海红十字医院",
        "青海红十字医院\n青海红十字医院",
        "青海红十字医院检验科",
        "点击上方蓝字关注我们",
        "點擊上方藍字 關注我們",
        "分享 收藏 点赞 在看",
        "阅读原文",
        "听全文",
        "当前位置：首页 > 新闻中心 > 党建工作",
        "首頁 > 新聞中心",
        "作者：张雯",
        "文丨张雯 图丨杨军",
        "-\n原创\n青海红十字医院\n点击上方蓝字关注我们",
        "Original",
        "收录于合集\n#党建工作 #主题党日\n12个",
    ],
)
def test_headline_is_the_first_line_that_reads_like_one(stray: str) -> None:
    article = parse_article(f"{stray}\n{HEADLINE}\n2024-11-06 14:34:15 青海\n{LEAD}\n")
    assert article.title == HEADLINE
    assert article.published_at == dt.datetime(2024, 11, 6, 14, 34, 15)
    assert article.body == LEAD
    assert article.event_date == dt.date(2024, 11, 1)
    assert "headline_guessed" not in article.note_codes


@pytest.mark.parametrize(
    "time_line",
    [
        "2024-11-06 14:34:15",
        "2024-11-06 14:34",
        "2024年11月06日 14:34",
        "2024/11/06 14:34",
        "２０２４－１１－０６ １４：３４",
        "发布时间：2024-11-06",
        "發布時間：2024-11-06 14:34",
        "原创 检验科 青海红十字医院 2024-11-06 14:34",
        "2024-11-06",
    ],
)
def test_publication_time_fused_with_the_first_paragraph(time_line: str) -> None:
    article = parse_article(f"{HEADLINE}\n{time_line}{LEAD}\n文：张雯\n")
    assert article.published_at is not None and article.published_at.date() == dt.date(2024, 11, 6)
    assert article.body == LEAD  # the lead paragraph is kept, the time is not
    assert article.event_date == dt.date(2024, 11, 1)
    assert article.note_codes == []


@pytest.mark.parametrize(
    "after",
    [" 青海", "青海", " 發表於青海", "  来源：党委办公室  浏览次数：356", " 阅读 1024"],
)
def test_what_follows_the_time_on_its_line_is_the_pages(after: str) -> None:
    article = parse_article(f"{HEADLINE}\n2024-11-06 14:34:15{after}\n{LEAD}\n")
    assert article.published_at == dt.datetime(2024, 11, 6, 14, 34, 15)
    assert article.body == LEAD


def test_a_paragraph_that_starts_with_its_day_is_not_the_publication_line() -> None:
    """No headline, no publication time: the first line is the lead, its day the event's."""
    article = parse_article(read("no_headline.txt"))
    assert article.published_at is None
    assert article.event_date == dt.date(2024, 11, 1)
    assert article.body.startswith("2024年11月1日上午，护理部")
    assert article.title == ""  # never a paragraph for a headline
    assert article.places == ["门诊楼三楼会议室"] and article.organisers == ["护理部"]
    assert article.note_codes == ["no_headline", "no_publication_time", "no_credits"]


def test_a_line_that_only_may_be_a_headline_is_taken_and_noted() -> None:
    article = parse_article(
        "青海红十字医院\n送温暖\n2024-01-20 10:00\n1月19日，工会走访慰问困难职工。\n"
    )
    assert article.title == "送温暖"
    assert [(n.code, n.detail) for n in article.notes][:1] == [("headline_guessed", "送温暖")]


def test_an_unknown_line_above_the_headline_is_left_out_and_noted() -> None:
    article = parse_article(f"张雯\n{HEADLINE}\n2024-11-06 14:34\n{LEAD}\n文：张雯\n")
    assert article.title == HEADLINE and article.body == LEAD
    assert [(n.code, n.detail) for n in article.notes] == [("lines_skipped", "张雯")]


def test_hospital_website_page() -> None:
    """Breadcrumb, time with source, author and counts on one line, font buttons, 上一篇/下一篇."""
    article = parse_article(read("website.txt"))
    assert article.title == "输血科党支部开展“学党史 强服务”主题党日活动"
    assert article.published_at == dt.datetime(2024, 6, 28, 10, 20, 11)
    assert article.event_date == dt.date(2024, 6, 26)
    assert article.body.startswith("6月26日下午，输血科党支部") and article.body.count("\n") == 1
    assert article.places == ["西宁市革命历史纪念馆"]
    assert article.organisers == ["输血科党支部"]
    assert credits(article) == {"text": ["陈静"]}  # 作者：陈静 beside the time
    assert "上一篇" not in article.text and "当前位置" not in article.text
    assert article.unrecognised == [] and article.note_codes == []


def test_hospital_website_page_in_traditional() -> None:
    article = parse_article(read("website_traditional.txt"))
    assert article.title == "輸血科黨支部開展「學黨史 強服務」主題黨日活動"
    assert article.published_at == dt.datetime(2024, 6, 28, 10, 20, 11)
    assert article.event_date == dt.date(2024, 6, 26)
    assert article.places == ["西寧市革命歷史紀念館"]
    assert article.organisers == ["輸血科黨支部"]
    assert credits(article) == {"text": ["陳靜"]}
    assert article.body.startswith("6月26日下午") and "下一篇" not in article.body


@pytest.mark.parametrize(
    "furniture",
    [
        "轻触阅读原文",
        "继续滑动看下一个",
        "微信扫一扫关注该公众号",
        "喜欢此内容的人还喜欢",
        "写留言",
        "赞赏",
        "【打印】【关闭】",
        "Copyright © 2024 青海红十字医院 版权所有",
        "#党建工作",
        "▲",
        "- END -",
    ],
)
def test_furniture_in_and_after_the_text_is_left_out(furniture: str) -> None:
    article = parse_article(
        f"{HEADLINE}\n2024-11-06 14:34\n{LEAD}\n{furniture}\n检验科将持续改进。\n文：张雯\n"
    )
    assert article.body == f"{LEAD}\n检验科将持续改进。"
    assert article.unrecognised == [] and article.notes == []


def test_wechat_copy_from_the_phone() -> None:
    """Headline, 原创, the author and the account, the time, the region alone, 听全文; 往期推荐 ends it."""
    article = parse_article(read("wechat_mobile.txt"))
    assert article.title == "检验科开展“世界献血者日”无偿献血志愿服务"
    assert article.published_at == dt.datetime(2024, 6, 16, 9, 5)
    assert article.event_date == dt.date(2024, 6, 14)
    assert article.body.startswith("6月14日上午，检验科联合输血科")
    assert article.body.endswith("▲志愿者为市民讲解献血知识")  # a photo caption is the author's
    assert "我院举办检验医学新进展学术会议" not in article.body  # another post, after 往期推荐
    assert article.places == ["门诊楼前广场"]
    assert article.organisers == ["检验科", "输血科"]
    assert article.kind == "志愿服务"
    assert article.note_codes == ["no_credits"]


def test_no_day_in_the_text_takes_the_publication_date_and_says_so() -> None:
    article = parse_article(read("no_day.txt"))
    assert article.title == "巾帼建功新时代——检验科举办“三八”国际妇女节座谈会"
    assert article.event_date == dt.date(2024, 3, 8)
    assert [(n.code, n.detail) for n in article.notes] == [
        ("event_date_from_publication", "2024-03-08")
    ]
    assert credits(article) == {"text": ["张雯"], "photo": ["杨军"]}


def test_a_described_day_is_not_the_events_and_several_days_are_noted() -> None:
    article = parse_article(read("dates_several.txt"))
    assert article.event_date == dt.date(2024, 6, 28)  # 7月1日是…纪念日 describes a day
    assert ("several_dates", "7月1日、6月28日") in [(n.code, n.detail) for n in article.notes]


@pytest.mark.parametrize(
    ("sentence", "places"),
    [
        ("党员们参观体验基地的各个展区。", []),
        ("党员们前往体验基地开展活动。", []),
        ("党员们来到了延安革命纪念馆。", ["延安革命纪念馆"]),
        ("支部前往建党 100 周年纪念馆参观。", ["建党 100 周年纪念馆"]),
        ("支部前往海南州建政70周年主题展览馆参观。", ["海南州建政70周年主题展览馆"]),
        ("党员们依次参观了各个展厅。", []),
        ("在此基础上，科室将持续改进。", []),
        ("支部前往西宁市革命历史纪念馆参观学习。", ["西宁市革命历史纪念馆"]),
    ],
)
@pytest.mark.parametrize(
    "script", [str, lambda t: _traditional(t)], ids=["simplified", "traditional"]
)
def test_places(sentence: str, places: list[str], script) -> None:
    text = script(f"{HEADLINE}\n2024-11-06 14:34\n11月1日，{sentence}\n")
    assert parse_article(text).places == [script(p) for p in places]


@pytest.mark.parametrize(
    ("sentence", "organisers"),
    [
        ("各党支部书记参加会议。", []),
        ("全院各科室护士长参加培训。", []),
        ("相关科室负责人参加。", []),
        ("党支部书记主持会议。", []),
        ("第三十三党支部召开会议，三十三支部全体党员参加。", ["第三十三党支部"]),
        ("三十三支部与第三十三党支部联合开展活动。", ["第三十三党支部"]),
        ("检验科党支部召开会议，检验科支部书记主持。", ["检验科党支部"]),
        (
            "青海红十字医院医学检验中心党支部开展活动，医学检验中心支部党员参加。",
            ["青海红十字医院医学检验中心党支部"],
        ),
        ("输血科与检验科共同开展活动。", ["输血科", "检验科"]),
    ],
)
@pytest.mark.parametrize(
    "script", [str, lambda t: _traditional(t)], ids=["simplified", "traditional"]
)
def test_organisers(sentence: str, organisers: list[str], script) -> None:
    text = script(f"{HEADLINE}\n2024-11-06 14:34\n11月1日，{sentence}\n")
    assert parse_article(text).organisers == [script(o) for o in organisers]


def test_author_lines_at_the_top_are_credits() -> None:
    text = (
        f"{HEADLINE}\n原创 青海红十字医院 2024-11-06 14:34\n文丨张雯 图丨杨军\n{LEAD}\n审核：刘强\n"
    )
    article = parse_article(text)
    assert credits(article) == {"text": ["张雯"], "photo": ["杨军"], "review": ["刘强"]}
    assert article.body == LEAD


def test_every_note_reads_in_english_for_the_command_line(runner) -> None:
    from gallery.article import NOTES, Note

    for code, english in NOTES.items():
        assert ("X1" in str(Note(code, "X1"))) == ("{detail}" in english)
    with pytest.raises(ValueError):
        Note("not_a_code")
    result = runner.invoke(args=["event", "import-article", "-"], input=read("no_day.txt"))
    assert "check:        the text names no day: the publication date 2024-03-08 was taken" in (
        result.output
    )


# ------------------------------------------------------------------------------ the article form


def test_form_says_what_to_check_in_chinese(client, users) -> None:
    from tests.conftest import login

    token = login(client, "editor")
    answer = client.post(
        "/events/import-article", data={"text": read("no_day.txt"), "csrf_token": token}
    )
    page = answer.get_data(as_text=True)
    assert answer.status_code == 200
    assert "保存前请核对" in page
    assert "正文未写明活动日期，已采用发布日期 2024-03-08，请核对活动日期。" in page
    assert (
        'name="event_date" value="2024-03-08" aria-describedby="note-event_date_from_publication"'
        in page
    )
    assert "publication date" not in page  # no English inside Chinese

    stray = client.post(
        "/events/import-article",
        data={"text": "-\n张雯\n" + read("wechat_stray.txt"), "csrf_token": token},
    )
    page = stray.get_data(as_text=True)
    assert "标题上方的几行已略去：张雯。请确认没有遗漏内容。" in page
    assert 'value="追寻红色足迹 赓续精神血脉——检验科党支部赴海南州开展主题党日活动"' in page
    assert 'required aria-describedby="note-lines_skipped"' in page

    clean = client.post(
        "/events/import-article", data={"text": read("clean.txt"), "csrf_token": token}
    )
    assert "保存前请核对" not in clean.get_data(as_text=True)  # nothing uncertain, nothing said


def test_every_note_has_its_chinese_words_on_the_form(app) -> None:
    from flask import render_template

    from gallery.article import NOTES, Article, Note

    article = Article(title="标题", notes=[Note(code, "某处") for code in NOTES])
    with app.test_request_context("/events/import-article"):
        page = render_template("admin/article.html", article=article, text="标题")
    notes = re.findall(r'<li id="note-(\w+)" data-note="\w+">([^<]*)</li>', page)
    assert [code for code, _ in notes] == list(NOTES)
    for code, words in notes:
        assert words.strip() and not re.search(r"[A-Za-z]", words), (code, words)


def test_headline_and_time_on_one_line() -> None:
    article = parse_article(f"{HEADLINE} 2024-11-06\n{LEAD}\n文：张雯\n")
    assert article.title == HEADLINE
    assert article.published_at == dt.datetime(2024, 11, 6)
    assert article.body == LEAD


def test_short_names_of_a_unit_are_one_unit_and_a_specialty_is_none() -> None:
    body = "11月5日，第33党支部与三十三支部党员在我院门诊大厅开展宣传，我院检验科获评省级临床重点专科。"
    article = parse_article(f"{HEADLINE}\n2024-11-06 14:34\n{body}\n")
    assert article.organisers == ["第33党支部", "检验科"]
    assert article.places == ["门诊大厅"]


@pytest.mark.parametrize(
    "text",
    [
        "2024-11-06 14:34:15 青海 检验科党支部于11月1日前往西路军纪念馆开展主题党日活动。",
        "2024-11-06 14:34:15青海11月1日，检验科党支部前往西路军纪念馆开展主题党日活动。",
        "检验科党支部开展主题党日活动\n原创 青海红十字医院 2024-11-06 14:34:15\n"
        "11月1日，检验科党支部前往西路军纪念馆开展主题党日活动。",
        "红十字之声\n红十字之声\n2024-11-06 14:34:15\n"
        "11月1日，检验科党支部前往西路军纪念馆开展主题党日活动。",
    ],
)
def test_region_after_the_time_a_repeated_headline_and_an_account_said_twice(text: str) -> None:
    article = parse_article(f"检验科党支部开展主题党日活动\n{text}\n文：张雯\n")
    assert article.title == "检验科党支部开展主题党日活动"
    assert article.body.startswith(("检验科党支部于11月1日", "11月1日，检验科"))
    assert article.event_date == dt.date(2024, 11, 1)
    assert article.places == ["西路军纪念馆"]
    assert article.notes == []


def test_an_account_name_is_never_the_headline() -> None:
    article = parse_article(
        "青海红十字医院\n2024-11-06 14:34\n11月1日，检验科开展义诊活动。\n文：张雯\n"
    )
    assert article.title == "" and article.note_codes[0] == "no_headline"
    assert article.body == "11月1日，检验科开展义诊活动。"


def test_the_day_in_the_headline_when_the_text_names_none() -> None:
    article = parse_article(
        "11月1日，检验科开展义诊活动\n2024-11-06 14:34\n检验科在门诊大厅开展义诊。\n"
    )
    assert article.event_date == dt.date(2024, 11, 1)
    assert "event_date_from_publication" not in article.note_codes


# Every stray top × every way the time is written × both scripts × with and without pinyin garbling.
STRAYS = [
    "",
    "-\n原创\n",
    "青海红十字医院\n青海红十字医院\n",
    "点击上方蓝字关注我们\n",
    "分享 收藏 点赞\n",
]
PLACE = "海南州建政 70 周年主题展览馆"
BODY = f"检验科党支部为深入学习贯彻全会精神，于11月1日赴{PLACE}参观体验基地，开展主题党日活动。"
TIMES = {
    "own line": f"{HEADLINE}\n2024-11-06 14:34:15\n{BODY}",
    "fused": f"{HEADLINE}\n2024-11-06 14:34:15{BODY}",
    "byline and region": f"{HEADLINE}\n原创 青海红十字医院 2024-11-06 14:34:15 青海\n{BODY}",
    "time first": f"2024年11月06日 14:34\n{HEADLINE}\n点击上方蓝字关注我们\n{BODY}",
}


@functools.cache
def _s2t():
    """Return the Simplified→Traditional converter, built once."""
    import opencc

    return opencc.OpenCC("s2t")


def _traditional(text: str) -> str:
    return _s2t().convert(text)


def _garbled(text: str) -> str:
    """Write "(pinyin)" after every other Chinese character, as a web page converter does."""
    from pypinyin import Style, pinyin

    out = []
    for n, char in enumerate(text):
        out.append(char)
        if "\u4e00" <= char <= "\u9fff" and n % 2:
            out.append(f"({pinyin(char, style=Style.TONE)[0][0]})")
    return "".join(out)


@pytest.mark.parametrize("garbled", [False, True], ids=["plain", "garbled"])
@pytest.mark.parametrize("script", [str, _traditional], ids=["simplified", "traditional"])
@pytest.mark.parametrize("times", list(TIMES), ids=list(TIMES))
@pytest.mark.parametrize("stray", STRAYS, ids=["none", "dash", "account", "follow", "share"])
def test_every_shape_in_every_script(stray: str, times: str, script, garbled: bool) -> None:
    text = script(f"{stray}{TIMES[times]}\n文：张雯\n图：杨军\n")
    article = parse_article(_garbled(text) if garbled else text)
    assert article.title == script(HEADLINE)
    assert article.published_at is not None and article.published_at.date() == dt.date(2024, 11, 6)
    assert article.event_date == dt.date(2024, 11, 1)
    assert article.body == script(BODY)
    assert article.places == [script(PLACE)]
    assert article.organisers == [script("检验科党支部")]
    assert credits(article) == {"text": [script("张雯")], "photo": [script("杨军")]}
    assert article.notes == []


def test_a_byline_under_the_headline_and_time_is_left_out() -> None:
    text = (
        f"2024-11-06 14:34\n{HEADLINE}\n原创 青海红十字医院\n来源：党委办公室\n{LEAD}\n文：张雯\n"
    )
    article = parse_article(text)
    assert article.title == HEADLINE and article.body == LEAD and article.notes == []


def test_a_subtitle_joins_the_headline_and_credits_may_be_spaced() -> None:
    text = (
        "原创\n坚守初心 守护生命\n——记青海红十字医院检验科主任李满桂\n2024-11-06 14:34\n"
        "11月1日，检验科主任李满桂在门诊大厅开展义诊。\n通讯员 张雯\n摄影 楊 軍 李明\n编辑 部门要求严格\n"
    )
    article = parse_article(text)
    assert article.title == "坚守初心 守护生命——记青海红十字医院检验科主任李满桂"
    assert credits(article) == {"text": ["张雯"], "photo": ["楊軍", "李明"]}
    assert article.body.endswith("编辑 部门要求严格")  # a sentence, not a credit


def test_the_account_under_the_headline_without_a_time() -> None:
    article = parse_article(f"{HEADLINE}\n青海红十字医院\n2024年{LEAD}\n文：张雯\n")
    assert article.title == HEADLINE and article.body == f"2024年{LEAD}"
    assert article.event_date == dt.date(2024, 11, 1)
    assert article.note_codes == ["no_publication_time"]
