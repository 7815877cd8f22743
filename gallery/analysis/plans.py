"""Search analysis, plans: what a person typed becomes clauses a backend translates (no engine).

See :mod:`gallery.analysis` for the public names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from gallery.analysis.tokens import (
    char_pinyin,
    gram_tokens,
    number_variants,
    pinyin_terms,
    split_pinyin,
    word_tokens,
)
from gallery.errors import InvalidInput
from gallery.text import fold, is_cjk, search_key

# Field names users type before a colon, and the filter each one names.
FILTERS = {
    "event": "event",
    "活动": "event",
    "事件": "event",
    "photographer": "photographer",
    "摄影": "photographer",
    "摄影师": "photographer",
    "拍摄": "photographer",
    "作者": "photographer",
    "图": "photographer",
    "place": "place",
    "地点": "place",
    "地方": "place",
    "people": "people",
    "人物": "people",
    "kind": "kind",
    "类型": "kind",
    "类别": "kind",
}
_YEAR_FILTERS = ("year", "年", "年份", "年度")
_DATE_FILTERS = ("date", "日期", "时间")
_DATE = re.compile(r"(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?$")
FACETS = ("event", "photographer", "year", "kind")
MAX_QUERY_CHARS = 200
MAX_WORDS = 32


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


Option = Match | Exact | DateRange


@dataclass
class Clause:
    """One word, phrase or filter of a query: a document must satisfy any of its options."""

    text: str
    options: list[Option]
    is_filter: bool = False


@dataclass
class QueryPlan:
    """A query taken apart: clauses that must all hold, words that rank, words to highlight."""

    clauses: list[Clause] = field(default_factory=list)
    rank: list[str] = field(default_factory=list)
    needles: list[str] = field(default_factory=list)
    minimum: int = 0  # how many word clauses must hold; 0: all of them


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
        if name and (name in FILTERS or name in _YEAR_FILTERS or name in _DATE_FILTERS):
            parts.append(QueryPart(name, value, quoted is not None))
        elif name:
            parts.append(QueryPart(None, f"{name}:{value}", quoted is not None))
        else:
            parts.append(QueryPart(None, value, quoted is not None))
    return parts


def sequence(fieldname: str, text: str) -> Match | None:
    """Return the match that finds ``text`` (a search key) as a contiguous run in a gram field."""
    if text and all(is_cjk(c) for c in text):
        if len(text) <= 2:
            return Match(fieldname, (text,))
        # Overlapping bigrams all present imply the run itself, in practice, with no position checks.
        return Match(fieldname, tuple(text[i : i + 2] for i in range(len(text) - 1)))
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


class QueryRefused(InvalidInput):
    """Raised when a search is too long, has too many words, or runs past its time.

    ``code`` is one of :data:`QUERY_REFUSALS` and ``limit`` the bound passed, so a view can say it
    in the reader's language.
    """

    def __init__(self, code: str, limit: int | float) -> None:
        self.code = code
        self.limit = limit
        super().__init__(QUERY_REFUSALS[code].format(limit=limit))


#: Why a search is refused: code → the reason in English ({limit} is the bound).
QUERY_REFUSALS = {
    "too_long": "the search is too long: at most {limit} characters",
    "too_many_words": "the search has too many words: at most {limit}",
    "too_slow": "the search took too long (over {limit} s): use fewer or longer words",
}


def _too_long(text: str) -> None:
    """Refuse a query past the length cap."""
    if len(text) > MAX_QUERY_CHARS:
        raise QueryRefused("too_long", MAX_QUERY_CHARS)


def _word_options(key: str, synonyms: dict[str, list[str]], quoted: bool) -> list[Option]:
    """Return the ways one typed word may match: as text, inside a name, a synonym, a number, pinyin."""
    alternatives = [key]
    if not quoted:
        # A synonym containing the word is found by the word already (substring matching).
        alternatives += [a for a in synonyms.get(key, []) if key not in a]
    alternatives += [v for a in list(alternatives) for v in number_variants(a)]
    options: list[Option] = []
    for alternative in dict.fromkeys(alternatives):
        match = sequence("text", alternative)
        if match is not None:
            options.append(match)
            options.append(replace(match, field="names"))
    if any(is_cjk(c) for c in key):
        options.append(Exact("person", key.replace(" ", "")))
    syllables = split_pinyin(key.replace(" ", ""))
    if syllables and len(syllables) > 1:
        # Latin letters may be the pinyin of Chinese text: limangui, lanzhou. (A name's pinyin and
        # initials, yangjun or lmg, are words of the names field, matched above.)
        options.append(Match("pinyin", pinyin_terms(syllables)))
    return options


def plan_query(text: str, synonyms: dict[str, list[str]] | None = None) -> QueryPlan:
    """Turn what a person typed into a plan: words AND-ed, "phrases", field:value, dates.

    A word typed twice counts once; more than :data:`MAX_WORDS` words or :data:`MAX_QUERY_CHARS`
    characters is refused with :class:`InvalidInput`, which bounds the work of any query.
    """
    synonyms = synonyms or {}
    _too_long(text)
    plan = QueryPlan()
    parts = list(dict.fromkeys(split_query(fold_query(text))))  # repeated words count once
    if len(parts) > MAX_WORDS:
        raise QueryRefused("too_many_words", MAX_WORDS)
    for part in parts:
        name, value, quoted = part.name, part.value, part.quoted
        if name in _YEAR_FILTERS:
            plan.clauses.append(Clause(value, [Exact("year", value.strip())], is_filter=True))
            continue
        if name in _DATE_FILTERS or (
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
        if name:
            # Filters name a field's own values, where synonyms only add work.
            match = sequence(FILTERS[name], key)
            if match is not None:
                plan.clauses.append(Clause(key, [match], is_filter=True))
            continue
        plan.clauses.append(Clause(key, _word_options(key, synonyms, quoted)))
        plan.rank.append(key)
        plan.needles.extend(p for p in key.split() if p)
    return plan


def relaxed_plan(plan: QueryPlan) -> QueryPlan | None:
    """Return a plan that needs most of the words (or, for one long word, most of its parts), or None.

    It is tried when the exact plan finds little: its extra matches rank below the exact ones.
    """
    words = [c for c in plan.clauses if not c.is_filter]
    filters = [c for c in plan.clauses if c.is_filter]
    if len(words) == 1 and len(words[0].text.replace(" ", "")) >= 4:
        # One long word: its dictionary words, or its bigrams.
        key = words[0].text.replace(" ", "")
        pieces = [w for w in word_tokens(key) if len(w) >= 2] or []
        if len(pieces) < 2:
            pieces = [key[i : i + 2] for i in range(len(key) - 1)]
        words = [
            Clause(p, [m, replace(m, field="names")])
            for p in pieces
            if (m := sequence("text", p)) is not None
        ]
    if len(words) < 2:
        return None
    need = len(words) - 1 if len(words) <= 4 else (len(words) * 3 + 3) // 4
    return QueryPlan(filters + words, plan.rank, plan.needles, minimum=need)


def pinyin_plan(plan: QueryPlan) -> tuple[QueryPlan, list[list[str]]] | None:
    """Return the plan that finds the Chinese words by their sound (homophone typos), or None.

    Also returns each word's syllables, to say which words were meant (see :func:`respell`).
    """
    clauses, sounds = [], []
    for clause in plan.clauses:
        if clause.is_filter or not any(is_cjk(c) for c in clause.text):
            clauses.append(clause)
            continue
        syllables = [s for s in char_pinyin(clause.text.replace(" ", "")) if s]
        if len(syllables) < 2:
            return None
        clauses.append(Clause(clause.text, [Match("pinyin", pinyin_terms(syllables))]))
        sounds.append(syllables)
    if not sounds:
        return None
    return QueryPlan(clauses, plan.rank, plan.needles), sounds
