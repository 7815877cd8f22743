"""Read a publicity article about an event: headline, dates, places, organisers, 《titles》, credits.

Articles are copied from the publicity office's posts. They share one shape: the headline on the first
line, a publication date and time near the top, a body that names the day in Chinese (11月1日), the
places and units, and a closing credits block (文：… 图：… 排版：… 责任编辑：… 审核：…). This module
recognises that shape as plain text work; nothing here touches the catalogue. What it cannot place is
listed in ``unrecognised`` so that an editor sees it, never guessed silently.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import unicodedata
from typing import Any

from gallery.text import is_cjk, strip_pinyin, to_simplified

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"

#: Credit labels (in Simplified, after folding) → role; the longest label is tried first.
CREDIT_LABELS: dict[str, tuple[str, ...]] = {
    "文": ("text",),
    "文字": ("text",),
    "撰文": ("text",),
    "撰稿": ("text",),
    "文稿": ("text",),
    "供稿": ("text",),
    "通讯员": ("text",),
    "图": ("photo",),
    "图片": ("photo",),
    "摄影": ("photo",),
    "供图": ("photo",),
    "图文": ("text", "photo"),
    "文图": ("text", "photo"),
    "文/图": ("text", "photo"),
    "排版": ("layout",),
    "美编": ("layout",),
    "编排": ("layout",),
    "版式": ("layout",),
    "编辑": ("editor",),
    "责任编辑": ("editor",),
    "责编": ("editor",),
    "审核": ("review",),
    "审校": ("review",),
    "审稿": ("review",),
    "审定": ("review",),
    "初审": ("review",),
    "复审": ("review",),
    "终审": ("review",),
    "一审": ("review",),
    "二审": ("review",),
    "三审": ("review",),
    "审签": ("review",),
}
_LABELS = "|".join(re.escape(label) for label in sorted(CREDIT_LABELS, key=len, reverse=True))
# A credit label where a credit starts: line start or after a space/separator, then a colon or slash.
_CREDIT = re.compile(rf"(?:^|(?<=[\s|｜丨,，;；]))({_LABELS})\s*[:：/／]\s*")
# "label：value" of any other kind, so that unknown labels in the credits block are listed.
_LABELLED = re.compile(rf"^\s*([{_CJK}]{{1,6}})\s*[:：]\s*(\S.*)$")
_NAME_SEPARATORS = re.compile(r"[\s、,，;；/／|｜丨]+")

_PUBLISHED = re.compile(
    r"(?<!\d)(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:\s*(\d{1,2})\s*[:：]\s*(\d{2})(?:\s*[:：]\s*(\d{2}))?)?"
)
_CN_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5}
_CN_DIGITS |= {"六": 6, "七": 7, "八": 8, "九": 9}
_NUM = r"(?:\d{1,2}|[一二三四五六七八九十]{1,3})"
# 11月1日, 2024年11月1日, 十一月一日, and ranges: 11月1日至3日, 11月1日-11月3日.
_BODY_DATE = re.compile(
    rf"(?:(\d{{4}})\s*年\s*)?({_NUM})\s*月\s*({_NUM})\s*[日号]"
    rf"(?:\s*(?:至|到|-|—|–|~|～)\s*(?:({_NUM})\s*月\s*)?({_NUM})\s*[日号])?"
)
_BOOK_TITLE = re.compile(r"《([^《》\n]{1,80})》")

# Words that end a unit's name (the unit itself ends before them) or cannot be inside one.
_BREAKS = (
    "前往|来到|走进|走访|赴|到|在|于|参观|参加|开展|组织|举办|举行|召开|邀请|联合|携手|共同|"
    "与|和|及|、|的|了|为|由|对|向|将|把|从|党员|全体|一行|部分|同志|职工|医务人员|干部|代表|"
    "书记|主任|院长|科长|部长|处长|护士长|带领|率领|依次|先后|"
    "推动|促进|提升|提高|加强|推进|深入|围绕|通过|聆听|学习|观看|讲授|宣讲|参与|出席|主持|"
    "致辞|表示|指出|强调|要求|转化|成为|作为|进一步|不断|"
    "我院|本院|我科|本科室|近日|日前|当天|上午|下午|晚上|活动|期间|其中|主题|专题"
)
_BREAK = re.compile(_BREAKS)
_ORGANISER_SUFFIX = (
    "党总支|党支部|党委|支部|总支|工会|团委|妇委会|委员会|研究所|研究院|医院|卫生院|学院|大学|"
    "中心|分院|院区|病区|科室|[^学]科(?![学技研普])|处(?![理置])|部(?![署分门])|办公室|协会|学会|"
    "分会|集团|公司|局(?![面势限])|委(?![员托])"
)
_PLACE_SUFFIX = (
    "纪念馆|博物馆|展览馆|陈列馆|纪念园|纪念碑|教育基地|基地|旧址|故居|遗址|会议室|报告厅|学术厅|"
    "多功能厅|会堂|礼堂|大厅|广场|公园|景区|社区|村|镇|乡|医院|卫生院|学院|大学|中心|院区|大楼|楼|"
    "馆|园|厅|室|省|市|县|区"
)
_ORGANISER = re.compile(rf"^(?:[{_CJK}0-9]{{0,12}}?(?:{_ORGANISER_SUFFIX}))+")
_PLACE = re.compile(rf"^(?![各该此这那多全])(?:[{_CJK}0-9]{{0,14}}?(?:{_PLACE_SUFFIX}))+")
# What comes before a place.
_PLACE_VERB = re.compile(r"(?:前往|来到|走进|走访|赴|到|在|于|参观|地点[:：]?)")
_FRAGMENT = re.compile(rf"[{_CJK}0-9]+")
_KINDS = (
    ("主题党日", "主题党日"),
    ("学术交流", "学术交流"),
    ("学术会议", "学术交流"),
    ("学术讲座", "学术交流"),
    ("培训", "培训"),
    ("讲座", "培训"),
    ("义诊", "义诊"),
    ("志愿服务", "志愿服务"),
)


@dataclasses.dataclass
class Article:
    """What was recognised in one article, names and places as written with pinyin removed."""

    title: str = ""
    published_at: dt.datetime | None = None
    event_date: dt.date | None = None
    end_date: dt.date | None = None
    places: list[str] = dataclasses.field(default_factory=list)
    organisers: list[str] = dataclasses.field(default_factory=list)
    keywords: list[str] = dataclasses.field(default_factory=list)
    credits: dict[str, list[str]] = dataclasses.field(default_factory=dict)
    kind: str = ""
    body: str = ""
    text: str = ""
    unrecognised: list[str] = dataclasses.field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """Return the recognised fields in the JSON shape of ``gallery event import-article``."""
        return {
            "title": self.title,
            "published_at": self.published_at.isoformat(sep=" ") if self.published_at else None,
            "event_date": self.event_date.isoformat() if self.event_date else None,
            "end_date": self.end_date.isoformat() if self.end_date else None,
            "kind": self.kind,
            "places": self.places,
            "organisers": self.organisers,
            "keywords": self.keywords,
            "credits": [{"role": role, "names": names} for role, names in self.credits.items()],
            "unrecognised": self.unrecognised,
        }


def parse_article(raw: str) -> Article:
    """Recognise an article's headline, dates, places, organisers, 《titles》 and credits."""
    text = strip_pinyin(raw.replace("\r\n", "\n").replace("\r", "\n")).replace("\u00a0", " ")
    lines = [line.strip() for line in text.split("\n")]
    article = Article(text="\n".join(lines).strip())
    content = [i for i, line in enumerate(lines) if line]
    if not content:
        article.unrecognised.append("the article is empty")
        return article
    article.title = " ".join(lines[content[0]].split())

    used = {content[0]}
    for i in content[1:6]:  # the publication line sits just under the headline
        found = _published(lines[i])
        if found:
            article.published_at = found
            used.add(i)
            break

    credit_lines = _credits_block(lines, content, used)
    for i in credit_lines:
        used.add(i)
        _read_credit_line(lines[i], article)

    body_lines = [lines[i] for i in content if i not in used]
    article.body = "\n".join(body_lines)
    body = unicodedata.normalize("NFKC", article.body)
    article.event_date, article.end_date = _event_dates(body, article.published_at, article)
    article.keywords = _unique(m[1].strip() for m in _BOOK_TITLE.finditer(article.body))
    article.places = _places(article.body)
    units = [o for o in _organisers(article.body) if o not in article.places]
    # 检验科 after 青海红十字医院检验科 is the same unit, named short.
    article.organisers = [o for o in units if not any(u != o and u.endswith(o) for u in units)]
    article.kind = _kind(article.title + "\n" + article.body)
    return article


