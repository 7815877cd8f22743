"""Engine and sessions: SQLite pragmas that protect the catalogue, and migrations to the newest schema."""

from __future__ import annotations

import functools
import logging
import re
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from gallery.catalog import outbox
from gallery.errors import Conflict, DiskFull

MIGRATIONS = Path(__file__).parent / "migrations"
log = logging.getLogger(__name__)
#: Connections a process keeps open to a server database, and how many more it may open at a peak.
POOL_SIZE = 5
POOL_OVERFLOW = 5


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    """Set the pragmas every SQLite connection needs: WAL, full sync, foreign keys, a busy wait.

    The driver's own transaction handling is switched off: the "begin" listeners below say how
    each transaction starts.
    """
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def _begin_immediate(connection) -> None:
    """Start a writing transaction holding SQLite's write lock from its first statement.

    Writers then queue (busy_timeout) instead of each reading a snapshot and failing at its first
    write: two uploads naming the same new person no longer both try to create them.
    """
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def _begin_deferred(connection) -> None:
    """Start a reading transaction (a consistent snapshot, no lock taken)."""
    connection.exec_driver_sql("BEGIN")


def make_engine(url: str, *, writing: bool = True) -> Engine:
    """Create the engine for ``url``; for SQLite, create its folder and set the pragmas."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _begin_immediate if writing else _begin_deferred)
        return engine
    # Several processes (hosts) share one server: each keeps a small pool, so that processes × 10
    # stays under PostgreSQL's max_connections (100 by default); beyond that, put PgBouncer between.
    return create_engine(
        url,
        pool_size=POOL_SIZE,
        max_overflow=POOL_OVERFLOW,
        pool_timeout=30,
        pool_recycle=1800,
        pool_pre_ping=True,
    )


@functools.cache
def head_revision() -> str:
    """Return the newest migration's revision: the one no other migration follows.

    Read from the files as they are written here (``revision = "0013"``, ``down_revision =
    "0012"``); ``tests/test_catalog.py`` checks it against Alembic's own answer.
    """
    found = {}
    for path in (MIGRATIONS / "versions").glob("*.py"):
        source = path.read_text(encoding="utf-8")
        [revision] = re.findall(r'^revision = "([^"]+)"', source, re.M)
        found[revision] = re.findall(r'^down_revision = "([^"]+)"', source, re.M)
    [head] = set(found) - {down for downs in found.values() for down in downs}
    return head


def current_revision(engine: Engine) -> str | None:
    """Return the revision a database's schema is at, or None if it has none yet."""
    try:
        with engine.connect() as connection:
            return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except DBAPIError:
        return None  # no table yet: a new database


def migrate(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to ``revision`` with Alembic (a fresh database gets every table)."""
    from alembic import command
    from alembic.config import Config as AlembicConfig

    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def _disk_full(error: BaseException) -> bool:
    """Tell whether a database error says its disk is full (SQLite's SQLITE_FULL, PostgreSQL's 53100)."""
    return (
        getattr(error, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL
        or getattr(error, "sqlstate", None) == "53100"
    )


class Catalog:
    """The catalogue database: an engine and the sessions that work on it."""

    def __init__(self, url: str) -> None:
        self.engine = make_engine(url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        outbox.install(self._sessions)
        # Reading needs no write lock: on SQLite a second engine begins its transactions deferred.
        self._reader = make_engine(url, writing=False) if url.startswith("sqlite") else self.engine
        self._readers = sessionmaker(self._reader, expire_on_commit=False)
        self._listeners: list[Callable[[], object]] = []
        self._batch = threading.local()  # per thread: commits left before listeners run, or unset

    def after_commit(self, listener: Callable[[], object]) -> None:
        """Call ``listener`` after every commit that changed something searchable (the outbox).

        The search index follows the catalogue this way: no use case syncs it by hand. A listener's
        failure is logged and never undoes the commit (the outbox keeps the change for later).
        """
        self._listeners.append(listener)

    def _committed(self) -> None:
        """Run the after-commit listeners, or count the commit towards the current batch."""
        left = getattr(self._batch, "left", None)
        if left is not None:
            self._batch.pending = True
            self._batch.left = left - 1
            if self._batch.left > 0:
                return
            self._batch.left, self._batch.pending = self._batch.every, False
        for listener in self._listeners:
            try:
                listener()
            except Exception:
                log.exception(
                    "after-commit listener %r failed; the outbox keeps the change", listener
                )

    @contextmanager
    def batched(self, every: int) -> Iterator[None]:
        """Run the after-commit listeners once per ``every`` commits of this thread, and at the end."""
        self._batch.every = self._batch.left = every
        self._batch.pending = False
        try:
            yield
        finally:
            pending = self._batch.pending
            del self._batch.left
            if pending:
                self._committed()

    def migrate(self) -> None:
        """Bring the schema up to date.

        A schema already at the newest revision is seen with one read (no write lock) and left
        without loading Alembic, 0.1 s of every command's start.
        """
        if current_revision(self._reader) != head_revision():
            migrate(self.engine)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """Yield a session whose work commits together at the end, or not at all.

        A broken uniqueness rule (a slug or a content hash already there) raises :class:`Conflict`.
        """
        try:
            with self._sessions() as session:
                with session.begin():
                    yield session
                changed = session.info.pop("outbox", False)
        except IntegrityError as exc:
            raise Conflict(str(exc.orig)) from exc
        except OperationalError as exc:
            if _disk_full(exc.orig):
                raise DiskFull("the archive's disk is full") from exc
            raise
        if changed:
            self._committed()

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """Yield a session for reading; nothing it does is committed."""
        with self._readers() as session:
            yield session

    def close(self) -> None:
        """Release every connection."""
        self.engine.dispose()
        self._reader.dispose()
