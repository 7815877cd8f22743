"""The gallery command for tests and benchmarks: runs in this process, real processes (the CLI,
``gallery serve``), uploads over HTTP."""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any

from click.testing import CliRunner, Result

from gallery.cli import main
from gallery.cli.common import Setup

if TYPE_CHECKING:
    from gallery.archive import Archive

GALLERY = [sys.executable, "-c", "from gallery.cli import main; main()"]


class Runner:
    """Run ``gallery`` commands in this process on an app's archive (click's test runner)."""

    def __init__(self, archive: Archive) -> None:
        self.archive = archive

    def invoke(self, args: list[str], **kwargs: Any) -> Result:
        """Run ``gallery ARGS``; keyword arguments go to click's ``CliRunner.invoke`` (``input``)."""
        return CliRunner().invoke(main, args, obj=Setup(self.archive), **kwargs)


def environment(root: Path) -> dict[str, str]:
    """Return the environment of a gallery process whose archive lives in ``root``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GALLERY_")}
    env.update(GALLERY_MEDIA_DIR=str(root / "media"), GALLERY_INDEX_DIR=str(root / "index"))
    return env


def gallery(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run ``gallery <args>`` on the archive in ``root`` and return what it did."""
    return subprocess.run(
        [*GALLERY, *args], env=environment(root), capture_output=True, text=True, timeout=600
    )


def free_port() -> int:
    """Return a TCP port nobody listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(root: Path, threads: int = 8) -> tuple[subprocess.Popen[str], int]:
    """Start ``gallery serve`` on the archive in ``root``; return it and its port once it answers."""
    port = free_port()
    proc = subprocess.Popen(
        [*GALLERY, "serve", "--port", str(port), "--threads", str(threads)],
        env=environment(root),
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()  # printed once the archive is open, just before listening
    assert "Gallery at" in line, line
    deadline = time.monotonic() + 60
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return proc, port
        except OSError:
            if time.monotonic() > deadline or proc.poll() is not None:
                raise
            os.sched_yield()


def upload(port: int, token: str, path: Path, event: str) -> tuple[int, bytes]:
    """POST a photo to the API as multipart form data; return the status and body."""
    boundary = uuid.uuid4().hex
    body = b"".join(
        [
            f'--{boundary}\r\nContent-Disposition: form-data; name="event"\r\n\r\n{event}\r\n'.encode(),
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
            f'filename="{path.name}"\r\nContent-Type: image/jpeg\r\n\r\n'.encode(),
            path.read_bytes(),
            f"\r\n--{boundary}--\r\n".encode(),
        ]
    )
    headers = {
        "Authorization": f"Bearer {token}",
        "Content-Type": f"multipart/form-data; boundary={boundary}",
    }
    return request(port, "POST", "/api/v1/photos", body, headers)


def request(
    port: int, method: str, url: str, body: bytes | None = None, headers: dict | None = None
) -> tuple[int, bytes]:
    """Send one HTTP request to the local server; return the status and body."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        connection.request(method, url, body, headers or {})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def children(pid: int) -> list[int]:
    """Return the pids of the processes whose parent is ``pid``."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    """Tell whether a process exists and is not a zombie."""
    try:
        os.kill(pid, 0)
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (ProcessLookupError, FileNotFoundError):
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def wait_gone(pids: list[int], timeout: float = 30) -> list[int]:
    """Wait until none of ``pids`` runs, at most ``timeout`` seconds; return those still running."""
    deadline = time.monotonic() + timeout
    while (left := [p for p in pids if alive(p)]) and time.monotonic() < deadline:
        os.sched_yield()  # the kernel ends them; nothing to sleep for
    return left
