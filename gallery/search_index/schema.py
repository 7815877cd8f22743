"""The index schema and how an indexer's document maps onto it (Whoosh only)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from whoosh import columns
from whoosh.analysis import Token, Tokenizer
from whoosh.codec.whoosh3 import W3Codec
from whoosh.fields import COLUMN, ID, KEYWORD, STORED, TEXT, Schema

from gallery.analysis import document_text, gram_tokens, names_text, pinyin_tokens, word_tokens
from gallery.text import search_key


class GramTokenizer(Tokenizer):
    """Whoosh tokenizer over :func:`gram_tokens` of the text's search key."""

    def __call__(self, value: str, positions: bool = False, start_pos: int = 0, **kwargs: Any):
        token = Token(positions, **kwargs)
        for text, position in gram_tokens(search_key(value)):
            token.text = text
            token.boost = 1.0
            token.stopped = False
            if positions:
                token.pos = start_pos + position
            yield token


class SpaceTokenizer(Tokenizer):
    """Whoosh tokenizer over tokens already made (space-separated), for words and pinyin."""

    def __call__(self, value: str, positions: bool = False, start_pos: int = 0, **kwargs: Any):
        token = Token(positions, **kwargs)
        for n, text in enumerate(value.split()):
            token.text = text
            token.boost = 1.0
            token.stopped = False
            if positions:
                token.pos = start_pos + n
            yield token


class _Codec(W3Codec):
    """Whoosh's codec without length statistics: nothing here scores with BM25.

    With them, writing looked up a document's field length for every posting (a quarter of a
    rebuild); without them, and with unscored fields, no lengths are written or read.
    """

    length_stats = False


def codec() -> W3Codec:
    """Return the codec segments are written with: posting blocks not compressed.

    zlib was the largest cost of reading posting blocks, and a large part of writing them.
    (Inlining rare terms, ``inlinelimit`` > 1, fails in Whoosh 2.7.5.)
    """
    return _Codec(blocklimit=128, compression=0)


def _unscored(fieldtype: Any) -> Any:
    """Return a field that stores no lengths (see :class:`_Codec`)."""
    fieldtype.scorable = False
    return fieldtype


def schema() -> Schema:
    """Return the index schema: one document per photo, and one per event."""
    grams, spaced = GramTokenizer(), SpaceTokenizer()
    return Schema(
        id=ID(unique=True, stored=True),
        type=ID(stored=True),
        photo_id=STORED,
        stamp=STORED,
        text=_unscored(TEXT(analyzer=grams, phrase=True)),
        names=_unscored(TEXT(analyzer=grams, phrase=False)),
        people=_unscored(TEXT(analyzer=grams, phrase=False)),
        person=KEYWORD(commas=True),
        words=_unscored(TEXT(analyzer=spaced, phrase=False)),
        pinyin=_unscored(TEXT(analyzer=spaced, phrase=False)),
        event=_unscored(TEXT(analyzer=grams, phrase=False)),
        place=_unscored(TEXT(analyzer=grams, phrase=False)),
        kind=_unscored(TEXT(analyzer=grams, phrase=False)),
        year=ID,
        taken=STORED,
        # Columns only, never terms: facets, the date filter and sort, the ranking length.
        day=COLUMN(columns.NumericColumn("i")),
        size=COLUMN(columns.NumericColumn("i")),
        facet_event=COLUMN(columns.VarBytesColumn()),
        facet_photographer=COLUMN(columns.VarBytesColumn()),
        facet_year=COLUMN(columns.VarBytesColumn()),
        facet_kind=COLUMN(columns.VarBytesColumn()),
        caption=STORED,
        title=STORED,
        event_slug=STORED,
        photographer_name=STORED,
        taken_at=STORED,
        date_source=STORED,
    )


def document_fields(document: Mapping[str, Any]) -> dict[str, Any]:
    """Map a document as the indexer builds it onto the schema's fields, each gram indexed once.

    A photo indexes its own text only; its event's text is on the event's document, and a match
    there reaches the event's photos at query time (see ``Evaluator.option``).
    """
    is_event = document["type"] == "event"
    text, names = document_text(document)
    photographer = document.get("photographer") or ""
    fields = {
        "id": document["id"],
        "type": document["type"],
        "photo_id": document.get("photo_id"),
        "stamp": document.get("stamp", ""),
        "text": text,
        # Names with the pinyin people type for them (yang jun yangjun yj), all weak matches.
        "names": names_text(names),
        "people": names_text(document.get("people", [])),
        "person": ",".join(search_key(n).replace(" ", "") for n in names),
        "words": " ".join(word_tokens(f"{text}\n{' '.join(names)}")),
        "pinyin": " ".join(dict.fromkeys(t for t, _p in pinyin_tokens(text))),
        # An event's own fields, for event:, place: and kind:, on its document only.
        "event": document.get("title", "") if is_event else "",
        "place": document.get("place", "") if is_event else "",
        "kind": document.get("kind", "") if is_event else "",
        "taken": document.get("taken", ""),
        "year": document.get("year", ""),
        "day": int(document.get("taken", "").replace("-", "")[:8] or 0),
        "size": len(text),
        "facet_event": document.get("event_slug", "").encode(),
        "facet_photographer": photographer.encode(),
        "facet_year": document.get("year", "").encode(),
        "facet_kind": document.get("kind", "").encode(),
        "caption": document.get("caption", ""),
        "title": document.get("title", ""),
        "event_slug": document.get("event_slug", ""),
        "photographer_name": photographer,
        "taken_at": document.get("taken_at") or "",
        "date_source": document.get("date_source", ""),
    }
    return {name: value for name, value in fields.items() if value not in (None, "", b"")}
