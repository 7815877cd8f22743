"""Places and units an article names, and the kind of event it tells of."""

from __future__ import annotations

import re
from collections.abc import Iterable

from gallery.text import to_simplified

CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"

# Words that end a unit's name (the unit itself ends before them) or cannot be inside one. Verbs
# made of two (参观体验, 考察学习) come first, so that 参观体验基地 leaves no place 体验基地.
_BREAKS = (
    "在我院|在本院|于我院|于本院|来到我院|走进我院|来到了|走进了|走访了|参观了|前往了|到了|参观体验|参观学习|参观考察|参观调研|考察学习|学习考察|调研指导|观摩学习|实地考察|体验学习|"
    "前往|来到|走进|走访|赴|到|在|于|参观|参加|开展|组织|举办|举行|召开|邀请|联合|携手|共同|"
    "与|和|及|、|的|了|为|由|对|向|将|把|从|党员|全体|一行|部分|同志|职工|医务人员|干部|代表|"
    "书记|主任|院长|科长|部长|处长|护士长|带领|率领|依次|先后|"
    "推动|促进|提升|提高|加强|推进|深入|围绕|通过|聆听|学习|观看|讲授|宣讲|参与|出席|主持|"
    "致辞|表示|指出|强调|要求|转化|成为|作为|进一步|不断|"
    "我院|本院|我科|本科室|近日|日前(?!往)|当天|上午|下午|晚上|活动|期间|其中|专题|"
    # 主题党日 breaks a name; 主题展览馆, 主题公园 are inside one.
    "主题(?!(?:展览|文化|教育)?(?:馆|园|厅|广场|基地))"
)
_BREAK = re.compile(_BREAKS)
_ORGANISER_SUFFIX = (
    "党总支|党支部|党委|支部|总支|工会|团委|妇委会|委员会|研究所|研究院|医院|卫生院|学院|大学|"
    "中心|分院|院区|病区|科室|[^学专本]科(?![学技研普])|处(?![理置])|部(?![署分门])|办公室|协会|学会|"
    "分会|集团|公司|局(?![面势限])|委(?![员托])"
)
_PLACE_SUFFIX = (
    "纪念馆|博物馆|展览馆|陈列馆|纪念园|纪念碑|教育基地|基地|旧址|故居|遗址|会议室|报告厅|学术厅|"
    "多功能厅|会堂|礼堂|大厅|广场|公园|景区|社区|村|镇|乡|医院|卫生院|学院|大学|中心|院区|大楼|楼|"
    "馆|园|厅|室|省|市|县|区"
)
# A name may hold a number set off by spaces, as WeChat editors write them: 建政 70 周年.
_NAME_CHAR = rf"(?:[{CJK}0-9]|(?<=[0-9]) (?=[{CJK}])|(?<=[{CJK}]) (?=[0-9]))"
_ORGANISER = re.compile(rf"^(?:{_NAME_CHAR}{{0,12}}?(?:{_ORGANISER_SUFFIX}))+")
# 各个展厅, 该中心, 多家医院: a word that points at units is no unit's name.
_PLACE = re.compile(rf"^(?![各该此这那多全])(?:{_NAME_CHAR}{{0,16}}?(?:{_PLACE_SUFFIX}))+")
# 各党支部, 相关科室, 临床科室, 兄弟单位: a kind of unit, not one unit.
_NOT_ONE_UNIT = re.compile(
    r"^(?:各|该|此|这|那|多|全|本|我|其|其他|其它|所有|相关|有关|上级|下级|各级|基层|兄弟|职能|临床|"
    r"医技|行政|后勤|所在|所属|下属|[0-9一二三四五六七八九十两几]+个?)"
    r"(?:党总支|党支部|党委|支部|总支|科室|科|部门|部|处室|处|医院|单位|中心)?$"
)
# A generic activity in front of a place's kind is no place: 体验基地, 学习基地, 教学中心.
_GENERIC_PLACE = re.compile(
    rf"^(?:体验|学习|考察|调研|观摩|交流|实践|参观|培训|活动|教学|展示)(?:{_PLACE_SUFFIX})$"
)
_PLACE_VERB = re.compile(
    r"(?:前往了?|来到(?:了|我院)?|走进(?:了|我院)?|走访了?|赴|到了?|[在于](?:我院|本院)?|参观了?)"
)
# A kind of unit with no name: 党支部, 委员会, 办公室.
_KIND_ONLY = re.compile(rf"(?:{_ORGANISER_SUFFIX})")
_FRAGMENT = re.compile(
    rf"[{CJK}0-9](?:[{CJK}0-9]|(?<=[0-9]) +(?=[{CJK}])|(?<=[{CJK}]) +(?=[0-9]))*"
)
_BOOK_TITLE = re.compile(r"《([^《》\n]{1,80})》")
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
# The marks a short name drops from the full one: 第三十三党支部 → 三十三支部.
_SHORTENED = re.compile(r"^(?:中共|中国共产党)|第|党(?=总支|支部|委)")
_CN_NUMBER = re.compile(r"[一二三四五六七八九十百]+")
_CN_VALUE = dict(zip("一二三四五六七八九", range(1, 10), strict=True))


