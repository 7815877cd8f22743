"""People: names resolved to one person through the normalised name key."""

from __future__ import annotations

from typing import Any

from gallery.catalog import Person
from gallery.catalog import queries as q
from gallery.errors import InvalidInput
from gallery.text import clean_name, name_key


def person_for_name(session: Any, name: str) -> Person:
    """Return the person this name means (楊 軍 = 杨军), creating them on first mention."""
    display = clean_name(name)
    key = name_key(display)
    if not key:
        raise InvalidInput(f"not a name: {name!r}")
    return q.person_for_key(session, key, display)
