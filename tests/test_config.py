"""Settings: one default each, the environment only outside tests, paths resolved once."""

from __future__ import annotations

from pathlib import Path

import pytest

from gallery.config import DEFAULTS, load_config, parse_sizes


def test_environment_overrides_defaults_with_their_types(tmp_path: Path) -> None:
    config = load_config(
        environ={
            "GALLERY_MEDIA_DIR": str(tmp_path / "m"),
            "GALLERY_MAX_PIXELS": "5",
            "GALLERY_SESSION_COOKIE_SECURE": "yes",
            "GALLERY_DERIVATIVE_SIZES": "thumb:100",
            "NOT_OURS": "x",
        }
    )
    assert config["MEDIA_DIR"] == tmp_path / "m" and config["MEDIA_DIR"].is_absolute()
    assert config["MAX_PIXELS"] == 5
    assert config["SESSION_COOKIE_SECURE"] is True
    assert config["DERIVATIVE_SIZES"] == {"thumb": 100}
    assert config["DATABASE_URL"] == f"sqlite:///{tmp_path / 'm' / 'catalog.sqlite3'}"


def test_a_test_config_is_sealed_from_the_environment(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("GALLERY_DATABASE_URL", f"sqlite:///{tmp_path / 'shell.sqlite3'}")
    monkeypatch.setenv("GALLERY_MAX_PIXELS", "7")
    config = load_config({"MEDIA_DIR": tmp_path / "m"})
    assert config["DATABASE_URL"] == f"sqlite:///{tmp_path / 'm' / 'catalog.sqlite3'}"
    assert config["MAX_PIXELS"] == DEFAULTS["MAX_PIXELS"]
    assert load_config()["MAX_PIXELS"] == 7  # without a test config the environment counts


def test_the_suite_never_touches_a_database_named_in_the_shell(tmp_path: Path, monkeypatch) -> None:
    from gallery import create_app, get_archive

    shell_db = tmp_path / "shell.sqlite3"
    monkeypatch.setenv("GALLERY_DATABASE_URL", f"sqlite:///{shell_db}")
    app = create_app({"MEDIA_DIR": tmp_path / "m", "INDEX_DIR": tmp_path / "i"})
    get_archive(app).close()
    assert not shell_db.exists()
    assert (tmp_path / "m" / "catalog.sqlite3").exists()


@pytest.mark.parametrize("spec", ["thumb", "thumb:0", "thumb:x", "1x:10", ""])
def test_bad_sizes_are_refused(spec: str) -> None:
    with pytest.raises(ValueError, match="bad derivative size"):
        parse_sizes(spec)


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"SEARCH": "solr"}, "GALLERY_SEARCH is whoosh or postgres, not 'solr'"),
        ({"SEARCH": "postgres"}, "GALLERY_SEARCH=postgres needs a PostgreSQL"),
    ],
)
def test_a_wrong_search_setting_stops_the_start(tmp_path: Path, settings, message: str) -> None:
    # The search is built on its first use, after a commit: a wrong setting must not wait for that.
    with pytest.raises(ValueError, match=message):
        load_config({"MEDIA_DIR": tmp_path / "m", **settings})


def test_every_flask_setting_has_its_one_default() -> None:
    for key in ("SESSION_COOKIE_SAMESITE", "PERMANENT_SESSION_LIFETIME", "BABEL_DEFAULT_LOCALE"):
        assert key in DEFAULTS


def test_the_secret_key_can_live_outside_the_media_folder(tmp_path: Path) -> None:
    from gallery import create_app, get_archive

    key_file = tmp_path / "etc" / "secret_key"
    environ = {
        "GALLERY_MEDIA_DIR": str(tmp_path / "media"),
        "GALLERY_INDEX_DIR": str(tmp_path / "index"),
        "GALLERY_SECRET_KEY_FILE": str(key_file),
    }
    assert load_config(environ=environ)["SECRET_KEY_FILE"] == key_file
    keys = []
    for _ in range(2):  # a second start reads the key the first one made
        app = create_app(load_config(environ=environ))
        keys.append(app.config["SECRET_KEY"])
        get_archive(app).close()
    assert keys[0] == keys[1] == key_file.read_text().strip() and len(keys[0]) == 64
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert not (tmp_path / "media" / "secret_key").exists()  # not in a backup of the media folder
    default = load_config(environ={"GALLERY_MEDIA_DIR": str(tmp_path / "media")})
    assert default["SECRET_KEY_FILE"] == tmp_path / "media" / "secret_key"


def test_servers_starting_at_once_share_one_secret_key(tmp_path: Path, monkeypatch) -> None:
    """Servers that all found no key file make it at once: every one ends with the same key."""
    import threading

    from flask import Flask

    from gallery.views.security import load_secret_key

    path = tmp_path / "media" / "secret_key"
    real_exists = Path.exists
    # Each of them looked before any wrote: the race, every time.
    monkeypatch.setattr(Path, "exists", lambda p: False if p == path else real_exists(p))
    apps = [Flask(f"s{n}") for n in range(8)]
    start, failures = threading.Barrier(len(apps)), []

    def serve(app: Flask) -> None:
        app.config["SECRET_KEY_FILE"] = path
        start.wait()
        try:
            load_secret_key(app)
        except Exception as exc:  # noqa: BLE001 - a server that would not start
            failures.append(exc)

    threads = [threading.Thread(target=serve, args=(app,)) for app in apps]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    keys = {app.config["SECRET_KEY"] for app in apps}
    assert len(keys) == 1 and len(keys.pop()) == 64
    assert [p.name for p in path.parent.iterdir()] == ["secret_key"]  # nothing left beside it
    assert path.stat().st_mode & 0o777 == 0o600