def _short_key(name: str) -> str:
    """Return what a unit's name and its short forms share: 第三十三党支部, 三十三支部 → 33支部."""
    return _CN_NUMBER.sub(lambda m: str(_cn_number(m[0])), _SHORTENED.sub("", name))


def _cn_number(text: str) -> int:
    """Return the value of a Chinese number below a thousand: 三十三 → 33, 十 → 10, 一百二十 → 120."""
    total, digit = 0, 0
    for char in text:
        if char == "百":
            total, digit = total + (digit or 1) * 100, 0
        elif char == "十":
            total, digit = total + (digit or 1) * 10, 0
        else:
            digit = digit * 10 + _CN_VALUE[char]
    return total + digit


def keywords(body: str) -> list[str]:
    """Return the 《titles》 the body names: lectures, courses, exhibitions."""
    return unique(m[1].strip() for m in _BOOK_TITLE.finditer(body))


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
    return [(before, s.strip(), w.strip()) for before, s, w in pieces if s.strip()]


def places(body: str) -> list[str]:
    """Return the places the body says the event went to or was held in."""
    found = []
    for before, piece, written in _fragments(body):
        match = _PLACE.match(piece) if _PLACE_VERB.fullmatch(before) else None
        if match and len(match[0]) >= 3 and not _GENERIC_PLACE.match(match[0]):
            found.append(written[: match.end()])
    return unique(found)


def organisers(body: str, places: list[str]) -> list[str]:
    """Return the units (hospitals, departments, party branches) the body names, each once."""
    found = []
    for before, piece, written in _fragments(body):
        match = None if _PLACE_VERB.fullmatch(before) else _ORGANISER.match(piece)
        if match and len(match[0]) >= 3 and _one_unit(match[0]):
            found.append((match[0], written[: match.end()]))
    units = [(key, name) for key, name in dict(found).items() if name not in places]
    kept = []
    for key, name in units:
        short = _short_key(key)
        # 检验科 after 青海红十字医院检验科, 三十三支部 after 第三十三党支部: the same unit, named short.
        longer = (k for k, _ in units if len(k) > len(key))
        if not any(k.endswith(key) or _short_key(k).endswith(short) for k in longer):
            kept.append(name)
    return unique(kept)


def _one_unit(name: str) -> bool:
    """Tell whether a unit's name names one unit: not 各党支部, 相关科室, nor a bare 党支部."""
    return not (_NOT_ONE_UNIT.match(name) or "各" in name or _KIND_ONLY.fullmatch(name))


def kind(text: str) -> str:
    """Return the kind of event the article describes (主题党日, 学术交流, 培训), or ""."""
    simplified = to_simplified(text)
    for word, kind in _KINDS:
        if word in simplified:
            return kind
    return ""


def unique(items: Iterable[str]) -> list[str]:
    """Return the items without repeats, in first-seen order."""
    return list(dict.fromkeys(item for item in items if item))


def is_unit_name(text: str) -> bool:
    """Tell whether a line is nothing but a unit's name (青海红十字医院), as an account name is."""
    simplified = to_simplified(text).replace(" ", "")
    return _ORGANISER.fullmatch(simplified) is not None and not _BREAK.search(simplified)
