"""The web archive through Flask's test client. The search page."""

from __future__ import annotations

from tests.conftest import login, text_of


def test_search_page_traditional_facets_and_no_results(client, archive, photos) -> None:
    archive.photos.edit(photos[0], caption="检验科党员参观纪念馆")
    login(client, "viewer")
    page = text_of(client.get("/search?q=紀念館"))
    assert "找到 1 张照片" in page and "<mark>纪念馆</mark>" in page
    assert "/search?q=%E7%B4%80%E5%BF%B5%E9%A4%A8+year:2024&amp;" in page  # the year facet narrows
    assert 'href="/search?q=%E7%B4%80%E5%BF%B5%E9%A4%A8&amp;event=exchange' in page
    empty = text_of(client.get("/search?q=不存在的词语"))
    assert "找到 0 张照片" in empty and "试试更少的词" in empty
    assert client.get("/search?q=x&sort=bogus").status_code == 400
