"""The search page: the query box, facets as links, highlighted results, pages."""

from __future__ import annotations

import math
from typing import Any

from flask import Blueprint, render_template, request

from gallery.views import archive, require

bp = Blueprint("search", __name__)
PER_PAGE = 40
# Facet name → how a link narrows the query (the event facet uses the event parameter instead).
FACET_FILTERS = {"photographer": "photographer:", "year": "year:", "kind": "kind:"}


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
    results = gallery.search.search(query, event=event, sort=sort, page=page, per_page=PER_PAGE)
    cards = gallery.browse.cards([hit.photo_id for hit in results.hits])
    shown = list(results.facets.get("event", {}))[:10]  # the page lists the first ten
    titles = gallery.browse.event_titles([*shown, event or ""])
    return render_template(
        "search/results.html",
        query=query,
        event=event,
        event_title=titles.get(event or "", event),
        sort=sort,
        page=page,
        pages=max(1, math.ceil(results.total / PER_PAGE)),
        results=results,
        cards=cards,
        titles=titles,
        narrowed=narrowed,
    )
