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
* ``people``: the same for the people shown in a photo only (the ``人物:`` filter).
* ``person``: each whole name's key (Exact); a full-name match is strong.
* ``pinyin``: :func:`pinyin_tokens` of ``text`` (expanded from events like ``text``); weak.
* ``event``, ``place``, ``kind``: grams of an event's own fields (filters; event documents only).
  ``photographer`` filters match the photographers' names (substring or pinyin).
* keyword fields ``year``, ``type``, ``facet_event``, ``facet_photographer``, ``facet_kind``, and
  ``taken`` (ISO date, the camera's or else the event's) for :class:`DateRange`.
"""

from __future__ import annotations

from gallery.analysis.plans import (
    FACETS,
    FILTERS,
    MAX_QUERY_CHARS,
    MAX_WORDS,
    QUERY_REFUSALS,
    Clause,
    DateRange,
    Exact,
    Match,
    Option,
    QueryPart,
    QueryPlan,
    QueryRefused,
    date_range,
    fold_query,
    pinyin_plan,
    plan_query,
    relaxed_plan,
    sequence,
    split_query,
)
from gallery.analysis.tokens import (
    DEFAULT_SYNONYMS,
    char_pinyin,
    document_text,
    gram_tokens,
    index_grams,
    load_synonyms,
    name_tokens,
    names_text,
    number_variants,
    pinyin_terms,
    pinyin_tokens,
    respell,
    split_pinyin,
    word_tokens,
)
from gallery.text import search_key

__all__ = [
    "DEFAULT_SYNONYMS",
    "FACETS",
    "FILTERS",
    "MAX_QUERY_CHARS",
    "MAX_WORDS",
    "QUERY_REFUSALS",
    "Clause",
    "DateRange",
    "Exact",
    "Match",
    "Option",
    "QueryPart",
    "QueryPlan",
    "QueryRefused",
    "char_pinyin",
    "date_range",
    "document_text",
    "fold_query",
    "gram_tokens",
    "index_grams",
    "load_synonyms",
    "name_tokens",
    "names_text",
    "number_variants",
    "pinyin_plan",
    "pinyin_terms",
    "pinyin_tokens",
    "plan_query",
    "relaxed_plan",
    "respell",
    "search_key",
    "sequence",
    "split_pinyin",
    "split_query",
    "word_tokens",
]
