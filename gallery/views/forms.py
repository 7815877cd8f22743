"""What forms and scripts send, parsed one way for every view: keywords typed in a box, photo numbers."""

from __future__ import annotations

import re
from typing import Any

from gallery.errors import InvalidInput

_KEYWORD_SEPARATORS = re.compile(r"[,，、;；\n]+")


def split_keywords(text: str) -> list[str]:
    """Split keywords typed in one box: commas (either width), 、 or semicolons separate them."""
    return [k.strip() for k in _KEYWORD_SEPARATORS.split(text) if k.strip()]


def parse_ids(raw: Any) -> list[int]:
    """Return photo ids from a list of numbers or a text of numbers separated by commas or spaces."""
    items = raw.replace(",", " ").split() if isinstance(raw, str) else raw
    if not isinstance(items, list):
        raise InvalidInput("ids: a list of photo numbers")
    try:
        return [int(i) for i in items]
    except (TypeError, ValueError):
        raise InvalidInput("ids: a list of photo numbers") from None
