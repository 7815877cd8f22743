"""The top of a pasted article: page furniture, the headline, the publication time.

A copy of a WeChat post or a hospital web page brings more than the article: share buttons, 原创,
the account's name, breadcrumbs, view counts, and often the publication time run into the first
paragraph. This module tells those apart by their shape, so that the headline is the first line that
reads like one and the lead paragraph stays in the text.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import unicodedata

from gallery.article.credits import CJK, CREDIT_LABELS, is_credit_line
from gallery.article.dates import PUBLISHED, published_in
from gallery.article.units import is_unit_name
from gallery.text import to_simplified

#: Province-level regions: WeChat shows the one the post was sent from beside its time (IP 属地).
PROVINCES = frozenset(
    "北京 天津 上海 重庆 河北 山西 辽宁 吉林 黑龙江 江苏 浙江 安徽 福建 江西 山东 河南 湖北 湖南 "
    "广东 海南 四川 贵州 云南 陕西 甘肃 青海 台湾 内蒙古 广西 西藏 宁夏 新疆 香港 澳门".split()
)
# A line made only of buttons and counts: 分享 收藏 点赞 在看, 阅读 1234, 原创, 听全文.
_BUTTONS = re.compile(
    r"(?:原创|分享|收藏|点赞|赞|在看|写留言|留言|转发|推荐|听过|听全文|阅读原文|阅读全文|阅读|"
    r"关注|已关注|喜欢|打印本页|打印|关闭窗口|关闭|返回顶部|返回列表|返回|图片|视频|音频|置顶|"
    r"设为星标|星标|知道了|取消|允许|展开|收起|全文|小程序|次|人|万|w|个|篇|"
    r"original|share|like|wow|comment|favorite|readmore|\d+)+"
)
# Page furniture that can stand among words, recognised on a short line only.
_FURNITURE = re.compile(
    r"蓝字|轻点两下|滑动看下一个|预览时标签不可点|扫一扫|扫码|二维码|长按|微信号|公众号|当前位置|"
    r"^首页|上一篇|下一篇|字体|字号|分享到|关注我们|点击上方|点击关注|浏览次数|阅读量|阅读次数|"
    r"点击数|点击量|访问量|喜欢此内容|暂无留言|写下你的留言|看一看|划线|收录于|官方微信|官微|阅读原文|赞赏|版权所有|copyright|icp备|技术支持|^end$"
)
# What ends the article on a page: other posts and links follow.
_END = re.compile(
    r"往期推荐|往期回顾|往期精彩|精彩回顾|推荐阅读|相关阅读|相关新闻|相关文章|延伸阅读|更多精彩|精选留言"
)
# The top of a page: byline, source, counts; dropped, never read as body text.
_META = re.compile(
    r"^(?:原创|来源|出处|发布者|发布人|发布单位|发布时间|发布日期|发表时间|更新时间|时间|日期|"
    r"浏览|阅读|点击|访问)"
)
_META_LABEL = re.compile(rf"(?:^|(?<=\s))([{CJK}]{{1,6}})\s*[:：]")
_SENTENCE = re.compile(r"[，。！？；,;!?]")
_CJK_CHAR = re.compile(f"[{CJK}]")
# The region WeChat prints after the time, run into the text: 青海 为…, 青海11月1日…
_REGION = re.compile(rf"^(?:{'|'.join(sorted(PROVINCES, key=len, reverse=True))})(?:\s+|(?=\d))")
_SUBTITLE = re.compile(rf"^(?:——|—|--|──)\s*[{CJK}]")
#: How many lines from the top may still be the page's head.
HEAD_LINES = 12


def _folded(line: str) -> str:
    """Return a line in Simplified, half-width, lower case."""
    return to_simplified(unicodedata.normalize("NFKC", line)).lower().strip()


def is_chrome(line: str) -> bool:
    """Tell whether a line is page furniture (a share button, a lone mark, a breadcrumb), not text."""
    folded = _folded(line)
    compact = re.sub(r"[\W_]+", "", folded)
    if PUBLISHED.search(line):
        return False  # the publication time, maybe beside counts
    if not compact or (len(compact) <= 4 and not _CJK_CHAR.search(compact)):
        return True  # -, ▲, END, 01
    if compact in PROVINCES or _BUTTONS.fullmatch(compact):
        return True
    if all(word.startswith(("#", "＃")) for word in line.split()):
        return True  # #党建工作 #主题党日: the post's tags
    return len(folded) <= 40 and _FURNITURE.search(folded) is not None


def chrome_lines(lines: list[str], content: list[int]) -> set[int]:
    """Return the indexes of page furniture, and of what follows 往期推荐 (except credits)."""
    chrome: set[int] = set()
    ended = False
    for n, i in enumerate(content):
        line = lines[i]
        if ended and not is_credit_line(line):
            chrome.add(i)
        elif n >= 3 and len(line) <= 20 and _END.search(_folded(line)):
            ended = True
            chrome.add(i)
        elif is_chrome(line):
            chrome.add(i)
    return chrome


def is_paragraph(line: str) -> bool:
    """Tell whether a line is body text: a sentence, or too long for a headline."""
    return "。" in line or len(line) > 80 or (len(line) > 40 and _SENTENCE.search(line) is not None)


def _is_meta(line: str) -> bool:
    """Tell whether a line is the page's byline, source or counts (原创 检验科, 来源：…)."""
    return len(line) <= 40 and not is_paragraph(line) and _META.match(_folded(line)) is not None


