"""Search analysis in pure Python, shared by every search backend (Whoosh here, PostgreSQL elsewhere).

Nothing here knows an engine. Text becomes tokens, and what a person typed becomes a
:class:`QueryPlan`: clauses that must all hold, each any of a few :class:`Match`, :class:`Exact` or
:class:`DateRange` options, which a backend translates into its own queries.

Public names (kept stable for the backends):

* ``search_key(text)`` (re-exported from :mod:`gallery.text`): the folded form both sides use.
* ``gram_tokens(key)`` → ``[(token, position)]``: each Chinese character alone and with the next
  one, at its own position; Latin words and numbers whole. ``index_grams(text)``
  folds first.
* ``word_tokens(text)`` → the words rjieba cuts (ranking only).
* ``pinyin_tokens(text)`` → ``[(joined pinyin, position)]`` of every two Chinese characters in a
  row (``limangui`` finds 李满桂 in any text); ``name_tokens(names)`` → the syllables,
  joined pinyin and initials of people's names (``yang jun yangjun yj``); ``char_pinyin(text)``.
* ``split_pinyin(word)`` → the syllables of a Latin word written in pinyin, else ``None``;
  ``pinyin_terms(syllables)`` → the pinyin-field terms that find them.
* ``number_variants(key)`` → the key with numbers written the other way (70周年 ↔ 七十周年).
* ``respell(text, syllables)`` → the words of a text that sound like the syllables.
* ``load_synonyms(path)``, ``DEFAULT_SYNONYMS``.
* ``fold_query(text)``, ``split_query(text)`` → ``[QueryPart]``, ``sequence(field, key)`` → Match,
  ``date_range(value)`` → DateRange; ``plan_query(text, synonyms)`` → :class:`QueryPlan`, raising
  :class:`QueryRefused` (an ``InvalidInput`` with ``code`` in ``QUERY_REFUSALS`` and ``limit``)
  past ``MAX_QUERY_CHARS`` characters or ``MAX_WORDS`` distinct words.
* ``relaxed_plan(plan)`` (most of the words: ``QueryPlan.minimum``) and ``pinyin_plan(plan)`` (the
  words by sound, with their syllables): the fallbacks tried when the exact plan finds little.
* ``FILTERS`` (typed name → filter), ``FACETS``.

Fields a plan names, and what a backend indexes in them:

* ``text``: grams of a document's own text. A photo: caption, keywords, camera, file name, year.
  An event: title, kind, place, organisers, description, year. A match on an event's document
  also finds the event's photos (the backend expands it), so event text is indexed once.
* ``names``: grams of people's names plus :func:`name_tokens`; a weak match (ranks below).
* ``person``: each whole name's key (Exact); a full-name match is strong.
* ``pinyin``: :func:`pinyin_tokens` of ``text`` (expanded from events like ``text``); weak.
* ``event``, ``place``, ``kind``: grams of an event's own fields (filters; event documents only).
  ``photographer`` filters match the photographers' names (substring or pinyin).
* keyword fields ``year``, ``type``, ``facet_event``, ``facet_photographer``, ``facet_kind``, and
  ``taken`` (ISO date, the camera's or else the event's) for :class:`DateRange`.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from gallery.errors import InvalidInput
from gallery.text import fold, is_cjk, name_pinyin, search_key, segment

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
_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_DIGITS = {c: n for n, c in enumerate("〇一二三四五六七八九")} | {"零": 0, "两": 2}
_UNITS = {"十": 10, "百": 100, "千": 1000}
# One toneless pinyin syllable: an optional initial, then a final.
_SYLLABLE = re.compile(
    r"(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?"
    r"(?:iang|iong|uang|ueng|ang|eng|ing|ong|ian|iao|uai|uan|van|ai|ei|ao|ou|an|en|er|ia|ie|iu|in"
    r"|ua|uo|ui|un|ue|ve|vn|a|o|e|i|u|v)"
)
# Finals that stand alone as a syllable (other finals need an initial: ui is wei, not a syllable).
_BARE = {"a", "o", "e", "ai", "ei", "ao", "ou", "an", "en", "ang", "eng", "er"}
_CHINESE_NUMBER = re.compile("[〇零一二三四五六七八九十百千两]{2,}")


# ------------------------------------------------------------------------------------- tokens


def gram_tokens(text: str) -> list[tuple[str, int]]:
    """Return (token, position) pairs of a search key: Chinese 1- and 2-grams; Latin words.

    Each gram sits at the position of its first character, so a word of up to two characters is one
    term, a longer one the conjunction of its bigrams (a trigram per character cost a third of the
    index and most of its distinct terms), and a phrase the run of its bigrams at consecutive
    positions.
    """
    tokens: list[tuple[str, int]] = []
    position = 0
    i = 0
    while i < len(text):
        char = text[i]
        if is_cjk(char):
            tokens.append((char, position))
            if i + 1 < len(text) and is_cjk(text[i + 1]):
                tokens.append((text[i : i + 2], position))
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


def _numeral_value(run: str) -> int | None:
    """Return the value of Chinese numerals: 七十 → 70, 二〇二四 → 2024, 一百零二 → 102; else None."""
    if all(c in _DIGITS for c in run):
        return int("".join(str(_DIGITS[c]) for c in run)) if len(run) > 1 else None
    total, current = 0, 0
    for char in run:
        if char in _DIGITS:
            current = _DIGITS[char]
        elif char in _UNITS:
            total += (current or 1) * _UNITS[char]
            current = 0
        else:
            return None
    return total + current


def _chinese_numerals(number: str) -> list[str]:
    """Return how a number is written in Chinese: 70 → 七十; 2024 → 二〇二四, 二零二四."""
    digits = "〇一二三四五六七八九"
    if len(number) == 4 or len(number) > 4:
        spelled = "".join(digits[int(d)] for d in number)
        return [spelled, spelled.replace("〇", "零")]
    value = int(number)
    if value == 0 or len(number) > 3 or number.startswith("0"):
        return []
    hundreds, tens, ones = value // 100, value // 10 % 10, value % 10
    text = digits[hundreds] + "百" if hundreds else ""
    if tens:
        text += ("" if tens == 1 and not hundreds else digits[tens]) + "十"
    elif hundreds and ones:
        text += "零"
    text += digits[ones] if ones else ""
    return [text]


def number_variants(key: str) -> list[str]:
    """Return ``key`` with its numbers written the other way: 70周年 ↔ 七十周年, 2024 ↔ 二〇二四."""
    variants = []
    arabic = _CHINESE_NUMBER.sub(
        lambda m: str(v) if (v := _numeral_value(m[0])) is not None else m[0], key
    )
    if arabic != key:
        variants.append(arabic)
    for number in set(re.findall(r"\d+", key)):
        for spelled in _chinese_numerals(number):
            variant = re.sub(rf"(?<!\d){number}(?!\d)", spelled, key)
            if variant != key and variant not in variants:
                variants.append(variant)
    return variants


def split_pinyin(word: str) -> list[str] | None:
    """Return the syllables of a Latin word written in pinyin (limangui → li man gui), else None."""
    word = word.lower()
    if not word.isascii() or not word.isalpha() or len(word) > 40:
        return None

    # Longest syllable first, backing off when the rest cannot be split (xian → xian, fangan → fang an).
    def split(start: int) -> list[str] | None:
        if start == len(word):
            return []
        for end in range(min(len(word), start + 6), start, -1):
            piece = word[start:end]
            if _SYLLABLE.fullmatch(piece) and (piece[0] not in "aoeiuv" or piece in _BARE):
                rest = split(end)
                if rest is not None:
                    return [word[start:end], *rest]
        return None

    return split(0)


def pinyin_terms(syllables: list[str]) -> tuple[str, ...]:
    """Return the pinyin-field terms that find these syllables in a row (each pair, joined)."""
    if len(syllables) <= 2:
        return ("".join(syllables),)
    return tuple("".join(syllables[i : i + 2]) for i in range(len(syllables) - 1))


@functools.lru_cache(maxsize=200_000)
def _word_pinyin(word: str) -> tuple[str | None, ...]:
    """Return the pinyin of each character of one Chinese word, read as that word (cached)."""
    spelled = name_pinyin(word)
    syllables = spelled[:-1] if len(spelled) > 1 else spelled
    if len(syllables) != len(word):  # a character pypinyin does not know: spell one by one
        return tuple(_word_pinyin(c)[0] if len(word) > 1 else None for c in word)
    return tuple(syllables)


def char_pinyin(text: str) -> list[str | None]:
    """Return each character's pinyin (None for what is not Chinese), read word by word.

    Words (rjieba's) repeat across an archive, so their readings are cached; reading a word whole
    keeps the right sound of a character with several (重温 is chong wen, not zhong wen).
    """
    out: list[str | None] = [None] * len(text)
    for word, start, _end in segment(text):
        if is_cjk(word[0]) and all(is_cjk(c) for c in word):
            out[start : start + len(word)] = _word_pinyin(word)
    return out


def pinyin_tokens(text: str) -> list[tuple[str, int]]:
    """Return the joined pinyin of every two Chinese characters in a row, at the first's position."""
    key = search_key(text)
    syllables = char_pinyin(key)
    tokens = []
    for i in range(len(key)):
        window = syllables[i : i + 2]
        if len(window) == 2 and all(window):
            tokens.append(("".join(window), i))  # type: ignore[arg-type]
    return tokens


def name_tokens(names: list[str]) -> list[str]:
    """Return the pinyin people type for names: syllables, joined, and initials (yang jun yangjun yj)."""
    tokens = []
    for name in names:
        spelled = name_pinyin(name)
        tokens.extend(spelled)
        syllables = spelled[:-1] if len(spelled) > 1 else spelled
        if len(syllables) > 1:
            tokens.append("".join(s[0] for s in syllables))
    return tokens


def respell(text: str, syllables: list[str]) -> str | None:
    """Return the words of ``text`` that sound like ``syllables`` (福建规则 → 复检规则), or None."""
    key = search_key(text)
    spelled = char_pinyin(key)
    n = len(syllables)
    for i in range(len(key) - n + 1):
        if spelled[i : i + n] == syllables:
            return key[i : i + n]
    return None


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
