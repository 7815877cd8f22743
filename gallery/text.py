"""Chinese text normalisation: the keys that make 楊 軍, 杨军 and 杨 军 the same person."""

from __future__ import annotations

import functools
import re
import unicodedata

import opencc

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ"
# One pinyin syllable: an optional initial, then a final. Tone marks are folded out before matching.
_SYLLABLE = re.compile(
    r"(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?"
    r"(?:iang|iong|uang|ueng|ang|eng|ing|ong|ian|iao|uai|uan|van|ai|ei|ao|ou|an|en|er|ia|ie|iu|in"
    r"|ua|uo|ui|un|ue|ve|vn|a|o|e|i|u|v)"
)
# A CJK character followed by "(pinyin)", as converters of web pages leave them: 檢驗(yàn)科.
_GARBLE = re.compile(rf"([{_CJK}])\s?[(（]([a-z{_TONED}]{{1,7}})[)）]", re.IGNORECASE)
_SPACE_BETWEEN_CJK = re.compile(rf"(?<=[{_CJK}])\s+(?=[{_CJK}])")
_CJK_CHAR = re.compile(f"[{_CJK}]")
# The last space-separated part is a single Chinese character (so the next one joins it).
_LONE_CJK = re.compile(rf"(?:^|[^{_CJK}])[{_CJK}]$")
_DOTS = str.maketrans({"•": "·", "‧": "·", "・": "·", "∙": "·", ".": "·"})


@functools.cache
def _t2s() -> opencc.OpenCC:
    """Return the Traditional→Simplified converter, built on first use."""
    return opencc.OpenCC("t2s")


def _is_pinyin(word: str) -> bool:
    """Tell whether ``word`` is one pinyin syllable, with or without tone marks."""
    plain = unicodedata.normalize("NFKD", word.lower().replace("ü", "v"))
    plain = "".join(c for c in plain if not unicodedata.combining(c))
    return _SYLLABLE.fullmatch(plain) is not None


def strip_pinyin(text: str) -> str:
    """Remove the "(pinyin)" a converter inserted after Chinese characters: 檢驗(yàn)科 → 檢驗科."""
    return _GARBLE.sub(lambda m: m[1] if _is_pinyin(m[2]) else m[0], text)


def to_simplified(text: str) -> str:
    """Convert Traditional Chinese characters to Simplified; other text is unchanged."""
    return _t2s().convert(text)


@functools.cache
def _s2t() -> opencc.OpenCC:
    """Return the Simplified→Traditional converter, built on first use."""
    return opencc.OpenCC("s2t")


def script(text: str) -> str:
    """Tell which script Chinese text is in: "traditional", "simplified", "mixed" or "" (either)."""
    traditional = to_simplified(text) != text
    simplified = _s2t().convert(text) != text
    if traditional and simplified:
        return "mixed"
    return "traditional" if traditional else "simplified" if simplified else ""


def fold(text: str) -> str:
    """Return the search key of ``text``: half-width, Simplified, pinyin garbling removed, lower case."""
    text = unicodedata.normalize("NFKC", text)
    return to_simplified(strip_pinyin(text)).casefold()


def clean_name(name: str) -> str:
    """Tidy a person's name as written: no pinyin garbling, no spaces inside a Chinese name (楊 軍 → 楊軍)."""
    name = " ".join(strip_pinyin(unicodedata.normalize("NFKC", name)).split())
    return _SPACE_BETWEEN_CJK.sub("", name)


def name_key(name: str) -> str:
    """Return the key that identifies a person: 楊 軍, 杨军 and 杨 军 all give 杨军."""
    key = " ".join(fold(name).split())
    key = _SPACE_BETWEEN_CJK.sub("", key)
    if re.search(rf"[{_CJK}]", key):
        key = key.translate(_DOTS).replace(" ", "")
    return key


def is_cjk(char: str) -> bool:
    """Tell whether ``char`` is a Chinese character."""
    return _CJK_CHAR.match(char) is not None


def join_spaced_names(text: str) -> str:
    """Join Chinese characters that stand alone between spaces, as names are often typed: 楊 軍 → 楊軍.

    Only a space touching a single character goes: 主题党日 检验科 keeps its space.
    """
    parts = text.split(" ")
    joined: list[str] = []
    for part in parts:
        if (
            joined
            and part
            and joined[-1]
            and is_cjk(joined[-1][-1])
            and is_cjk(part[0])
            and (len(part) == 1 or _LONE_CJK.search(joined[-1]))
        ):
            joined[-1] += part
        else:
            joined.append(part)
    return " ".join(joined)


def search_key(text: str) -> str:
    """Return the form of ``text`` that search indexes and queries: folded, names joined."""
    return join_spaced_names(" ".join(fold(text).split()))


def segment(text: str) -> list[tuple[str, int, int]]:
    """Cut Chinese text into words with their character offsets (rjieba): 检验科 is one word."""
    import rjieba

    return [(word, start, end) for word, start, end in rjieba.tokenize(text) if word.strip()]


def name_pinyin(name: str) -> list[str]:
    """Return the pinyin a person would type for a Chinese name: ["yang", "jun", "yangjun"]."""
    from pypinyin import lazy_pinyin

    syllables = [s.lower() for s in lazy_pinyin(clean_name(name)) if s.isascii() and s.isalpha()]
    return [*syllables, "".join(syllables)] if len(syllables) > 1 else syllables