def _published(line: str) -> dt.datetime | None:
    """Return the publication time written on a line near the top, if it has one."""
    match = _PUBLISHED.search(unicodedata.normalize("NFKC", line))
    if not match:
        return None
    year, month, day, hour, minute, second = (int(g) if g else 0 for g in match.groups())
    try:
        return dt.datetime(year, month, day, hour, minute, second)
    except ValueError:
        return None


def _credits_block(lines: list[str], content: list[int], used: set[int]) -> list[int]:
    """Return the indexes of the lines that carry credits (文：… 图：…), wherever they stand.

    A short "label：value" line next to a credit line (来源：…) belongs to the block too, so that an
    unknown label is listed rather than read as body text.
    """
    rest = [i for i in content if i not in used]
    block = {i for i in rest if len(lines[i]) <= 120 and _CREDIT.match(_credit_text(lines[i]))}
    labelled = {i for i in rest if len(lines[i]) <= 40 and _LABELLED.match(_credit_text(lines[i]))}
    grown = True
    while grown:  # labelled lines next to the block, and next to those, belong to it
        grown = False
        for n, i in enumerate(rest):
            if i in labelled and i not in block and block.intersection(rest[max(n - 1, 0) : n + 2]):
                block.add(i)
                grown = True
    return sorted(block)


