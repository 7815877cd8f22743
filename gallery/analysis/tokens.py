"""Search analysis, tokens: grams, words, pinyin, numbers and synonyms (pure Python, no engine).

See :mod:`gallery.analysis` for the public names.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from gallery.text import is_cjk, name_pinyin, search_key, segment

DEFAULT_SYNONYMS = Path(__file__).parent.parent / "synonyms.txt"
# Letters and digits are separate words (iso15189 = iso 15189); a decimal number stays whole.
_LATIN = re.compile(r"[^\W\d_\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|\d+(?:\.\d+)?")
_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_DIGITS = {c: n for n, c in enumerate("〇一二三四五六七八九")} | {"零": 0, "两": 2}
_UNITS = {"十": 10, "百": 100, "千": 1000}
# One toneless pinyin syllable: an optional initial, then a final.
_SYLLABLE = re.compile(
    r"(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?"
    r"(?:iang|iong|uang|ueng|ang|eng|ing|ong|ian|iao|uai|uan|van|ai|ei|ao|ou|an|en|er|ia|ie|iu|in"
    r"|ua|uo|ui|un|ue|ve|vn|a|o|e|i|u|v)"
)
# Finals that stand alone as a syllable (other finals need an initial: ui is wei, not a syllable).
_BARE = {"a", "o", "e", "ai", "ei", "ao", "ou", "an", "en", "ang", "eng", "er"}
_CHINESE_NUMBER = re.compile("[〇零一二三四五六七八九十百千两]{2,}")


def gram_tokens(text: str) -> list[tuple[str, int]]:
    """Return (token, position) pairs of a search key: Chinese 1- and 2-grams; Latin words.

    Each gram sits at the position of its first character, so a word of up to two characters is one
    term, a longer one the conjunction of its bigrams (a trigram per character cost a third of the
    index and most of its distinct terms), and a phrase the run of its bigrams at consecutive
    positions.
    """
    tokens: list[tuple[str, int]] = []
    position = 0
    i = 0
    while i < len(text):
        char = text[i]
        if is_cjk(char):
            tokens.append((char, position))
            if i + 1 < len(text) and is_cjk(text[i + 1]):
                tokens.append((text[i : i + 2], position))
            position += 1
            i += 1
            continue
        match = _LATIN.match(text, i)
        if match:
            tokens.append((match.group(0), position))
            position += 1
            i = match.end()
        else:
            if not char.isspace():
                position += 1  # punctuation breaks phrases
            i += 1
    return tokens


def index_grams(text: str) -> list[tuple[str, int]]:
    """Return the gram tokens of raw text, folded to its search key first."""
    return gram_tokens(search_key(text))


def word_tokens(text: str) -> list[str]:
    """Return the words rjieba cuts from the text's search key (for ranking, not matching)."""
    words = (w.strip() for w, _s, _e in segment(search_key(text)))
    return [w for w in words if w and any(c.isalnum() for c in w)]


