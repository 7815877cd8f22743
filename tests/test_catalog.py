"""The catalogue: SQLite pragmas, migrations that match the models, constraints."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text

from gallery.catalog import Catalog
from gallery.catalog.db import (
    MIGRATIONS,
    _disk_full,
    current_revision,
    head_revision,
    migrate,
)
from gallery.catalog.models import Base


def test_sqlite_pragmas(tmp_path: Path) -> None:
    catalog = Catalog(f"sqlite:///{tmp_path / 'c.sqlite3'}")
    catalog.migrate()
    with catalog.engine.connect() as connection:
        pragma = lambda name: connection.execute(text(f"PRAGMA {name}")).scalar()  # noqa: E731
        assert pragma("journal_mode") == "wal"
        assert pragma("synchronous") == 2  # FULL
        assert pragma("foreign_keys") == 1
        assert pragma("busy_timeout") == 10000
    catalog.close()


def test_migrations_match_the_models(tmp_path: Path, database_url: str) -> None:
    catalog = Catalog(database_url or f"sqlite:///{tmp_path / 'c.sqlite3'}")
    catalog.migrate()
    with catalog.engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert diff == []
    catalog.migrate()  # running again is a no-op
    catalog.close()


def test_a_schema_at_the_newest_revision_is_known_without_alembic(
    tmp_path: Path, database_url: str
) -> None:
    """The start-up check reads the migrations' own head, and the database's revision."""
    assert head_revision() == ScriptDirectory(str(MIGRATIONS)).get_current_head()
    catalog = Catalog(f"sqlite:///{tmp_path / 'c.sqlite3'}")
    assert current_revision(catalog.engine) is None  # a new database: Alembic creates it
    migrate(catalog.engine, "0012")
    assert current_revision(catalog.engine) == "0012"
    catalog.migrate()  # one behind the head: Alembic upgrades
    assert current_revision(catalog.engine) == head_revision()
    catalog.close()
    # A full disk, as each database says it.
    assert _disk_full(type("PgError", (Exception,), {"sqlstate": "53100"})())
    assert not _disk_full(type("PgError", (Exception,), {"sqlstate": "23505"})())
    if database_url:  # the server's answer too (its test databases are copies of a migrated one)
        server = Catalog(database_url)
        server.migrate()
        assert current_revision(server.engine) == head_revision()
        server.close()


def test_database_url_setting(tmp_path: Path, monkeypatch) -> None:
    from gallery.config import load_config

    url = f"sqlite:///{tmp_path / 'elsewhere.sqlite3'}"
    config = load_config(environ={"GALLERY_DATABASE_URL": url, "GALLERY_MAX_PIXELS": "5"})
    assert config["DATABASE_URL"] == url and config["MAX_PIXELS"] == 5
    default = load_config({"MEDIA_DIR": tmp_path / "m"}, environ={})
    assert default["DATABASE_URL"] == f"sqlite:///{tmp_path / 'm' / 'catalog.sqlite3'}"
    assert default["DERIVATIVE_SIZES"] == {"thumb": 320, "display": 1280, "screen": 2560}