def reads_like_headline(line: str, head: Head) -> bool:
    """Tell whether a line reads like a headline: Chinese, long enough, no sentence, no label."""
    if len(_CJK_CHAR.findall(line)) < 5 or is_paragraph(line):
        return False
    if head.repeated(line) and len(line) <= 12:
        return False  # a short line said twice at the top is the account's name
    if is_credit_line(line) or _is_meta(line) or is_unit_name(line):
        return False
    return not (PUBLISHED.search(line) and len(line) < 30)


@dataclasses.dataclass
class Head:
    """What the top of an article holds, by line index."""

    title: int | None = None
    #: The headline when it shares its line with the time (检验科开展质控培训 2024-11-06).
    title_text: str = ""
    guessed: bool = False
    published_at: dt.datetime | None = None
    used: set[int] = dataclasses.field(default_factory=set)
    #: A line that starts with the publication time: index → the text after it.
    lead: dict[int, str] = dataclasses.field(default_factory=dict)
    skipped: list[int] = dataclasses.field(default_factory=list)
    #: The lines of the top, to tell a line said twice (the account's name).
    top: list[str] = dataclasses.field(default_factory=list)
    #: Credits written beside the publication time (作者：陈静).
    credits: list[str] = dataclasses.field(default_factory=list)

    def repeated(self, line: str) -> bool:
        """Tell whether a line is said more than once at the top of the article."""
        return self.top.count(line) > 1


def publication(line: str) -> tuple[dt.datetime, str, str] | None:
    """Return the publication time a line starts with, and the texts before and after it."""
    match = PUBLISHED.search(line)
    when = published_in(match) if match else None
    if not match or not when:
        return None
    before = _folded(line[: match.start()])
    rest = line[match.end() :].strip()
    if len(before) > 40 or _SENTENCE.search(before):
        return None  # a day inside a sentence
    labelled = re.search(r"发布|发表|更新|时间|日期|原创", before)
    # Prose writes 11月1日; 2024-11-06 run into a paragraph is the page's time, not the text's.
    numeric = "年" not in match[0]
    if match[4] is None and not labelled and not numeric and _is_text(rest):
        return None  # 2024年11月1日，护理部…: the paragraph's day, not the post's
    return when, line[: match.start()].strip(), rest


def _is_text(rest: str) -> bool:
    """Tell whether what follows a publication time is the article's text, not the page's."""
    if not rest or _META_LABEL.match(to_simplified(rest)) or _folded(rest) in PROVINCES:
        return False
    return _SENTENCE.search(rest) is not None or len(_CJK_CHAR.findall(rest)) > 20


def _credits_beside(rest: str) -> list[str]:
    """Return the credits among the page's labels after a publication time (作者：陈静)."""
    simplified = to_simplified(rest)  # keeps the length, so positions hold in ``rest``
    labels = list(_META_LABEL.finditer(simplified))
    found = []
    for n, label in enumerate(labels):
        end = labels[n + 1].start() if n + 1 < len(labels) else len(rest)
        if label[1] in CREDIT_LABELS:
            found.append(rest[label.start() : end].strip())
    return found


def read_head(lines: list[str], content: list[int]) -> Head:
    """Find the headline and the publication time among the first lines; skip the page's lines."""
    top = content[:HEAD_LINES]
    head = Head(top=[lines[i] for i in top])
    for n, i in enumerate(top):
        line = lines[i]
        if is_credit_line(line):
            continue  # 文/张雯 at the top: the credits read it
        if head.title is not None and top[n - 1] == head.title and _SUBTITLE.match(line):
            head.title_text = (head.title_text or lines[head.title]) + line
            head.used.add(i)  # ——记检验科主任李满桂: the headline's second part
            continue
        if head.title is not None and head.published_at is not None:
            if not (_is_meta(line) or line == lines[head.title]):
                break  # the body starts here
            head.used.add(i)  # a byline under both, or the headline said again
            continue
        found = publication(line) if head.published_at is None else None
        if found:
            head.published_at, before, rest = found
            head.used.add(i)
            if head.title is None and reads_like_headline(before, head):
                head.title, head.title_text = i, before
            if _is_text(rest):
                head.lead[i] = _REGION.sub("", rest)
                break  # the body starts on this line
            head.credits.extend(_credits_beside(rest))
            continue
        if _is_meta(line) or (head.title is not None and line == lines[head.title]):
            head.used.add(i)  # a byline, or the headline said again
        elif head.title is None and reads_like_headline(line, head):
            head.title = i
            head.used.add(i)
        elif head.title is None and not is_paragraph(line):
            head.skipped.append(i)
            head.used.add(i)
        elif (
            head.title is not None
            and head.published_at is None
            and len(line) <= 30
            and not is_paragraph(line)
            and (is_unit_name(line) or any(publication(lines[j]) for j in top[n + 1 : n + 6]))
        ):
            head.used.add(i)  # the byline between headline and time: author, account
        else:
            break
    if head.title is None and head.skipped:
        # No line reads like one: take the first that may be one.
        plain = [
            i for i in head.skipped if not is_unit_name(lines[i]) and not head.repeated(lines[i])
        ]
        if plain:  # an account's name is never taken for the headline
            head.title = plain[0]
            head.skipped.remove(head.title)
            head.guessed = True
    return head