def _credit_text(line: str) -> str:
    """Return a credit line in Simplified and half-width, brackets off: （圖／楊軍） → 图/杨军."""
    return to_simplified(unicodedata.normalize("NFKC", line)).strip(" ()[]【】")


def _read_credit_line(line: str, article: Article) -> None:
    """Add the credits of one line ("文：张雯 图：杨军") to the article; list what is not a credit."""
    folded = _credit_text(line)
    matches = list(_CREDIT.finditer(folded))
    if not matches:
        article.unrecognised.append(line)
        return
    # Names are kept as written: cut the original at the folded line's positions (t2s keeps length).
    written = unicodedata.normalize("NFKC", line).strip(" ()[]【】")
    if len(written) != len(folded):
        written = folded
    if folded[: matches[0].start()].strip():
        article.unrecognised.append(written[: matches[0].start()].strip())
    for n, match in enumerate(matches):
        end = matches[n + 1].start() if n + 1 < len(matches) else len(written)
        names = split_names(written[match.end() : end])
        if not names or any(not _looks_like_name(name) for name in names):
            # "图：党员们重温入党誓词" is a picture caption, not a credit.
            whole = len(matches) == 1
            article.unrecognised.append(
                line.strip() if whole else written[match.start() : end].strip()
            )
            continue
        for role in CREDIT_LABELS[match[1]]:
            known = article.credits.setdefault(role, [])
            known.extend(name for name in names if name not in known)


def _looks_like_name(name: str) -> bool:
    """Tell whether a credited name could be one: up to 6 Chinese characters, or a Latin name."""
    if all(is_cjk(c) or c == "·" for c in name):
        return len(name) <= 6
    return bool(re.fullmatch(r"[A-Za-z][A-Za-z.'\-]*", name))


