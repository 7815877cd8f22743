"""A throwaway PostgreSQL server for the tests: initdb in a temporary folder, stopped at the end.

Debian's ``postgresql`` package provides the binaries (``.ci/setup-system`` installs it). The server
listens only on a unix socket inside its own folder, under a port number of its own, so it never
meets another server on the machine. Each test gets a fresh database copied from a template that
holds the migrated schema (``CREATE DATABASE ... TEMPLATE``), which costs far less than migrating.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from itertools import count
from pathlib import Path

import psycopg

from gallery.catalog import Catalog

TEMPLATE = "gallery_template"
#: Durability is not what a throwaway server is for: skip the flushes.
SETTINGS = {
    "listen_addresses": "''",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_connections": "300",
    "shared_buffers": "32MB",
}


def binaries() -> Path:
    """Return the folder of the newest installed PostgreSQL server binaries."""
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3])
    )
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    if initdb:
        return Path(initdb).parent
    raise RuntimeError("PostgreSQL is not installed: run .ci/setup-system")


def _server_user() -> str | None:
    """Return the OS user to run the server as when we are root (PostgreSQL refuses root)."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            pwd.getpwnam(name)
            return name
        except KeyError:
            continue
    raise RuntimeError("running as root, and no postgres or nobody user to run PostgreSQL as")


def _free_port() -> int:
    """Return a port number no local TCP server holds (it names the server's socket)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class TestServer:
    """One PostgreSQL server in a temporary folder, and the fresh databases made on it."""

    __test__ = False  # not a test class, whatever its name

    def __init__(self) -> None:
        self.bin = binaries()
        self.user = _server_user()
        # Under /tmp (not pytest's root-only folder) so that the server's user can reach it, and
        # short, because a unix socket's path is limited to about 100 bytes.
        self.folder = Path(tempfile.mkdtemp(prefix="gallery-pg-"))
        self.data = self.folder / "data"
        self.port = _free_port()
        self._names = count(1)

    def _run(self, *command: str, check: bool = True) -> None:
        """Run a server binary as the server's user."""
        prefix = ["runuser", "-u", self.user, "--"] if self.user else []
        subprocess.run(prefix + list(command), check=check, capture_output=True, text=True)

    def start(self) -> TestServer:
        """Create the cluster and the template database; start the server."""
        if self.user:
            entry = pwd.getpwnam(self.user)
            os.chown(self.folder, entry.pw_uid, entry.pw_gid)
        self._run(
            str(self.bin / "initdb"),
            "-D",
            str(self.data),
            "-U",
            "gallery",
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C.UTF-8",
        )
        options = " ".join(f"-c {k}={v}" for k, v in SETTINGS.items())
        options += f" -c unix_socket_directories={self.folder} -p {self.port}"
        self._run(
            str(self.bin / "pg_ctl"),
            "start",
            "-w",
            "-D",
            str(self.data),
            "-l",
            str(self.folder / "server.log"),
            "-o",
            options,
        )
        self._execute(f"CREATE DATABASE {TEMPLATE}")
        template = Catalog(self.url(TEMPLATE))
        template.migrate()
        template.close()
        return self

    def url(self, database: str) -> str:
        """Return the SQLAlchemy URL of a database on this server."""
        return f"postgresql+psycopg://gallery@/{database}?host={self.folder}&port={self.port}"

    def _execute(self, statement: str) -> None:
        """Run one statement outside a transaction (CREATE DATABASE needs that)."""
        with psycopg.connect(
            host=str(self.folder),
            port=self.port,
            user="gallery",
            dbname="postgres",
            autocommit=True,
        ) as connection:
            connection.execute(statement)

    def new_database(self) -> str:
        """Create a fresh database holding the migrated, empty schema; return its URL."""
        name = f"test_{next(self._names)}"
        self._execute(f"CREATE DATABASE {name} TEMPLATE {TEMPLATE}")
        return self.url(name)

    def stop(self) -> None:
        """Stop the server and delete its folder."""
        if (self.data / "postmaster.pid").exists():
            self._run(
                str(self.bin / "pg_ctl"),
                "stop",
                "-D",
                str(self.data),
                "-m",
                "immediate",
                check=False,
            )
        shutil.rmtree(self.folder, ignore_errors=True)