def load_synonyms(path: Path = DEFAULT_SYNONYMS) -> dict[str, list[str]]:
    """Read a synonym table: one group per line, members separated by "="; # starts a comment."""
    table: dict[str, list[str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        members = [search_key(m) for m in line.split("#", 1)[0].split("=")]
        members = [m for m in members if m]
        for member in members:
            table[member] = [m for m in members if m != member]
    return table


def _numeral_value(run: str) -> int | None:
    """Return the value of Chinese numerals: 七十 → 70, 二〇二四 → 2024, 一百零二 → 102; else None."""
    if all(c in _DIGITS for c in run):
        return int("".join(str(_DIGITS[c]) for c in run)) if len(run) > 1 else None
    total, current = 0, 0
    for char in run:
        if char in _DIGITS:
            current = _DIGITS[char]
        elif char in _UNITS:
            total += (current or 1) * _UNITS[char]
            current = 0
        else:
            return None
    return total + current


def _chinese_numerals(number: str) -> list[str]:
    """Return how a number is written in Chinese: 70 → 七十; 2024 → 二〇二四, 二零二四."""
    digits = "〇一二三四五六七八九"
    if len(number) == 4 or len(number) > 4:
        spelled = "".join(digits[int(d)] for d in number)
        return [spelled, spelled.replace("〇", "零")]
    value = int(number)
    if value == 0 or len(number) > 3 or number.startswith("0"):
        return []
    hundreds, tens, ones = value // 100, value // 10 % 10, value % 10
    text = digits[hundreds] + "百" if hundreds else ""
    if tens:
        text += ("" if tens == 1 and not hundreds else digits[tens]) + "十"
    elif hundreds and ones:
        text += "零"
    text += digits[ones] if ones else ""
    return [text]


def number_variants(key: str) -> list[str]:
    """Return ``key`` with its numbers written the other way: 70周年 ↔ 七十周年, 2024 ↔ 二〇二四."""
    variants = []
    arabic = _CHINESE_NUMBER.sub(
        lambda m: str(v) if (v := _numeral_value(m[0])) is not None else m[0], key
    )
    if arabic != key:
        variants.append(arabic)
    for number in set(re.findall(r"\d+", key)):
        for spelled in _chinese_numerals(number):
            variant = re.sub(rf"(?<!\d){number}(?!\d)", spelled, key)
            if variant != key and variant not in variants:
                variants.append(variant)
    return variants


def split_pinyin(word: str) -> list[str] | None:
    """Return the syllables of a Latin word written in pinyin (limangui → li man gui), else None."""
    word = word.lower()
    if not word.isascii() or not word.isalpha() or len(word) > 40:
        return None

    # Longest syllable first, backing off when the rest cannot be split (xian → xian, fangan → fang an).
    def split(start: int) -> list[str] | None:
        if start == len(word):
            return []
        for end in range(min(len(word), start + 6), start, -1):
            piece = word[start:end]
            if _SYLLABLE.fullmatch(piece) and (piece[0] not in "aoeiuv" or piece in _BARE):
                rest = split(end)
                if rest is not None:
                    return [word[start:end], *rest]
        return None

    return split(0)


def pinyin_terms(syllables: list[str]) -> tuple[str, ...]:
    """Return the pinyin-field terms that find these syllables in a row (each pair, joined)."""
    if len(syllables) <= 2:
        return ("".join(syllables),)
    return tuple("".join(syllables[i : i + 2]) for i in range(len(syllables) - 1))


@functools.lru_cache(maxsize=200_000)
def _word_pinyin(word: str) -> tuple[str | None, ...]:
    """Return the pinyin of each character of one Chinese word, read as that word (cached)."""
    spelled = name_pinyin(word)
    syllables = spelled[:-1] if len(spelled) > 1 else spelled
    if len(syllables) != len(word):  # a character pypinyin does not know: spell one by one
        return tuple(_word_pinyin(c)[0] if len(word) > 1 else None for c in word)
    return tuple(syllables)


def char_pinyin(text: str) -> list[str | None]:
    """Return each character's pinyin (None for what is not Chinese), read word by word.

    Words (rjieba's) repeat across an archive, so their readings are cached; reading a word whole
    keeps the right sound of a character with several (重温 is chong wen, not zhong wen).
    """
    out: list[str | None] = [None] * len(text)
    for word, start, _end in segment(text):
        if is_cjk(word[0]) and all(is_cjk(c) for c in word):
            out[start : start + len(word)] = _word_pinyin(word)
    return out


def pinyin_tokens(text: str) -> list[tuple[str, int]]:
    """Return the joined pinyin of every two Chinese characters in a row, at the first's position."""
    key = search_key(text)
    syllables = char_pinyin(key)
    tokens = []
    for i in range(len(key)):
        window = syllables[i : i + 2]
        if len(window) == 2 and all(window):
            tokens.append(("".join(window), i))  # type: ignore[arg-type]
    return tokens


def names_text(names: list[str]) -> str:
    """Return names as a gram field holds them: each name, then the pinyin people type for them."""
    return "\n".join([*names, " ".join(name_tokens(names))]).strip()


def name_tokens(names: list[str]) -> list[str]:
    """Return the pinyin people type for names: syllables, joined, and initials (yang jun yangjun yj)."""
    tokens = []
    for name in names:
        spelled = name_pinyin(name)
        tokens.extend(spelled)
        syllables = spelled[:-1] if len(spelled) > 1 else spelled
        if len(syllables) > 1:
            tokens.append("".join(s[0] for s in syllables))
    return tokens


def respell(text: str, syllables: list[str]) -> str | None:
    """Return the words of ``text`` that sound like ``syllables`` (福建规则 → 复检规则), or None."""
    key = search_key(text)
    spelled = char_pinyin(key)
    n = len(syllables)
    for i in range(len(key) - n + 1):
        if spelled[i : i + n] == syllables:
            return key[i : i + n]
    return None


def document_text(document: Mapping[str, Any]) -> tuple[str, list[str]]:
    """Return what an index document is searched by: its own text, and the names in it.

    A photo's own text is its caption, keywords, camera, file name and year (its event's text is on
    the event's document); an event's is its title, kind, place, organisers, description and year.
    Both search backends index exactly this.
    """
    if document["type"] == "event":
        keys = ("title", "kind", "place", "organisers", "description", "year")
    else:
        keys = ("caption", "keywords", "camera", "file_name", "year")
    parts = []
    for key in keys:
        value = document.get(key) or ""
        parts.append(" ".join(value) if isinstance(value, list) else value)
    return "\n".join(p for p in parts if p), [n for n in document.get("names", []) if n]
