"""The credits block of an article (文：… 图：… 审核：…) and the names in it."""

from __future__ import annotations

import re
import unicodedata

from gallery.article.model import Article
from gallery.text import is_cjk, to_simplified

CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"

#: Credit labels (in Simplified, after folding) → role; the longest label is tried first.
CREDIT_LABELS: dict[str, tuple[str, ...]] = {
    "文": ("text",),
    "文字": ("text",),
    "撰文": ("text",),
    "撰稿": ("text",),
    "文稿": ("text",),
    "供稿": ("text",),
    "通讯员": ("text",),
    "作者": ("text",),
    "记者": ("text",),
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
# A credit label where a credit starts: line start or after a space/separator, then a colon, a
# slash or a bar (文丨张雯, as WeChat editors write it).
CREDIT = re.compile(rf"(?:^|(?<=[\s|｜丨,，;；]))({_LABELS})\s*[:：/／|｜丨]\s*")
# "label：value" of any other kind, so that unknown labels in the credits block are listed.
LABELLED = re.compile(rf"^\s*([{CJK}]{{1,6}})\s*[:：]\s*(\S.*)$")
_NAME_SEPARATORS = re.compile(r"[\s、,，;；/／|｜丨]+")
_LONG_LABELS = "|".join(
    re.escape(label) for label in sorted(CREDIT_LABELS, key=len, reverse=True) if len(label) > 1
)
# 通讯员 张雯, 摄影 杨军 李明: a label of two or more characters, a space, then only names.
_SPACED = re.compile(rf"^({_LONG_LABELS})\s+(\S.*)$")


def _colon(line: str) -> str:
    """Return a credit written with a space as with a colon: 通讯员 张雯 → 通讯员：张雯."""
    match = _SPACED.match(line.strip())
    if not match:
        return line
    names = split_names(match[2])
    # Without a colon, only short names make it a credit: 编辑 部门要求严格 is a sentence.
    short = all(_looks_like_name(name) and len(name) <= 4 for name in names)
    return f"{match[1]}：{match[2]}" if names and short else line


def is_credit_line(line: str) -> bool:
    """Tell whether a line starts with a credit label (文：, 图／, 审核：)."""
    return len(line) <= 120 and CREDIT.match(credit_text(_colon(line))) is not None


def credits_block(lines: list[str], rest: list[int]) -> list[int]:
    """Return the indexes of the lines that carry credits (文：… 图：…), wherever they stand.

    A short "label：value" line next to a credit line (来源：…) belongs to the block too, so that an
    unknown label is listed rather than read as body text.
    """
    block = {i for i in rest if is_credit_line(lines[i])}
    labelled = {i for i in rest if len(lines[i]) <= 40 and LABELLED.match(credit_text(lines[i]))}
    grown = True
    while grown:  # labelled lines next to the block, and next to those, belong to it
        grown = False
        for n, i in enumerate(rest):
            if i in labelled and i not in block and block.intersection(rest[max(n - 1, 0) : n + 2]):
                block.add(i)
                grown = True
    return sorted(block)


def credit_text(line: str) -> str:
    """Return a credit line in Simplified and half-width, brackets off: （圖／楊軍） → 图/杨军."""
    return to_simplified(unicodedata.normalize("NFKC", line)).strip(" ()[]【】")


def read_credit_line(line: str, article: Article) -> None:
    """Add the credits of one line ("文：张雯 图：杨军") to the article; list what is not a credit."""
    line = _colon(line)
    folded = credit_text(line)
    matches = list(CREDIT.finditer(folded))
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
    """Split a credit's names as written: 楊 軍 李明 → 楊軍, 李明; 马 秀 清 → 马秀清; 王 小明 → 王小明.

    Characters typed one by one make one name of two or three, or names of two (张 雯 刘 强).
    """
    parts = [p for p in _NAME_SEPARATORS.split(text.strip()) if p]
    names: list[str] = []
    run: list[str] = []
    for part in parts:
        if len(part) == 1 and is_cjk(part):
            run.append(part)
        elif len(run) == 1 and all(is_cjk(c) for c in part) and len(part) <= 2:
            names.append(run.pop() + part)  # a surname, then the given name
        else:
            names.extend(_spaced_names(run))
            run = []
            names.append(part)
    return names + _spaced_names(run)


def _spaced_names(chars: list[str]) -> list[str]:
    """Return the names that characters typed one by one make: 2 or 3 → one, 4 → two, 5 → 2 + 3."""
    if len(chars) <= 3:
        return ["".join(chars)] if chars else []
    cut = 3 if len(chars) == 5 else 2
    return ["".join(chars[:cut]), *_spaced_names(chars[cut:])]


#: A line that may hold a credit: short, with a colon, slash or bar (cheap to find before folding).
_MAYBE_CREDIT = re.compile(r"^.{0,120}[:：/／|｜丨]")


def names_as_written(text: str) -> list[str]:
    """Return the names an article's credit lines give, as written there (楊軍 stays 楊軍)."""
    found = Article()
    for line in text.splitlines():
        line = line.strip()
        if line and _MAYBE_CREDIT.match(line) and is_credit_line(line):
            read_credit_line(line, found)
    return [name for names in found.credits.values() for name in names]
