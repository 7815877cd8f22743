"""Small parsers shared by the metadata readers: text of unknown encoding, dates, offsets, name lists."""

from __future__ import annotations

import datetime as dt
import re

_DATE = re.compile(
    r"(\d{4})[:\-/.](\d{1,2})[:\-/.](\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?"
)
OFFSET = re.compile(r"([+-])(\d{2}):?(\d{2})")
#: Longest text kept per tag in the tag dump.
MAX_TAG_TEXT = 1000


def split_names(names: str) -> list[str]:
    """Split a list of names written in one text field ("杨军; 李满桂")."""
    return [n.strip() for n in re.split(r"[;；,，、]", names) if n.strip()]


def is_cjk(ch: str) -> bool:
    """Tell whether a character is Chinese (or Japanese, Korean) writing or its punctuation."""
    o = ord(ch)
    return (
        0x2E80 <= o <= 0x9FFF
        or 0xAC00 <= o <= 0xD7AF
        or 0xF900 <= o <= 0xFAFF
        or 0xFF00 <= o <= 0xFFEF
        or 0x20000 <= o <= 0x3FFFF
    )


def _clean_cjk(text: str) -> bool:
    """Tell whether every non-ASCII character of ``text`` is CJK: a clean Chinese decoding.

    Chinese text also uses general punctuation (“”‘’—…·), which GB18030 holds too.
    """
    return any(is_cjk(c) for c in text) and all(
        ord(c) < 128 or is_cjk(c) or 0x2010 <= ord(c) <= 0x2027 or c == "·" for c in text
    )


def _paired(latin: str) -> bool:
    """Tell whether most accented letters of a cp1252 reading touch another: mojibake, not a language.

    Measured: in French, German, Hungarian or Spanish words an accented letter stands between ASCII
    ones; GBK bytes outside GB2312 (Traditional characters) read as cp1252 come in runs.
    """
    high = [i for i, ch in enumerate(latin) if ord(ch) > 127]
    touching = [
        i
        for i in high
        if (i > 0 and ord(latin[i - 1]) > 127) or (i + 1 < len(latin) and ord(latin[i + 1]) > 127)
    ]
    return len(touching) * 2 >= len(high)


def _glued(text: str) -> bool:
    """Tell whether a CJK character stands between two ASCII letters ("cora鐂o"): Latin misread."""
    return any(
        is_cjk(text[i])
        and text[i - 1].isascii()
        and text[i - 1].isalpha()
        and text[i + 1].isascii()
        and text[i + 1].isalpha()
        for i in range(1, len(text) - 1)
    )


def _strict(raw: bytes, encoding: str) -> str | None:
    """Decode ``raw`` strictly, or return None."""
    try:
        return raw.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def decode_text(raw: bytes | str, encoding: str | None = None, chinese: bool = False) -> str:
    """Decode text whose encoding is unknown, never failing.

    The encoding given, else UTF-8, else Latin-1 (cp1252) as other readers assume. GB18030 only where
    the bytes decode to clean Chinese and the measurement says Chinese: they are not valid cp1252, or
    the file is ``chinese`` by its other text, or, with no Chinese character glued between two Latin
    letters ("cora鐂o"), they are valid GB2312 (both bytes of every pair >= 0xA1, which an accented
    letter beside an ASCII one never is) or their cp1252 reading is runs of accented letters.
    """
    if isinstance(raw, str):
        return raw.replace("\x00", "").strip()
    raw = raw.replace(b"\x00", b"")
    text = _strict(raw, encoding) if encoding else None
    if text is None:
        text = _strict(raw, "utf-8")
    if text is None:
        gb = _strict(raw, "gb18030")
        latin = _strict(raw, "cp1252")
        if (
            gb is not None
            and _clean_cjk(gb)
            and (
                latin is None
                or chinese
                or (not _glued(gb) and (_strict(raw, "gb2312") is not None or _paired(latin)))
            )
        ):
            text = gb
        else:
            text = latin if latin is not None else gb
    if text is None:
        text = raw.decode("cp1252", errors="replace")
    return text.strip()


def parse_date(text: str) -> dt.datetime | None:
    """Parse an EXIF-style date ("2024:11:01 09:30:15"); None for empty or all-zero dates."""
    match = _DATE.search(text)
    if not match:
        return None
    year, month, day, hour, minute, second = (int(g) if g else 0 for g in match.groups())
    if year == 0:
        return None
    return dt.datetime(year, month, day, hour, minute, second)


def parse_offset(text: str) -> str | None:
    """Normalise a UTC offset ("+0800", "+08:00") to "+08:00"; None when absent or malformed."""
    match = OFFSET.fullmatch(text.strip())
    if not match:
        return None
    sign, hours, minutes = match.groups()
    if int(hours) > 14 or int(minutes) >= 60:
        return None
    return f"{sign}{hours}:{minutes}"


_ISO = re.compile(
    r"(\d{4})[-:](\d{2})[-:](\d{2})"
    r"(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?"
)


def parse_iso_date(text: str) -> tuple[dt.datetime, str | None, bool]:
    """Parse an XMP or IPTC date ("2007-11-19T11:03:15.5-06:00", "2020-07-23").

    Return the wall-clock time, the UTC offset ("-06:00" or None), and whether only the day is known.
    Raises ValueError for anything else (a year alone is no date taken).
    """
    match = _ISO.match(text.strip())
    if not match:
        raise ValueError(text)
    year, month, day, hour, minute, second, fraction, zone = match.groups()
    micro = int(fraction[:6].ljust(6, "0")) if fraction else 0
    taken = dt.datetime(
        int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0), micro
    )
    if year == "0000":
        raise ValueError(text)
    offset = "+00:00" if zone == "Z" else parse_offset(zone) if zone else None
    return taken, offset if hour else None, hour is None
