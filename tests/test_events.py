"""Correcting events: every field, the change history, earlier slugs, deleting and moving photos."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from gallery.archive import Archive
from gallery.errors import Conflict, InvalidInput, NotFound
from gallery.events import KEEP


def test_every_field_can_be_corrected_and_is_in_the_history(archive: Archive, event: str) -> None:
    archive.events.set_credits(event, {"photo": ["李满桂"]})
    slug = archive.events.edit(
        event,
        user="editor",
        title="  检验科 学术交流会  ",
        kind="培训",
        start_date=dt.date(2024, 11, 2),
        end_date=dt.date(2024, 11, 3),
        place="海南州建政 70 周年主题展览馆",
        organisers=["检验科", "", "检验科", "党支部"],
        description="两天的交流。",
        article="原文",
        keywords=["检验质量", "检验质量"],
        credits={"photo": ["杨军"], "text": ["马秀清"]},
        new_slug="lab-exchange",
    )
    assert slug == "lab-exchange"
    got = archive.events.get(slug)
    assert got["title"] == "检验科 学术交流会" and got["kind"] == "培训"
    assert (got["start_date"], got["end_date"]) == ("2024-11-02", "2024-11-03")
    assert got["place"] == "海南州建政 70 周年主题展览馆"
    assert got["organisers"] == ["检验科", "党支部"] and got["keywords"] == ["检验质量"]
    assert got["description"] == "两天的交流。" and got["article"] == "原文"
    assert [(c["label"], c["names"]) for c in got["credits"]] == [
        ("文", ["马秀清"]),
        ("图", ["杨军"]),
    ]
    [change] = archive.events.history(slug)
    assert change["user"] == "editor" and change["action"] == "edit"
    details = change["details"]
    assert details["title"] == ["检验科学术交流", "检验科 学术交流会"]
    assert details["slug"] == ["exchange", "lab-exchange"]
    assert details["end_date"] == [None, "2024-11-03"]
    assert details["credits"] == [{"photo": ["李满桂"]}, {"text": ["马秀清"], "photo": ["杨军"]}]
    assert set(details) == {
        "title", "kind", "start_date", "end_date", "place", "organisers", "description",
        "article", "keywords", "credits", "slug",
    }  # fmt: skip


def test_only_the_fields_given_change_and_nothing_changed_records_nothing(
    archive: Archive, event: str
) -> None:
    archive.events.edit(event, end_date=dt.date(2024, 11, 5))
    archive.events.edit(event, place="西宁")
    got = archive.events.get(event)
    assert got["end_date"] == "2024-11-05" and got["title"] == "检验科学术交流"
    archive.events.edit(event, title="检验科学术交流", end_date=KEEP)
    assert len(archive.events.history(event)) == 2
    archive.events.edit(event, end_date=None)
    assert archive.events.get(event)["end_date"] is None


def test_bad_corrections_are_refused_and_change_nothing(archive: Archive, event: str) -> None:
    archive.events.add("另一个活动", "", dt.date(2024, 12, 1), slug="other")
    with pytest.raises(InvalidInput):
        archive.events.edit(event, title="   ")
    with pytest.raises(InvalidInput):
        archive.events.edit(event, end_date=dt.date(2024, 10, 1))
    with pytest.raises(InvalidInput):
        archive.events.edit(event, new_slug="Not A Slug")
    with pytest.raises(InvalidInput):
        archive.events.edit(event, new_slug="new")  # the new-event page
    with pytest.raises(Conflict):
        archive.events.edit(event, new_slug="other")
    with pytest.raises(NotFound):
        archive.events.edit("nobody", title="x")
    assert archive.events.get(event)["title"] == "检验科学术交流"
    assert archive.events.history(event) == []


def test_earlier_slugs_lead_to_the_event_and_stay_reserved(archive: Archive, event: str) -> None:
    archive.events.edit(event, new_slug="first")
    archive.events.edit("first", new_slug="second")
    assert archive.events.renamed("exchange") == "second"
    assert archive.events.renamed("first") == "second"
    assert archive.events.renamed("second") is None  # the current slug is no redirect
    with pytest.raises(Conflict):  # another event may not take a slug old links use
        archive.events.add("别的", "", dt.date(2024, 1, 1), slug="exchange")
    free = archive.events.add("别的", "", dt.date(2024, 11, 1)).slug
    assert free != "exchange"
    archive.events.edit("second", new_slug="exchange")  # back to its first slug
    assert archive.events.renamed("second") == "exchange"
    assert archive.events.renamed("exchange") is None


def test_a_correction_reaches_search(archive: Archive, photos: list[int], event: str) -> None:
    assert archive.search.search("体检中心").total == 0
    archive.events.edit(event, title="体检中心义诊", place="共和县人民广场")
    assert {h.photo_id for h in archive.search.search("体检中心").hits} == set(photos)
    assert {h.photo_id for h in archive.search.search("人民广场").hits} == set(photos)
    assert archive.search.search("检验科学术交流").exact == 0  # the old title is gone
    assert archive.search.check().ok


def test_an_event_with_photos_is_deleted_only_after_they_move(
    archive: Archive, photos: list[int], event: str
) -> None:
    archive.events.add("合并目标", "", dt.date(2024, 11, 1), slug="target")
    archive.photos.delete(photos[0])  # one in the trash still belongs to the event
    with pytest.raises(Conflict, match="2 photos"):
        archive.events.delete(event, user="admin")
    with pytest.raises(InvalidInput):
        archive.events.delete(event, move_photos_to=event)
    with pytest.raises(NotFound):
        archive.events.delete(event, move_photos_to="nowhere")
    assert archive.events.get(event)["photos"] == 1
    assert archive.events.delete(event, user="admin", move_photos_to="target") == 2
    with pytest.raises(NotFound):
        archive.events.get(event)
    assert archive.events.get("target")["photos"] == 1
    archive.photos.restore(photos[0])
    assert archive.exports.photo(photos[0])["event"] == "target"
    assert archive.photos.history(photos[1])[-1]["details"] == {"event": ["exchange", "target"]}
    assert archive.events.renamed(event) == "target"  # its links lead where the photos went
    assert {h.photo_id for h in archive.search.search("合并目标").hits} == set(photos)
    assert archive.search.search("检验科学术交流").exact == 0
    assert archive.search.check().ok


def test_an_empty_event_is_deleted_and_its_slug_freed(archive: Archive, event: str) -> None:
    archive.events.edit(event, new_slug="renamed")
    assert archive.events.delete("renamed", user="admin") == 0
    assert archive.events.summaries() == []
    assert archive.events.renamed("exchange") is None
    assert archive.search.search("检验科").total == 0
    assert (
        archive.events.add("重新创建", "", dt.date(2024, 1, 1), slug="exchange").slug == "exchange"
    )


def test_an_archived_event_cannot_be_deleted(
    archive: Archive, photos: list[int], event: str
) -> None:
    archive.records.rules = dataclasses.replace(archive.records.rules, fonds="0427")
    archive.events.add("合并目标", "", dt.date(2024, 11, 1), slug="target")
    archive.records.save(event, {"title": "检验科学术交流", "retention": "permanent"})
    archive.records.select(event, photos[:1])
    archive.records.assign_codes(event)
    with pytest.raises(Conflict, match="archived"):
        archive.events.delete(event, move_photos_to="target")
    assert archive.events.get(event)["photos"] == 2