def split_names(text: str) -> list[str]:
    """Split a credit's names as written: 楊 軍 李明 → 楊軍, 李明 (a lone character is a surname)."""
    parts = [p for p in _NAME_SEPARATORS.split(text.strip()) if p]
    names: list[str] = []
    lone = ""
    for part in parts:
        if lone and all(is_cjk(c) for c in part) and len(part) <= 2:
            names.append(lone + part)
            lone = ""
            continue
        if lone:
            names.append(lone)
            lone = ""
        if len(part) == 1 and is_cjk(part):
            lone = part
        else:
            names.append(part)
    if lone:
        names.append(lone)
    return names


def _to_int(number: str) -> int:
    """Return 11 for "11" or "十一", 1 for "一", 30 for "三十"."""
    if number.isdigit():
        return int(number)
    if "十" in number:
        tens, _, units = number.partition("十")
        return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[units] if units else 0)
    return _CN_DIGITS[number]


def _event_dates(
    body: str, published: dt.datetime | None, article: Article
) -> tuple[dt.date | None, dt.date | None]:
    """Return the first day the body names (and the last of its range), never after publication."""
    for match in _BODY_DATE.finditer(body):
        year_text, month, day, end_month, end_day = match.groups()
        if year_text:
            year = int(year_text)
        elif published:
            year = published.year
        else:
            article.unrecognised.append(f"{match[0]} (no year: the publication date is missing)")
            continue
        try:
            start = dt.date(year, _to_int(month), _to_int(day))
        except ValueError:
            article.unrecognised.append(match[0])
            continue
        if published and not year_text and start > published.date():
            start = start.replace(year=year - 1)  # 12月30日 in a post of 1月2日: last year
        end = None
        if end_day:
            try:
                end = dt.date(
                    start.year, _to_int(end_month) if end_month else start.month, _to_int(end_day)
                )
            except ValueError:
                end = None
            if end and end < start:
                end = end.replace(year=end.year + 1)
        if published and start > published.date():
            article.unrecognised.append(f"{match[0]} (after the publication date)")
            continue
        return start, end
    return None, None


def _fragments(body: str) -> list[tuple[str, str, str]]:
    """Cut the body into runs of Chinese text between punctuation and break words.

    Each run is (the break word before it, the run in Simplified, the run as written), so a place
    can be told by its verb (前往, 在) and reported in the author's characters.
    """
    simplified = to_simplified(body)
    written = body if len(simplified) == len(body) else simplified
    pieces: list[tuple[str, str, str]] = []
    for run in _FRAGMENT.finditer(simplified):
        before, position = "", run.start()
        for brk in _BREAK.finditer(simplified, run.start(), run.end()):
            if brk.start() > position:
                pieces.append(
                    (before, simplified[position : brk.start()], written[position : brk.start()])
                )
            before, position = brk[0], brk.end()
        if position < run.end():
            pieces.append((before, simplified[position : run.end()], written[position : run.end()]))
    return pieces


def _places(body: str) -> list[str]:
    """Return the places the body says the event went to or was held in."""
    found = []
    for before, piece, written in _fragments(body):
        match = _PLACE.match(piece) if _PLACE_VERB.fullmatch(before) else None
        if match and len(match[0]) >= 3:
            found.append(written[: match.end()])
    return _unique(found)


def _organisers(body: str) -> list[str]:
    """Return the units (hospitals, departments, party branches) the body names."""
    found = []
    for before, piece, written in _fragments(body):
        match = None if _PLACE_VERB.fullmatch(before) else _ORGANISER.match(piece)
        if match and len(match[0]) >= 3:
            found.append(written[: match.end()])
    return _unique(found)


def _kind(text: str) -> str:
    """Return the kind of event the article describes (主题党日, 学术交流, 培训), or ""."""
    simplified = to_simplified(text)
    for word, kind in _KINDS:
        if word in simplified:
            return kind
    return ""


def _unique(items: Any) -> list[str]:
    """Return the items without repeats, in first-seen order."""
    return list(dict.fromkeys(item for item in items if item))
