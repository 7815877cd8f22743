"""Read a publicity article about an event: headline, dates, places, organisers, 《titles》, credits.

Articles are copied from the publicity office's WeChat posts or the hospital's web pages, not typed.
They share one shape: the headline near the top, a publication date and time, a body that names the
day in Chinese (11月1日), the places and units, and a closing credits block (文：… 图：… 排版：…
责任编辑：… 审核：…); around it, whatever the page added (share buttons, 原创, the account's name).
This module recognises that shape as plain text work; nothing here touches the catalogue. What it
cannot place is listed in ``unrecognised``, and what it guessed or missed in ``notes``, so that an
editor sees it, never guessed silently.
"""

from __future__ import annotations

import re
import unicodedata

from gallery.article import units
from gallery.article.credits import CREDIT_LABELS, credits_block, read_credit_line, split_names
from gallery.article.dates import event_dates
from gallery.article.header import chrome_lines, read_head
from gallery.article.model import NOTES, Article, Note
from gallery.text import strip_pinyin, to_simplified

__all__ = ["CREDIT_LABELS", "NOTES", "Article", "Note", "parse_article", "split_names"]

# Marks a page leaves that no reader sees: zero-width spaces, joiners, the byte-order mark.
# 标题：检验科开展技能竞赛: the label is not the headline's.
_TITLE_LABEL = re.compile(r"^(?:标题|標題|题目|題目)\s*[:：]\s*")
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))


def parse_article(raw: str) -> Article:
    """Recognise an article's headline, dates, places, organisers, 《titles》 and credits."""
    text = raw.replace("\r\n", "\n").replace("\r", "\n").translate(_INVISIBLE)
    text = strip_pinyin(text).replace("\u00a0", " ").replace("\u3000", " ")
    lines = [" ".join(line.split()) for line in text.split("\n")]
    content = [i for i, line in enumerate(lines) if line]
    article = Article()
    if not content:
        article.note("empty")
        return article
    chrome = chrome_lines(lines, content)
    kept = [i for i in content if i not in chrome]
    article.text = re.sub(
        r"\n{3,}", "\n\n", "\n".join(line for i, line in enumerate(lines) if i not in chrome)
    ).strip()

    head = read_head(lines, kept)
    article.published_at = head.published_at
    if head.title is not None:
        article.title = _TITLE_LABEL.sub("", head.title_text or lines[head.title])
        if head.guessed:
            article.note("headline_guessed", article.title)
    else:
        article.note("no_headline")
    # An account's name (said once or twice) is a known stray line; anything else left out is noted.
    unknown = [
        lines[i]
        for i in head.skipped
        if not units.is_unit_name(lines[i]) and not head.repeated(lines[i])
    ]
    if unknown:
        article.note("lines_skipped", "、".join(units.unique(unknown)))
    for credit in head.credits:
        read_credit_line(credit, article)

    rest = [i for i in kept if i not in head.used]
    block = credits_block(lines, rest)
    for i in block:
        read_credit_line(lines[i], article)
    used = head.used | set(block)
    article.body = "\n".join(
        head.lead.get(i, lines[i]) for i in kept if i in head.lead or i not in used
    )
    _read_body(article)
    return article


def _read_body(article: Article) -> None:
    """Recognise the body's days, places, units and 《titles》; note what the editor must supply."""
    body = unicodedata.normalize("NFKC", article.body)
    if article.published_at is None:
        article.note("no_publication_time")
    article.event_date, article.end_date = event_dates(to_simplified(body), article)
    if article.event_date is None:  # 11月1日，检验科…: the day in the headline only
        article.event_date, article.end_date = event_dates(to_simplified(article.title), article)
    if article.event_date is None and article.published_at is not None:
        article.event_date = article.published_at.date()
        article.note("event_date_from_publication", article.event_date.isoformat())
    elif article.event_date is None:
        article.note("no_event_date")
    article.keywords = units.keywords(article.body)
    article.places = units.places(article.body)
    article.organisers = units.organisers(article.body, article.places)
    article.kind = units.kind(article.title + "\n" + article.body)
    if not article.places:
        article.note("no_place")
    if not article.organisers:
        article.note("no_organiser")
    if not article.credits:
        article.note("no_credits")
