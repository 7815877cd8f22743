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
_GARBLE = re.compile(rf"([{_CJK}])\s?\(([a-z{_TONED}]{{1,7}})\)", re.IGNORECASE)
_SPACE_BETWEEN_CJK = re.compile(rf"(?<=[{_CJK}])\s+(?=[{_CJK}])")
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
    text = text.replace("（", "(").replace("）", ")")
    return _GARBLE.sub(lambda m: m[1] if _is_pinyin(m[2]) else m[0], text)


def to_simplified(text: str) -> str:
    """Convert Traditional Chinese characters to Simplified; other text is unchanged."""
    return _t2s().convert(text)


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
