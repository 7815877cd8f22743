"""Search analysis in pure Python, shared by every search backend (Whoosh here, PostgreSQL elsewhere).

Nothing here knows an engine. Text becomes tokens, and what a person typed becomes a
:class:`QueryPlan`: clauses that must all hold, each any of a few :class:`Match`, :class:`Exact` or
:class:`DateRange` options, which a backend translates into its own queries.

Public names (kept stable for the backends):

* ``search_key(text)`` (re-exported from :mod:`gallery.text`): the folded form both sides use.
* ``gram_tokens(key)`` → ``[(token, position)]``: each Chinese character alone, with the next one and
  with the next two, at its own position; Latin words and numbers whole; Chinese numerals also as
  Arabic digits (七十 → 70). ``index_grams(text)`` folds first.
* ``word_tokens(text)`` → words rjieba cuts (ranking only).
* ``pinyin_tokens(text)`` → joined pinyin of each run of two and three Chinese characters, positioned
  like the grams (``limangui`` finds 李满桂 anywhere); ``initials_tokens(names)`` → ``lmg``, ``yj``.
* ``split_pinyin(word)`` → the syllables of a Latin word that is pinyin, else ``None``.
* ``load_synonyms(path)``, ``DEFAULT_SYNONYMS``.
* ``split_query(text)`` → ``[QueryPart]``; ``plan_query(text, synonyms)`` → :class:`QueryPlan`,
  raising :class:`gallery.errors.InvalidInput` past ``MAX_QUERY_CHARS`` or ``MAX_WORDS``.
* ``relaxed_plan(plan)`` and ``pinyin_plan(plan)``: the fallbacks tried when the exact plan finds
  little (most of the words; the words as pinyin, for homophone typos).
* ``FILTERS`` (typed name → filter), ``FACETS``, ``MAX_QUERY_CHARS``, ``MAX_WORDS``.

Fields a plan names: ``text`` (title, caption, place, kind, organisers, keywords, description, file
name, camera; grams), ``names`` (people; grams), ``pinyin`` (pinyin grams and name initials),
``words`` (rjieba words), keyword fields ``year``, ``type``, ``facet_event``, ``facet_photographer``,
``facet_kind``, and ``taken`` (ISO date) for ranges. Filters on ``event``, ``place``, ``kind`` and
``photographer`` are :class:`Match` options on those gram fields.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from gallery.text import fold, is_cjk, search_key, segment

__all__ = [
    "DEFAULT_SYNONYMS",
    "FACETS",
    "FILTERS",
    "MAX_QUERY_CHARS",
    "MAX_WORDS",
    "Clause",
    "DateRange",
    "Exact",
    "Match",
    "QueryPart",
    "QueryPlan",
    "gram_tokens",
    "index_grams",
    "load_synonyms",
    "plan_query",
    "search_key",
    "split_query",
    "word_tokens",
]

DEFAULT_SYNONYMS = Path(__file__).parent / "synonyms.txt"
# Letters and digits are separate words (iso15189 = iso 15189); a decimal number stays whole.
_LATIN = re.compile(r"[^\W\d_\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|\d+(?:\.\d+)?")
# Field names users type before a colon, and the filter each one names.
FILTERS = {
    "event": "event",
    "活动": "event",
    "photographer": "photographer",
    "摄影": "photographer",
    "图": "photographer",
    "place": "place",
    "地点": "place",
    "kind": "kind",
    "类型": "kind",
}
_YEAR_FILTERS = ("year", "年")
_DATE = re.compile(r"(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?$")
FACETS = ("event", "photographer", "year", "kind")
MAX_QUERY_CHARS = 200
MAX_WORDS = 32


# ------------------------------------------------------------------------------------- tokens


def gram_tokens(text: str) -> list[tuple[str, int]]:
    """Return (token, position) pairs of a search key: Chinese 1-, 2- and 3-grams; Latin words.

    Every n-gram of up to three characters sits at the position of its first character, so a word of
    up to three characters is one term, a longer one the conjunction of its trigrams, and a phrase the
    run of its bigrams at consecutive positions.
    """
    tokens: list[tuple[str, int]] = []
    position = 0
    i = 0
    while i < len(text):
        char = text[i]
        if is_cjk(char):
            tokens.append((char, position))
            for end in (i + 2, i + 3):
                if end <= len(text) and is_cjk(text[end - 1]):
                    tokens.append((text[i:end], position))
                else:
                    break
            position += 1
            i += 1
            continue
        match = _LATIN.match(text, i)
        if match:
            tokens.append((match.group(0), position))
            position += 1
            i = match.end()
        else:
            if not char.isspace():
                position += 1  # punctuation breaks phrases
            i += 1
    return tokens


def index_grams(text: str) -> list[tuple[str, int]]:
    """Return the gram tokens of raw text, folded to its search key first."""
    return gram_tokens(search_key(text))


def word_tokens(text: str) -> list[str]:
    """Return the words rjieba cuts from the text's search key (for ranking, not matching)."""
    words = (w.strip() for w, _s, _e in segment(search_key(text)))
    return [w for w in words if w and any(c.isalnum() for c in w)]


