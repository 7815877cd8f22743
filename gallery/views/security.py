"""What protects every answer: the secret key, security headers, and the sign-in throttle."""

from __future__ import annotations

import secrets
import threading
import time
from collections import OrderedDict
from pathlib import Path
from typing import Any

from flask import Flask

from gallery.media_store import write_once


def load_secret_key(app: Flask) -> None:
    """Use the configured key, else a random one kept in SECRET_KEY_FILE so sessions survive restarts."""
    if app.config.get("SECRET_KEY"):
        return
    # Of several servers starting at once on a new media folder, the first one's key wins.
    key = write_once(Path(app.config["SECRET_KEY_FILE"]), secrets.token_hex(32))
    app.config["SECRET_KEY"] = key.strip()


def security_headers(response: Any) -> Any:
    """Forbid inline script, framing and type sniffing on every answer."""
    response.headers.setdefault(
        "Content-Security-Policy",
        "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; script-src 'self'; "
        "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers.setdefault("Referrer-Policy", "same-origin")
    if "Cache-Control" not in response.headers and response.mimetype in (
        "text/html",
        "application/json",
    ):
        response.headers["Cache-Control"] = "no-store"  # pages differ by user
    return response


class Throttle:
    """Count sign-in attempts per key in a sliding window, in this process's memory.

    Checking and counting are one step under a lock, and an attempt counts *before* its password is
    checked: forty wrong passwords sent at once cannot all pass the check while the first ones are
    still being verified. Keys are bounded: past ``max_keys`` the stalest are forgotten first.
    """

    def __init__(self, max_keys: int = 10_000) -> None:
        self._attempts: OrderedDict[str, list[float]] = OrderedDict()
        self._lock = threading.Lock()
        self.max_keys = max_keys

    def attempt(self, key: str, limit: int, window: float) -> bool:
        """Count one attempt for ``key``; tell whether it may go ahead (fewer than ``limit`` before)."""
        now = time.monotonic()
        with self._lock:
            recent = [t for t in self._attempts.pop(key, ()) if now - t < window]
            allowed = len(recent) < limit
            if allowed:
                recent.append(now)
            self._attempts[key] = recent  # the most recently seen key goes last
            self._bound(now, window)
            return allowed

    def clear(self, key: str) -> None:
        """Forget the attempts of ``key`` after a success."""
        with self._lock:
            self._attempts.pop(key, None)

    def __len__(self) -> int:
        return len(self._attempts)

    def _bound(self, now: float, window: float) -> None:
        """Drop keys whose attempts are all outside the window, then the stalest, down to the bound."""
        while self._attempts:
            key, times = next(iter(self._attempts.items()))
            if len(self._attempts) <= self.max_keys and (times and now - times[-1] < window):
                break
            del self._attempts[key]
