"""Keep the Chinese interface whole: every message translated, the compiled catalogue up to date."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).parent.parent
CATALOG = ROOT / "gallery" / "translations" / "zh" / "LC_MESSAGES"
METHODS = [("gallery/**.py", "python"), ("templates/**.html", "jinja2")]


def _messages_in_code() -> set[str]:
    """Return every msgid the code and templates ask to translate (singular form)."""
    found = set()
    keywords = {"_": None, "_l": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None}
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), METHODS, keywords=keywords
    ):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


def test_every_message_has_chinese() -> None:
    with (CATALOG / "messages.po").open("rb") as f:
        catalog = read_po(f)
    translated = {
        (m.id[0] if isinstance(m.id, tuple) else m.id): m.string
        for m in catalog
        if m.id and not m.fuzzy
    }
    missing = sorted(
        msg
        for msg in _messages_in_code()
        if not translated.get(msg)
        or (isinstance(translated[msg], tuple) and not translated[msg][0])
    )
    assert missing == [], "run make translations and translate these"


def _pairs(catalog) -> dict:
    """Return msgid → msgstr of a catalogue, plural forms as tuples."""

    def key(value):
        return tuple(value) if isinstance(value, list | tuple) else value

    return {key(m.id): key(m.string) for m in catalog if m.id}


def test_compiled_catalogue_matches_the_po_file() -> None:
    with (CATALOG / "messages.po").open("rb") as f:
        source = _pairs(read_po(f))
    with (CATALOG / "messages.mo").open("rb") as f:
        compiled = _pairs(read_mo(f))
    assert compiled == source, "messages.mo is stale: run make translations"


def test_every_refusal_code_is_translated() -> None:
    from gallery.errors import REFUSALS
    from gallery.views.api import REASONS

    assert set(REASONS) == set(REFUSALS), "a refusal code without its translated reason"
