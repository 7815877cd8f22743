"""Settings: one default per setting, overridden by ``GALLERY_*`` variables, then by a test mapping."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

#: Every setting and its one default. Paths are relative to the working directory.
DEFAULTS: dict[str, Any] = {
    "MEDIA_DIR": "media",
    "INDEX_DIR": "index",
    # The search backend: "whoosh" (the index in INDEX_DIR) or "postgres" (in the catalogue's
    # PostgreSQL database, shared by every host).
    "SEARCH": "whoosh",
    # Empty means ``sqlite:///<MEDIA_DIR>/catalog.sqlite3``.
    "DATABASE_URL": "",
    # Refuse images with more pixels than this (decompression bombs).
    "MAX_PIXELS": 200_000_000,
    # Bytes of decoded pixels (pixels × bands × bytes per sample) the decodes of one process may hold
    # at once; an image needing more is refused, others wait their turn. 3 GiB: eight serving threads
    # of 24 MP photos fit many times over, three 196 MP RGBA PNGs at once, on a 24 GB machine.
    "DECODE_BUDGET": 3 * 1024**3,
    "JPEG_QUALITY": 85,
    # Long edge in pixels of each named derivative, largest first is not required.
    "DERIVATIVE_SIZES": "thumb:320,display:1280,screen:2560",
    "IMPORT_JOBS": 1,
    # Text limits over those of gallery/limits.py, as "caption:2000,keywords:100"; empty: the defaults.
    "TEXT_LIMITS": "",
    # A search synonym table; empty means the one shipped in gallery/synonyms.txt.
    "SYNONYMS": "",
    # Signs session cookies; empty means a random key kept in SECRET_KEY_FILE.
    "SECRET_KEY": "",
    # Where that random key is kept; empty means <MEDIA_DIR>/secret_key, which every backup of the
    # media folder then carries (whoever holds a backup can forge sessions): keep it outside.
    "SECRET_KEY_FILE": "",
    # Largest upload, in bytes (one request per file); a bigger file is answered 413.
    "MAX_CONTENT_LENGTH": 300 * 1024 * 1024,
    # Set to 1 when the gallery is served over HTTPS, so session cookies never travel in clear.
    "SESSION_COOKIE_SECURE": False,
    # Failed sign-ins allowed per user name and address within LOGIN_WINDOW seconds.
    "LOGIN_ATTEMPTS": 5,
    "LOGIN_WINDOW": 600,
    # How many (address, user name) pairs the sign-in throttle remembers; the stalest go first.
    "LOGIN_KEYS": 10_000,
    # Days a deleted photo stays restorable in the trash.
    "TRASH_DAYS": 30,
    # The archives office (DA/T 50-2014): the fonds number (全宗号) the archives gave, how 档号 and
    # 照片号 are built, the retention periods (key=label=code) and the secrecy levels offered.
    "ARCHIVE_FONDS": "",
    "ARCHIVE_GROUP_CODE": "{fonds}-ZP-{year}-{retention}-{group:03d}",
    "ARCHIVE_PHOTO_CODE": "{group_code}-{item:04d}",
    "ARCHIVE_RETENTION": "permanent=永久=Y,long=长期（30年）=C,short=短期（10年）=D",
    "ARCHIVE_SECRECY": "公开,内部,秘密,机密,绝密",
    # Flask, Flask-WTF and Flask-Babel settings of the web interface.
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_NAME": "gallery_session",
    "PERMANENT_SESSION_LIFETIME": 12 * 3600,
    "WTF_CSRF_TIME_LIMIT": None,  # the token lives as long as the session
    "BABEL_DEFAULT_LOCALE": "zh_CN",
    # Times the server records (in UTC) are shown in this zone; a photo's time stays as taken.
    "BABEL_DEFAULT_TIMEZONE": "Asia/Shanghai",
    # Babel reads zh_CN as zh_Hans_CN, which gettext finds under translations/zh.
    "BABEL_TRANSLATION_DIRECTORIES": str(Path(__file__).parent / "translations"),
}

ENV_PREFIX = "GALLERY_"


def load_config(
    test_config: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """Return the settings: the defaults, then ``GALLERY_*`` from the environment, or a test config.

    As in Flask's tutorial, a test config replaces the environment rather than layering on it: with
    ``GALLERY_DATABASE_URL`` set in a shell, the test suite still never touches that database.
    """
    config = dict(DEFAULTS)
    if test_config is None:
        config.update(from_environment(os.environ if environ is None else environ))
    else:
        config.update(test_config)
    return resolve(config)


def from_environment(environ: Mapping[str, str]) -> dict[str, Any]:
    """Return the settings given as ``GALLERY_<NAME>`` variables, parsed as their defaults' types."""
    found: dict[str, Any] = {}
    for key, default in DEFAULTS.items():
        raw = environ.get(ENV_PREFIX + key)
        if raw is None:
            continue
        if isinstance(default, bool):
            found[key] = raw.strip().lower() in ("1", "true", "yes", "on")
        elif isinstance(default, int):
            found[key] = int(raw)
        else:
            found[key] = raw
    return found


def resolve(config: dict[str, Any]) -> dict[str, Any]:
    """Resolve paths once and parse structured settings, in place; return ``config``."""
    media = Path(config["MEDIA_DIR"]).expanduser().resolve()
    config["MEDIA_DIR"] = media
    config["INDEX_DIR"] = Path(config["INDEX_DIR"]).expanduser().resolve()
    key_file = config.get("SECRET_KEY_FILE") or media / "secret_key"
    config["SECRET_KEY_FILE"] = Path(key_file).expanduser().resolve()
    if not config["DATABASE_URL"]:
        config["DATABASE_URL"] = f"sqlite:///{media / 'catalog.sqlite3'}"
    if isinstance(config["DERIVATIVE_SIZES"], str):
        config["DERIVATIVE_SIZES"] = parse_sizes(config["DERIVATIVE_SIZES"])
    # Checked here, before anything opens: the search is built on first use, after a commit.
    if config["SEARCH"] not in ("whoosh", "postgres"):
        raise ValueError(f"GALLERY_SEARCH is whoosh or postgres, not {config['SEARCH']!r}")
    if config["SEARCH"] == "postgres" and not config["DATABASE_URL"].startswith("postgresql"):
        raise ValueError("GALLERY_SEARCH=postgres needs a PostgreSQL GALLERY_DATABASE_URL")
    return config


def parse_sizes(spec: str) -> dict[str, int]:
    """Parse ``"thumb:320,display:1280"`` into ``{"thumb": 320, "display": 1280}``."""
    sizes: dict[str, int] = {}
    for part in spec.split(","):
        name, _, edge = part.strip().partition(":")
        if not name.isidentifier() or not edge.isdigit() or int(edge) <= 0:
            raise ValueError(f"bad derivative size {part!r}: expected name:pixels")
        sizes[name] = int(edge)
    return sizes