def load_synonyms(path: Path = DEFAULT_SYNONYMS) -> dict[str, list[str]]:
    """Read a synonym table: one group per line, members separated by "="; # starts a comment."""
    table: dict[str, list[str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        members = [search_key(m) for m in line.split("#", 1)[0].split("=")]
        members = [m for m in members if m]
        for member in members:
            table[member] = [m for m in members if m != member]
    return table


# -------------------------------------------------------------------------------------- plans


@dataclass(frozen=True)
class Match:
    """Find text in one gram field: every term (``all``), at consecutive positions, or in order."""

    field: str
    terms: tuple[str, ...]
    mode: str = "all"  # "all" | "phrase" | "ordered"


@dataclass(frozen=True)
class Exact:
    """Find one value of a keyword field (``year``, ``facet_event``...)."""

    field: str
    value: str


@dataclass(frozen=True)
class DateRange:
    """Find documents whose ``taken`` date (ISO) lies between two inclusive bounds."""

    start: str
    end: str


@dataclass
class Clause:
    """One word, phrase or filter of a query: a document must satisfy any of its options."""

    text: str
    options: list[Match | Exact | DateRange]
    is_filter: bool = False


@dataclass
class QueryPlan:
    """A query taken apart: clauses that must all hold, words that rank, words to highlight."""

    clauses: list[Clause] = field(default_factory=list)
    rank: list[str] = field(default_factory=list)
    needles: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class QueryPart:
    """One space-separated part of a query: an optional filter name, the value, quoted or not."""

    name: str | None
    value: str
    quoted: bool


def fold_query(text: str) -> str:
    """Fold a whole query (full-width colons and quotes become ASCII) before taking it apart."""
    return fold(text.replace("“", '"').replace("”", '"'))


def split_query(text: str) -> list[QueryPart]:
    """Split a folded query into parts; quotes keep spaces inside a phrase."""
    parts: list[QueryPart] = []
    for found in re.finditer(r'(?:([^\s:"]+):)?(?:"([^"]*)"|(\S+))', text):
        name, quoted, plain = found.groups()
        value = quoted if quoted is not None else plain
        if name and (name in FILTERS or name in _YEAR_FILTERS):
            parts.append(QueryPart(name, value, quoted is not None))
        elif name:
            parts.append(QueryPart(None, f"{name}:{value}", quoted is not None))
        else:
            parts.append(QueryPart(None, value, quoted is not None))
    return parts


def sequence(fieldname: str, text: str) -> Match | None:
    """Return the match that finds ``text`` (a search key) as a contiguous run in a gram field."""
    if text and all(is_cjk(c) for c in text):
        if len(text) <= 3:
            return Match(fieldname, (text,))
        # Overlapping trigrams all present imply the run itself, in practice, with no position checks.
        return Match(fieldname, tuple(text[i : i + 3] for i in range(len(text) - 2)))
    tokens = gram_tokens(text)
    if not tokens:
        return None
    # Mixed text ("检验科iso"): per position the bigram where there is one, else the single token.
    by_position: dict[int, str] = {}
    for token, position in tokens:
        if len(token) == 2 and is_cjk(token[0]) or position not in by_position:
            by_position[position] = token
    positions = sorted(by_position)
    last = by_position[positions[-1]]
    before = by_position[positions[-2]] if len(positions) > 1 else ""
    if len(before) == 2 and is_cjk(before[0]) and is_cjk(last):
        positions = positions[:-1]  # the last character is inside the bigram before it
    words = tuple(by_position[p] for p in positions)
    if len(words) == 1:
        return Match(fieldname, words)
    gaps = [b - a for a, b in zip(positions, positions[1:], strict=False)]
    return Match(fieldname, words, "phrase" if all(gap == 1 for gap in gaps) else "ordered")


def date_range(value: str) -> DateRange | None:
    """Return the range for 2024, 2024-11, 2024-11-01 or a..b between two of those."""
    start_text, _, end_text = value.partition("..")
    start = _DATE.match(start_text)
    end = _DATE.match(end_text or start_text)
    if not start or not end:
        return None

    def bound(found: re.Match[str], low: bool) -> str:
        year, month, day = found.groups()
        filler = "00" if low else "99"
        month_text = f"{int(month):02d}" if month else filler
        day_text = f"{int(day):02d}" if day else filler
        return f"{year}-{month_text}-{day_text}"

    return DateRange(bound(start, True), bound(end, False))


def plan_query(text: str, synonyms: dict[str, list[str]] | None = None) -> QueryPlan:
    """Turn what a person typed into a plan: words AND-ed, "phrases", field:value, dates."""
    synonyms = synonyms or {}
    plan = QueryPlan()
    for part in split_query(fold_query(text)):
        name, value, quoted = part.name, part.value, part.quoted
        if name in _YEAR_FILTERS:
            plan.clauses.append(Clause(value, [Exact("year", value.strip())], is_filter=True))
            continue
        if (
            name is None
            and not quoted
            and re.fullmatch(r"\d{4}-\d{1,2}(-\d{1,2})?(\.\.\S+)?", value)
        ):
            found = date_range(value)
            if found is not None:
                plan.clauses.append(Clause(value, [found], is_filter=True))
                continue
        key = search_key(value)
        if not key:
            continue
        fieldname = FILTERS[name] if name else "text"
        # A synonym containing the word is found by the word already (substring matching).
        # Filters name a field's own values, where synonyms only add work.
        alternatives = [key] if name else [key, *(a for a in synonyms.get(key, []) if key not in a)]
        options: list[Match | Exact | DateRange] = []
        for alternative in alternatives:
            pieces = [alternative] if quoted or name else alternative.split()
            matches = [m for m in (sequence(fieldname, p) for p in pieces) if m is not None]
            if len(matches) == 1:
                options.append(matches[0])
            elif matches:
                # Several space-separated pieces of one part (a quoted phrase with spaces is one
                # piece): all must hold, so join them into one ordered match.
                terms = tuple(t for m in matches for t in m.terms)
                options.append(Match(fieldname, terms, "all"))
            if not name and alternative.isascii():
                # Latin letters may be the pinyin of a name: yangjun, yang jun.
                options.append(Match("pinyin", tuple(alternative.split())))
        if options:
            plan.clauses.append(Clause(key, options, is_filter=name is not None))
            plan.rank.append(key)
            plan.needles.extend(p for p in key.split() if p)
    return plan
