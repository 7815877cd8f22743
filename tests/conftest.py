"""Fixtures: an app on a temporary archive (real catalogue, real files), its CLI runner and archive.

The catalogue is SQLite by default; ``pytest --db postgres`` runs the same tests on a throwaway
PostgreSQL server (``tests/postgres.py``), each test on a fresh database.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

from gallery import create_app, get_archive
from gallery.archive import Archive
from tests.imagegen import photo
from tests.procs import Runner


def pytest_addoption(parser) -> None:
    """Add ``--db``: the catalogue the suite runs on."""
    parser.addoption(
        "--db",
        choices=("sqlite", "postgres"),
        default="sqlite",
        help="catalogue database for the tests: sqlite (default) or a throwaway postgres server",
    )
    parser.addoption(
        "--search",
        choices=("whoosh", "postgres"),
        default="whoosh",
        help="search backend of the tests' archives (postgres needs --db postgres)",
    )


def pytest_collection_modifyitems(config, items) -> None:
    """On PostgreSQL, run only the tests that use a catalogue: the others would run twice the same."""
    if config.getoption("--db") == "sqlite":
        return
    kept = [item for item in items if "new_database_url" in getattr(item, "fixturenames", ())]
    config.hook.pytest_deselected(items=[item for item in items if item not in kept])
    items[:] = kept


def pytest_report_header(config) -> str:
    """Say which catalogue the run uses."""
    return f"catalogue: {config.getoption('--db')}, search: {config.getoption('--search')}"


@pytest.fixture(scope="session")
def new_database_url(request) -> Callable[[], str]:
    """Return a function making a fresh, empty catalogue and returning its URL.

    On SQLite the URL is empty: the archive keeps its catalogue in its own media folder.
    """
    if request.config.getoption("--db") == "sqlite":
        return lambda: ""
    from tests.postgres import TestServer

    server = TestServer()
    request.addfinalizer(server.stop)
    return server.start().new_database


@pytest.fixture
def database_url(new_database_url) -> str:
    """Return the URL of this test's own fresh catalogue (empty: SQLite in the media folder)."""
    return new_database_url()


@pytest.fixture(scope="session")
def search_backend(request) -> str:
    """Return the search backend the tests' archives use."""
    return request.config.getoption("--search")


@pytest.fixture
def app(tmp_path: Path, database_url: str, search_backend: str):
    """Return an app whose media and index folders live in ``tmp_path``, on a fresh catalogue."""
    app = create_app(
        {
            "TESTING": True,
            "MEDIA_DIR": tmp_path / "media",
            "INDEX_DIR": tmp_path / "index",
            "DATABASE_URL": database_url,
            "SEARCH": search_backend,
        }
    )
    yield app
    get_archive(app).close()


@pytest.fixture
def client(app):
    """Return a test client for ``app``."""
    return app.test_client()


@pytest.fixture
def runner(app):
    """Return a CLI runner on ``app``'s archive."""
    return Runner(get_archive(app))


@pytest.fixture
def archive(app) -> Archive:
    """Return the app's archive."""
    return get_archive(app)


@pytest.fixture
def event(archive: Archive) -> str:
    """Create an event and return its slug."""
    return archive.events.add(
        "检验科学术交流", "学术交流", dt.date(2024, 11, 1), slug="exchange"
    ).slug


def media_files(archive: Archive) -> list[Path]:
    """Return every file under the media folder except the catalogue."""
    return sorted(
        p
        for p in archive.store.root.rglob("*")
        if p.is_file() and not p.name.startswith(("catalog.sqlite3", "secret_key"))
    )


#: One user per role; each one's password is "password-" and the role.
ROLES = ("admin", "editor", "photographer", "viewer")


@pytest.fixture
def users(archive: Archive) -> dict[str, str]:
    """Create one user per role (the photographer is the person 杨军); return role → user name."""
    for role in ROLES:
        archive.accounts.add(
            role, role, f"password-{role}", "杨军" if role == "photographer" else None
        )
    return {role: role for role in ROLES}


def csrf_token(client, url: str = "/login") -> str:
    """Return the CSRF token a page of ``url`` carries for this client's session."""
    import re

    page = client.get(url).get_data(as_text=True)
    return re.search(r'name="csrf-token" content="([^"]+)"', page)[1]


def login(client, username: str) -> str:
    """Sign ``username`` in (its password is "password-" + the user name); return a CSRF token."""
    token = csrf_token(client)
    answer = client.post(
        "/login",
        data={"username": username, "password": f"password-{username}", "csrf_token": token},
    )
    assert answer.status_code == 302, answer.get_data(as_text=True)
    return csrf_token(client, "/")


GPS_TAGS = {
    "Make": "Canon",
    "Model": "EOS R6",
    "BodySerialNumber": "SN-0427718",
    "DateTimeOriginal": "2024:11:01 10:00:00",
    "GPSLatitudeRef": "N",
    "GPSLatitude": (36.0, 16.0, 50.0),
    "GPSLongitudeRef": "E",
    "GPSLongitude": (100.0, 37.0, 11.0),
}


HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


@pytest.fixture
def photos(archive: Archive, event: str, users, tmp_path: Path) -> list[int]:
    """Import two photos into the event: one with GPS and a camera serial, one plain."""
    first = photo(tmp_path / "in" / "秘密文件名-IMG_0427.jpg", tags=GPS_TAGS, seed=1)
    second = photo(tmp_path / "in" / "b.jpg", seed=2)
    results = archive.imports.import_files([first, second], event, uploader="photographer")
    return [r.photo_id for r in results]


def text_of(answer) -> str:
    """Return an answer's body as text."""
    return answer.get_data(as_text=True)
