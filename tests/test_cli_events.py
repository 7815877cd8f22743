"""``gallery event edit`` and ``gallery event delete``."""

from __future__ import annotations

import datetime as dt

from gallery.archive import Archive


def test_event_edit_changes_only_what_is_given(runner, archive: Archive, event: str) -> None:
    archive.events.set_credits(event, {"photo": ["杨军"], "text": ["马秀清"]})
    result = runner.invoke(
        args=[
            "event", "edit", event, "--title", "检验科 学术交流会", "--kind", "培训",
            "--date", "2024-11-02", "--end-date", "2024-11-03", "--place", "西宁",
            "--organiser", "检验科", "--organiser", "党支部", "--credit", "photo=李满桂",
            "--slug", "lab-exchange",
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.output == "lab-exchange\n"
    got = archive.events.get("lab-exchange")
    assert (got["title"], got["kind"], got["place"]) == ("检验科 学术交流会", "培训", "西宁")
    assert (got["start_date"], got["end_date"]) == ("2024-11-02", "2024-11-03")
    assert got["organisers"] == ["检验科", "党支部"]
    assert {c["role"]: c["names"] for c in got["credits"]} == {
        "text": ["马秀清"],  # a role not given stays
        "photo": ["李满桂"],
    }
    assert archive.events.renamed("exchange") == "lab-exchange"
    [change] = archive.events.history("lab-exchange")
    assert change["user"] == "cli" and change["details"]["kind"] == ["学术交流", "培训"]
    cleared = runner.invoke(args=["event", "edit", "lab-exchange", "--end-date", ""])
    assert cleared.exit_code == 0 and archive.events.get("lab-exchange")["end_date"] is None
    assert archive.events.get("lab-exchange")["organisers"] == ["检验科", "党支部"]


def test_event_edit_refusals_are_one_clear_line(runner, archive: Archive, event: str) -> None:
    archive.events.add("别的活动", "", dt.date(2024, 1, 1), slug="other")
    taken = runner.invoke(args=["event", "edit", event, "--slug", "other"])
    assert taken.exit_code == 1 and "already exists" in taken.output
    bad = runner.invoke(args=["event", "edit", event, "--date", "2024-13-01"])
    assert bad.exit_code == 1 and "not a date" in bad.output
    missing = runner.invoke(args=["event", "edit", "nowhere", "--title", "x"])
    assert missing.exit_code == 1 and "no event with the slug 'nowhere'" in missing.output
    assert archive.events.history(event) == []


def test_event_delete_moves_photos_first(runner, archive: Archive, photos, event: str) -> None:
    archive.events.add("合并目标", "", dt.date(2024, 11, 1), slug="target")
    refused = runner.invoke(args=["event", "delete", event])
    assert refused.exit_code == 1 and "still has 2 photos" in refused.output
    moved = runner.invoke(args=["event", "delete", event, "--move-photos-to", "target"])
    assert moved.exit_code == 0 and moved.output == "deleted exchange; 2 photos moved to target\n"
    assert archive.events.get("target")["photos"] == 2
    empty = runner.invoke(args=["event", "delete", "target", "--move-photos-to", "target"])
    assert empty.exit_code == 1
    archive.events.add("空活动", "", dt.date(2024, 1, 1), slug="empty")
    assert runner.invoke(args=["event", "delete", "empty"]).output == "deleted empty\n"
    assert [e["slug"] for e in archive.events.summaries()] == ["target"]
