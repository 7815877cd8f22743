"""The command-line contract: event add, import (--json, exit status), export, photo show, user add."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from gallery.archive import Archive
from tests.imagegen import encode, photo, stored_for, write
from tests.procs import environment

TAGS = {
    "Make": "HUAWEI",
    "Model": "ALN-AL00",
    "DateTimeOriginal": "2024:11:01 15:02:44",
    "OffsetTimeOriginal": "+08:00",
    "ExposureTime": 1 / 100,
    "FNumber": 1.8,
    "ISOSpeedRatings": 100,
    "FocalLength": 6.9,
    "Artist": "李满桂",
    "Orientation": 8,
    "GPSLatitudeRef": "N",
    "GPSLatitude": (36.0, 16.0, 50.0),
    "GPSLongitudeRef": "E",
    "GPSLongitude": (100.0, 37.0, 11.0),
    "GPSAltitudeRef": b"\x00",
    "GPSAltitude": 2836.0,
}


def add_event(runner) -> str:
    result = runner.invoke(
        args=[
            "event",
            "add",
            "--title",
            "主题党日",
            "--kind",
            "主题党日",
            "--date",
            "2024-11-01",
            "--place",
            "海南州建政70周年主题展览馆",
            "--organiser",
            "检验科党支部",
            "--organiser",
            "海南州人民医院",
            "--credit",
            "photo=杨军,李满桂",
            "--credit",
            "review=王海涛",
        ]
    )
    assert result.exit_code == 0, result.output
    return result.output.strip()


def test_event_add_prints_the_slug(runner) -> None:
    assert add_event(runner) == "2024-11-01"
    result = runner.invoke(args=["event", "add", "--title", "x", "--date", "2024-13-01"])
    assert result.exit_code != 0 and "not a date" in result.output


def test_import_json_lines_summary_and_exit_status(runner, tmp_path: Path) -> None:
    slug = add_event(runner)
    good = write(tmp_path / "in" / "a.jpg", encode(stored_for(8, (400, 300)), tags=TAGS))
    write(tmp_path / "in" / "b.jpg", good.read_bytes())
    write(tmp_path / "in" / "c.jpg", b"\xff\xd8\xff\xe0 not really")
    result = runner.invoke(args=["import", str(tmp_path / "in"), "--event", slug, "--json"])
    assert result.exit_code == 1
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert [(Path(x["path"]).name, x["status"]) for x in lines] == [
        ("a.jpg", "imported"),
        ("b.jpg", "duplicate"),
        ("c.jpg", "failed"),
    ]
    assert set(lines[0]) == {"path", "status", "photo_id", "code", "detail", "error"}
    assert lines[2]["code"] == "unreadable_image"
    assert lines[1]["photo_id"] == lines[0]["photo_id"]
    assert "c.jpg" not in lines[2]["error"] and lines[2]["error"]
    assert "imported 1, duplicates 1, failed 1" in result.stderr


def test_import_without_json_names_each_failed_file(runner, tmp_path: Path) -> None:
    slug = add_event(runner)
    write(tmp_path / "broken.jpg", b"")
    ok = photo(tmp_path / "ok.jpg")
    result = runner.invoke(args=["import", str(ok), str(tmp_path / "broken.jpg"), "--event", slug])
    assert result.exit_code == 1
    assert f"failed: {tmp_path / 'broken.jpg'}: empty file" in result.stderr
    assert "imported 1, duplicates 0, failed 0" not in result.stdout
    assert "imported 1, duplicates 0, failed 1" in result.stdout


def test_export_has_every_field(runner, tmp_path: Path) -> None:
    slug = add_event(runner)
    path = write(tmp_path / "a.jpg", encode(stored_for(8, (400, 300)), tags=TAGS))
    result = runner.invoke(args=["import", str(path), "--event", slug, "--caption", "重温入党誓词"])
    assert result.exit_code == 0, result.output
    export = json.loads(runner.invoke(args=["export", "--json", "--event", slug]).stdout)
    [event] = export["events"]
    assert event["organisers"] == ["检验科党支部", "海南州人民医院"]
    assert event["credits"][0] == {"role": "photo", "label": "图", "names": ["杨军", "李满桂"]}
    [record] = export["photos"]
    expected = {
        "event": slug,
        "photographer": "李满桂",
        "caption": "重温入党誓词",
        "keywords": [],
        "width": 400,
        "height": 300,
        "orientation": 8,
        "taken_at": "2024-11-01T15:02:44+08:00",
        "camera_make": "HUAWEI",
        "camera_model": "ALN-AL00",
        "lens": "",
        "exposure_time": 0.01,
        "f_number": 1.8,
        "iso": 100,
        "focal_length_mm": 6.9,
        "artist": "李满桂",
        "copyright": "",
        "description": "",
        "warnings": [],
        "original_name": "a.jpg",
    }
    assert {k: record[k] for k in expected} == expected
    assert record["gps"]["lat"] == round(36 + 16 / 60 + 50 / 3600, 7)
    assert record["gps"]["alt"] == 2836.0
    assert set(record["derivatives"]) == {"thumb", "display", "screen"}


def test_photo_show(runner, tmp_path: Path) -> None:
    slug = add_event(runner)
    runner.invoke(args=["import", str(photo(tmp_path / "a.jpg", TAGS)), "--event", slug])
    shown = json.loads(runner.invoke(args=["photo", "show", "1", "--json"]).stdout)
    assert shown["tags"]["Image Make"] == "HUAWEI"
    text = runner.invoke(args=["photo", "show", "1"]).stdout
    assert "camera_model: ALN-AL00" in text and "Image Artist: 李满桂" in text
    missing = runner.invoke(args=["photo", "show", "99"])
    assert missing.exit_code == 1 and "no photo with id 99" in missing.output


def test_user_add(runner, archive: Archive) -> None:
    result = runner.invoke(args=["user", "add", "zhangwen", "--role", "editor"])
    assert result.exit_code == 0 and "password: " in result.output
    again = runner.invoke(args=["user", "add", "zhangwen", "--role", "editor"])
    assert again.exit_code == 1 and "already exists" in again.output
    bad = runner.invoke(args=["user", "add", "x", "--role", "boss"])
    assert bad.exit_code == 1
    assert "unknown role 'boss' (one of admin, editor, photographer, viewer)" in bad.output


def test_derivatives_rebuild(runner, archive: Archive, tmp_path: Path) -> None:
    slug = add_event(runner)
    runner.invoke(args=["import", str(photo(tmp_path / "a.jpg")), "--event", slug])
    shutil_target = next((archive.store.root / "derived" / "display").rglob("*.jpg"))
    shutil_target.unlink()
    result = runner.invoke(args=["derivatives", "rebuild"])
    assert result.exit_code == 0 and "rebuilt 1, failed 0" in result.output
    assert shutil_target.exists()


def test_demo_fills_an_empty_archive_once(runner, archive: Archive) -> None:
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    export = archive.exports.catalogue()
    assert [e["kind"] for e in export["events"]] == ["学术交流", "主题党日"]
    assert len(export["photos"]) == 12
    assert {p["photographer"] for p in export["photos"]} == {"杨军", "李满桂"}
    assert all(
        p["taken_at"].startswith("2024-11-01T") and p["taken_at"].endswith("+08:00")
        for p in export["photos"]
    )
    assert all(
        36.2 < p["gps"]["lat"] < 36.4 and 100.5 < p["gps"]["lon"] < 100.7 for p in export["photos"]
    )
    listing = runner.invoke(args=["event", "list"]).output
    assert "图：杨军 李满桂" in listing and "7 photos" in listing
    password = re.search(r"Sign in as: admin / (\S+)", result.output)[1]
    assert archive.accounts.authenticate("admin", password).role == "admin"
    again = runner.invoke(args=["demo"]).output
    assert "not empty" in again and "Sign in as admin" in again and password not in again
    assert len(archive.exports.catalogue()["photos"]) == 12


def test_search_json_photo_edit_and_index_commands(runner, tmp_path: Path) -> None:
    slug = add_event(runner)
    runner.invoke(
        args=["import", str(photo(tmp_path / "a.jpg")), "--event", slug, "--caption", "开班仪式"]
    )
    edited = runner.invoke(
        args=["photo", "edit", "1", "--caption", "面向黨旗重溫入黨誓詞", "--keywords", "誓词,党旗"]
    )
    assert edited.exit_code == 0, edited.output
    result = runner.invoke(args=["search", "入党誓词", "--json"])
    data = json.loads(result.stdout)
    assert data["total"] == 1
    [hit] = data["hits"]
    assert set(hit) == {
        "photo_id",
        "event",
        "caption",
        "photographer",
        "taken_at",
        "score",
        "highlight",
        "event_title",
        "date",
        "date_from_event",
        "match",
    }
    assert hit["photo_id"] == 1 and hit["event"] == slug
    assert hit["highlight"] == "面向黨旗重溫<mark>入黨誓詞</mark>"
    assert set(data["facets"]) == {"event", "photographer", "year", "kind"}
    assert json.loads(runner.invoke(args=["search", "开班", "--json"]).stdout)["total"] == 0
    check = runner.invoke(args=["index", "check"])
    assert check.exit_code == 0 and "missing 0, stale 0, extra 0" in check.output
    rebuilt = runner.invoke(args=["index", "rebuild"])
    assert rebuilt.exit_code == 0 and "indexed 2 documents" in rebuilt.output
    assert "1 photos" in runner.invoke(args=["search", "誓词", "--event", slug]).output


def test_token_list_and_revoke_and_user_access_commands(runner, archive: Archive) -> None:
    runner.invoke(args=["user", "add", "script", "--role", "viewer", "--password", "password-1"])
    token = runner.invoke(args=["token", "create", "script", "--name", "nightly"]).output.strip()
    assert archive.accounts.for_token(token).username == "script"
    listing = runner.invoke(args=["token", "list"]).output
    assert re.search(
        r"^(\d+)  script  nightly  created \S+ \S+  last used \S+ \S+  active$", listing, re.M
    )
    token_id = re.match(r"\d+", listing)[0]
    result = runner.invoke(args=["token", "revoke", token_id])
    assert result.exit_code == 0 and f"token {token_id} of script revoked" in result.output
    assert archive.accounts.for_token(token) is None
    assert "revoked" in runner.invoke(args=["token", "list", "--user", "script"]).output
    assert runner.invoke(args=["token", "revoke", "999"]).exit_code != 0
    assert runner.invoke(args=["user", "disable", "script"]).exit_code == 0
    assert archive.accounts.authenticate("script", "password-1") is None
    assert runner.invoke(args=["user", "enable", "script"]).exit_code == 0
    assert archive.accounts.authenticate("script", "password-1") is not None
    assert runner.invoke(args=["user", "delete", "script", "--yes"]).exit_code == 0
    assert archive.accounts.all() == []


# Runs gallery commands in one fresh process, then names the web modules they loaded.
LOADED = """
import sys
from gallery.cli import main
for args in sys.argv[1:]:
    try:
        main(args.split("|"), standalone_mode=False)
    except SystemExit as exit:
        assert not exit.code, (args, exit.code)
