"""The archive description page: editors describe, choose, name people and number; others may not."""

from __future__ import annotations

import dataclasses

import pytest

from gallery.archive import Archive
from tests.conftest import login, text_of


@pytest.fixture
def fonds(archive: Archive) -> None:
    """Give the archive the fonds number (全宗号) the archives office assigned."""
    archive.records.rules = dataclasses.replace(archive.records.rules, fonds="0427")


def test_only_editors_describe_for_the_archives(client, photos, event) -> None:
    for role, status in (("viewer", 403), ("photographer", 403), ("editor", 200)):
        login(client, role)
        assert client.get(f"/events/{event}/archive").status_code == status
        client.post("/logout", data={"csrf_token": login(client, role)})


def test_describe_choose_name_and_number(client, archive: Archive, photos, event, fonds) -> None:
    token = login(client, "editor")
    page = text_of(client.get(f"/events/{event}/archive"))
    assert "检验科学术交流" in page and "保管期限" in page  # 题名 filled from the event
    answer = client.post(
        f"/events/{event}/archive",
        data={
            "csrf_token": token,
            "title": "检验科学术交流",
            "cause": "检验科与海南州人民医院开展学术交流",
            "time_text": "2024年11月1日",
            "place": "海南州人民医院",
            "retention": "long",
            "secrecy": "公开",
            "chosen": [str(photos[0])],
            f"people-{photos[0]}": "扎洛（海南州人民医院 院长）、李满桂",
            f"see_also-{photos[0]}": "WS-2024-017",
        },
    )
    assert answer.status_code == 302
    record = archive.records.description(event)
    assert record["selected"] == 1 and record["fields"]["retention"] == "long"
    first = next(p for p in record["photos"] if p["id"] == photos[0])
    assert [p["name"] for p in first["people"]] == ["扎洛", "李满桂"]
    assert first["see_also"] == "WS-2024-017"
    assert client.post(f"/events/{event}/archive/number", data={}).status_code == 400  # no CSRF
    assert (
        client.post(f"/events/{event}/archive/number", data={"csrf_token": token}).status_code
        == 302
    )
    page = text_of(client.get(f"/events/{event}/archive", follow_redirects=True))
    assert "档号尚未编制" not in page


def test_numbering_without_a_fonds_says_what_to_set(client, photos, event) -> None:
    token = login(client, "editor")
    client.post(
        f"/events/{event}/archive",
        data={"csrf_token": token, "retention": "permanent", "chosen": [str(photos[0])]},
    )
    answer = client.post(f"/events/{event}/archive/number", data={"csrf_token": token})
    assert answer.status_code == 400 and "GALLERY_ARCHIVE_FONDS" in text_of(answer)
