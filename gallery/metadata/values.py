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


def decode_text(raw: bytes | str, encoding: str | None = None) -> str:
    """Decode text whose encoding is unknown: the one given, else UTF-8, else GB18030; never fail."""
    if isinstance(raw, str):
        text = raw
    else:
        text = None
        for candidate in (encoding, "utf-8", "gb18030"):
            if candidate:
                try:
                    text = raw.decode(candidate)
                    break
                except (UnicodeDecodeError, LookupError):
                    continue
        if text is None:
            text = raw.decode(encoding or "utf-8", errors="replace")
    return text.replace("\x00", "").strip()


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