web = ("flask", "flask_login", "flask_babel", "waitress", "jinja2", "gallery.app", "gallery.views")
print(" ".join(sorted(name for name in web + ("sqlalchemy", "alembic") if name in sys.modules)))
"""


def test_commands_load_neither_flask_nor_the_web(tmp_path: Path) -> None:
    """Only ``serve`` loads the web application; ``--help`` loads not even the catalogue."""
    photos = tmp_path / "in"
    photo(photos / "a.jpg")
    env = environment(tmp_path)
    run = [sys.executable, "-c", LOADED]
    helped = subprocess.run(
        [*run, "--help", "import|--help"], env=env, capture_output=True, text=True
    )
    assert helped.returncode == 0, helped.stderr
    assert helped.stdout.splitlines()[-1] == ""  # nothing: no catalogue, no web
    commands = [
        "event|add|--title|义诊|--date|2024-11-01|--slug|clinic",
        f"import|{photos}|--event|clinic",
        "search|义诊",
        "index|check",
        "user|add|zhangwen|--role|editor",
    ]
    worked = subprocess.run([*run, *commands], env=env, capture_output=True, text=True)
    assert worked.returncode == 0, worked.stderr
    assert "imported 1, duplicates 0, failed 0" in worked.stderr + worked.stdout
    # The catalogue, migrated by Alembic when new, and nothing of the web.
    assert worked.stdout.splitlines()[-1] == "alembic sqlalchemy"
    again = subprocess.run([*run, *commands[1:3]], env=env, capture_output=True, text=True)
    assert again.returncode == 0, again.stderr
    assert again.stdout.splitlines()[-1] == "sqlalchemy"  # a schema up to date: no Alembic
