"""The search page: the query box, facets as links, highlighted results, pages."""

from __future__ import annotations

import math
from typing import Any

from flask import Blueprint, render_template, request
from flask_babel import gettext as _

from gallery.analysis import QueryRefused
from gallery.errors import IndexUnavailable
from gallery.views import account, archive, require
from gallery.views.bulk import bar
from gallery.views.handlers import index_unavailable

bp = Blueprint("search", __name__)
PER_PAGE = 40
FACET_VALUES = 10  # values listed per facet
# Facet name → how a link narrows the query (the event facet uses the event parameter instead).
FACET_FILTERS = {"photographer": "photographer:", "year": "year:", "kind": "kind:"}


def refusal(error: QueryRefused) -> str:
    """Say in the reader's language why a search was refused."""
    messages = {
        "too_long": _("The search is too long: at most %(limit)s characters.", limit=error.limit),
        "too_many_words": _("The search has too many words: at most %(limit)s.", limit=error.limit),
        "too_slow": _("The search took too long. Use fewer or longer words."),
    }
    return messages.get(error.code, str(error))


def narrowed(query: str, facet: str, value: str) -> str:
    """Return the query with one more filter, quoting a value that has spaces."""
    value = f'"{value}"' if " " in value else value
    return f"{query} {FACET_FILTERS[facet]}{value}".strip()


@bp.get("/search")
@require("view")
def search() -> Any:
    """Search the archive; an empty query shows just the box."""
    query = request.args.get("q", "").strip()
    event = request.args.get("event") or None
    sort = request.args.get("sort", "relevance")
    page = max(1, request.args.get("page", 1, type=int) or 1)
    gallery = archive()
    if not query and not event:
        return render_template("search/results.html", query="", results=None)
    try:
        results = gallery.search.search(query, event=event, sort=sort, page=page, per_page=PER_PAGE)
    except QueryRefused as error:
        page_html = render_template(
            "search/results.html", query=query, results=None, refused=refusal(error)
        )
        return page_html, 400
    except IndexUnavailable:
        page_html = render_template(
            "search/results.html", query=query, results=None, refused=index_unavailable()
        )
        return page_html, 503, {"Retry-After": "60"}
    cards = gallery.browse.cards([hit.photo_id for hit in results.hits])
    # The facets are cut here, once: the template lists what it is given.
    facets = {
        name: dict(list(values.items())[:FACET_VALUES]) for name, values in results.facets.items()
    }
    titles = gallery.browse.event_titles([*facets.get("event", {}), event or ""])
    return render_template(
        "search/results.html",
        query=query,
        event=event,
        event_title=titles.get(event or "", event),
        sort=sort,
        page=page,
        pages=max(1, math.ceil(results.total / PER_PAGE)),
        results=results,
        facets=facets,
        cards=cards,
        titles=titles,
        narrowed=narrowed,
        bulk=bar(account(), list(cards)),
    )
