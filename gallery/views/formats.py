"""Dates, times and numbers as people read them, in the reader's language: one helper for every page.

``2024年11月1日 09:12`` in Chinese and ``1 Nov 2024, 09:12`` in English; never an ISO string, never
seconds with decimals. Registered as Jinja filters and globals (``format_date``/``format_datetime``
are these too, so every template speaks the same way), and used for the display screens' overlay.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Flask
from flask_babel import format_date, format_datetime, get_locale
from flask_babel import gettext as _

#: CLDR patterns per language: the day as written in each, the time on a 24-hour clock.
DAY = {"zh": "y年M月d日", "en": "d MMM y"}
DAY_TIME = {"zh": "y年M月d日 HH:mm", "en": "d MMM y, HH:mm"}


def _language() -> str:
    """Return the reader's language: "zh" or "en"."""
    locale = get_locale()
    return "en" if locale is not None and locale.language == "en" else "zh"


def _parse(value: Any) -> dt.date | dt.datetime | None:
    """Return a date or a datetime from one, or from its ISO 8601 text; None for nothing."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.date):
        return value
    text = str(value).strip().replace(" ", "T", 1)
    if len(text) == 10:
        return dt.date.fromisoformat(text)
    return dt.datetime.fromisoformat(text)


def day(value: Any) -> str:
    """Return a day as people write it: 2024年11月1日, 1 Nov 2024 (a datetime gives its day)."""
    parsed = _parse(value)
    if parsed is None:
        return ""
    if isinstance(parsed, dt.datetime):
        parsed = parsed.date()
    return format_date(parsed, DAY[_language()])


def when(value: Any, rebase: bool = True) -> str:
    """Return a moment to the minute: 2024年11月1日 09:12, 1 Nov 2024, 09:12.

    A naive datetime is a time the server recorded in UTC and is shown in the gallery's time zone;
    ``rebase=False`` shows a time as it was written (an article's publication, a camera's clock).
    A date alone is shown as a day.
    """
    parsed = _parse(value)
    if parsed is None:
        return ""
    if not isinstance(parsed, dt.datetime):
        return day(parsed)
    if parsed.tzinfo is not None and not rebase:
        parsed = parsed.replace(tzinfo=None)  # the clock time where it was taken, not ours
    return format_datetime(parsed, DAY_TIME[_language()], rebase=rebase)


def taken(value: Any) -> str:
    """Return when a photo was taken (ISO text, with or without its offset) as its clock showed it."""
    return when(value, rebase=False)


def seconds(value: Any) -> str:
    """Return a number of seconds without needless decimals: 8, 1.5."""
    if value is None or value == "":
        return ""
    number = float(value)
    return f"{number:g}" if number != int(number) else str(int(number))


def screen_settings(settings: dict[str, Any]) -> str:
    """Return a display link's own settings as words: 竖屏（旋转安装） · 每张 60 秒."""
    words = {
        "orientation": {"portrait": _("Portrait (turned)"), "landscape": _("Landscape")},
    }
    parts = []
    for key, value in settings.items():
        if key == "seconds":
            parts.append(_("%(seconds)s s per photo", seconds=seconds(value)))
        elif key in words:
            parts.append(words[key].get(value, str(value)))
        else:
            parts.append(f"{key}: {value}")
    return " · ".join(parts)


def photo_by(name: str = "") -> str:
    """Return a photo credit in the reader's punctuation: 图／杨军, Photo: 杨军 (or the prefix alone)."""
    return _("Photo") + ("／" if _language() == "zh" else ": ") + name


def labelled(label: str) -> str:
    """Return a label before its value in the reader's punctuation: 主办单位：, Organisers: ."""
    return label + ("：" if _language() == "zh" else ": ")


def photo_name(caption: str | None, event: str, number: int) -> str:
    """Return what a photo is called to someone who cannot see it: its caption, else event and number."""
    caption = (caption or "").strip()
    return caption or _("%(event)s, photo %(num)d", event=event, num=number)


def init_formats(app: Flask) -> None:
    """Offer the helpers to every template, as filters and as the names templates already use."""
    helpers = {
        "day": day,
        "when": when,
        "taken": taken,
        "seconds": seconds,
        "screen_settings": screen_settings,
    }
    app.jinja_env.filters.update(helpers)
    app.jinja_env.globals.update(
        format_date=day,
        format_datetime=when,
        photo_name=photo_name,
        photo_by=photo_by,
        labelled=labelled,
    )
