"""Dates in an article: the publication time near the top, and the days the text names."""

from __future__ import annotations

import datetime as dt
import re

from gallery.article.model import Article

# 2024-11-06 14:34:15, 2024年11月06日 14:34, ２０２４／１１／０６ (\d takes full-width digits too).
PUBLISHED = re.compile(
    r"(?<!\d)(\d{4})\s*[-/.年－／．]\s*(\d{1,2})\s*[-/.月－／．]\s*(\d{1,2})\s*日?"
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

# What follows a day that is described rather than the event's: 是, 为, 以来, 起, 前夕.
_DESCRIBED = re.compile(r"\s*(?:是|为|以来|起|前夕|之前|以前|前后|当天是)")


def published_in(match: re.Match[str]) -> dt.datetime | None:
    """Return the time a PUBLISHED match writes, or None when it is no real day."""
    year, month, day, hour, minute, second = (int(g) if g else 0 for g in match.groups())
    try:
        return dt.datetime(year, month, day, hour, minute, second)
    except ValueError:
        return None


def _to_int(number: str) -> int:
    """Return 11 for "11" or "十一", 1 for "一", 30 for "三十"."""
    if number.isdigit():
        return int(number)
    if "十" in number:
        tens, _, units = number.partition("十")
        return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[units] if units else 0)
    return _CN_DIGITS[number]


def event_dates(body: str, article: Article) -> tuple[dt.date | None, dt.date | None]:
    """Return the first day the body names (and the last of its range), never after publication.

    Every other day the body names is noted, since the first is not always the event's.
    """
    published = article.published_at
    found: list[tuple[str, dt.date, dt.date | None, bool]] = []
    for match in _BODY_DATE.finditer(body):
        day = _day(match, published, article)
        if day and all(day[0] != start for _, start, _, _ in found):
            described = _DESCRIBED.match(body, match.end()) is not None
            found.append((match[0], *day, described))
    if not found:
        return None, None
    if len(found) > 1:
        article.note("several_dates", "、".join(written for written, _, _, _ in found))
    # 7月1日是建党纪念日, 自3月1日起: a day the text describes, not the day of the event.
    events = [f for f in found if not f[3]] or found
    return events[0][1], events[0][2]


def _day(
    match: re.Match[str], published: dt.datetime | None, article: Article
) -> tuple[dt.date, dt.date | None] | None:
    """Return the first and last day of one date in the body, or None (noted) when it cannot be."""
    year_text, month, day, end_month, end_day = match.groups()
    if year_text:
        year = int(year_text)
    elif published:
        year = published.year
    else:
        article.note("date_without_year", match[0])
        return None
    try:
        start = dt.date(year, _to_int(month), _to_int(day))
    except ValueError:
        article.unrecognised.append(match[0])
        return None
    if published and not year_text and start > published.date():
        try:
            last_year = start.replace(year=year - 1)
        except ValueError:  # 2月29日
            last_year = start
        # 12月30日 in a post of 1月2日 is last year's; 3月5日 in a post of 3月1日 is not a year old.
        if (published.date() - last_year).days <= 183:
            start = last_year
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
        article.note("date_after_publication", match[0])
        return None
    return start, end
