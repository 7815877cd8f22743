"""What protects every answer: the secret key, security headers, and the sign-in throttle."""

from __future__ import annotations

import secrets
import time
from pathlib import Path
from typing import Any

from flask import Flask


def load_secret_key(app: Flask) -> None:
    """Use the configured key, else one kept in the media folder so sessions survive restarts."""
    if app.config.get("SECRET_KEY"):
        return
    path = Path(app.config["MEDIA_DIR"]) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = path.open("x", encoding="ascii")  # fails if another process wrote it first
        with fd:
            fd.write(secrets.token_hex(32))
        path.chmod(0o600)
    app.config["SECRET_KEY"] = path.read_text(encoding="ascii").strip()


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
    """Count failures per key in a sliding window (sign-in attempts), in this process's memory."""

    def __init__(self) -> None:
        self._failures: dict[str, list[float]] = {}

    def blocked(self, key: str, limit: int, window: float) -> bool:
        """Tell whether ``key`` failed ``limit`` times within the last ``window`` seconds."""
        now = time.monotonic()
        recent = [t for t in self._failures.get(key, []) if now - t < window]
        self._failures[key] = recent
        return len(recent) >= limit

    def fail(self, key: str) -> None:
        """Record one failure for ``key``."""
        self._failures.setdefault(key, []).append(time.monotonic())

    def clear(self, key: str) -> None:
        """Forget the failures of ``key`` after a success."""
        self._failures.pop(key, None)
