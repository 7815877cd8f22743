"""The PostgreSQL search backend's own order: ts_rank_cd among the first matches, the rest as Whoosh."""

from __future__ import annotations

import pytest

from gallery.analysis import plan_query


@pytest.fixture
def index(database_url: str):
    """A PostgreSQL search index on this test's fresh catalogue (PostgreSQL runs only)."""
    if not database_url.startswith("postgresql"):
        pytest.skip("the PostgreSQL search backend needs --db postgres")
    from gallery.catalog import Catalog
    from gallery.pg_search import PostgresSearch

    catalog = Catalog(database_url)
    yield PostgresSearch(catalog)
    catalog.close()


def photo(n: int, caption: str) -> dict:
    """Return an indexer document of one photo of event ``e1``."""
    return {
        "id": f"photo:{n}",
        "type": "photo",
        "photo_id": n,
        "event_slug": "e1",
        "title": "年会",
        "kind": "会议",
        "place": "",
        "organisers": [],
        "caption": caption,
        "keywords": [],
        "names": [],
        "photographer": "",
        "taken": "2024-05-01",
        "year": "2024",
    }


def test_pages_past_the_scored_matches_go_on_shortest_text_first(index, monkeypatch) -> None:
    """Equal matches rank shorter text first, on the scored first matches and on those after."""
    from gallery import pg_statements

    # Photo 7 has the shortest caption, photo 1 the longest: the order is the reverse of the ids.
    index.write([photo(8 - k, "合影 " + "a" * k) for k in range(1, 8)])
    plan = plan_query("合影")
    shortest_first = [7, 6, 5, 4, 3, 2, 1]
    assert [h.photo_id for h in index.search(plan, per_page=20).hits] == shortest_first
    monkeypatch.setattr(pg_statements, "SCORED", 2)
    pages = [index.search(plan, page=page, per_page=3) for page in (1, 2, 3)]
    assert [h.photo_id for results in pages for h in results.hits] == shortest_first
    assert {results.total for results in pages} == {7}
    assert pages[0].facets["year"] == {"2024": 7}
