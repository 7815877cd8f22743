"""The web interface: one blueprint per area, sign-in, CSRF, languages, errors and security headers.

Views parse the request, call the archive, and render, redirect or answer JSON. Permissions are
checked on every route with :func:`require`; domain errors become HTTP answers only here.
"""

from __future__ import annotations

import functools
import secrets
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import (
    Flask,
    abort,
    current_app,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import Babel, format_date, format_datetime
from flask_babel import gettext as _
from flask_login import LoginManager, UserMixin, current_user
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.exceptions import HTTPException

from gallery.archive import Account, Archive
from gallery.errors import GalleryError

LANGUAGES = {"zh_CN": "中文", "en": "English"}
csrf = CSRFProtect()
login_manager = LoginManager()


class SignedIn(UserMixin):
    """The signed-in account, as Flask-Login wants it."""

    def __init__(self, account: Account) -> None:
        self.account = account
        self.id = account.id
        self.username = account.username
        self.role = account.role
        self.person = account.person

    def can(self, permission: str) -> bool:
        """Tell whether this user's role grants ``permission``."""
        return self.account.can(permission)


def archive() -> Archive:
    """Return the archive of the running app."""
    return current_app.extensions["gallery"]


def account() -> SignedIn | None:
    """Return who is making this request: a bearer token's user, the session's, or None."""
    if "account" not in g:
        g.account = None
        header = request.headers.get("Authorization", "")
        if header.startswith("Bearer "):
            found = archive().accounts.for_token(header[7:].strip())
            g.account = SignedIn(found) if found else None
        elif current_user.is_authenticated:
            g.account = current_user._get_current_object()
    return g.account


def wants_json() -> bool:
    """Tell whether the client asked for JSON (the API, or a script on our pages)."""
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def require(permission: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Let a view run only for a signed-in user whose role grants ``permission``."""

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            user = account()
            if user is None:
                if wants_json():
                    abort(401)
                return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
            if not user.can(permission):
                abort(403)
            return view(*args, **kwargs)

        wrapper.permission = permission  # type: ignore[attr-defined]
        return wrapper

    return decorator


def _secret_key(app: Flask) -> None:
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


def _select_locale() -> str:
    """Chinese first; English when the user switched to it."""
    chosen = session.get("lang")
    return chosen if chosen in LANGUAGES else "zh_CN"


def _security_headers(response: Any) -> Any:
    """Forbid inline script, framing and type sniffing on every answer."""
    response.headers.setdefault(
        "Content-Security-Policy",
        "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; script-src 'self'; "
        "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Referrer-Policy"] = "same-origin"
    if "Cache-Control" not in response.headers and response.mimetype in (
        "text/html",
        "application/json",
    ):
        response.headers["Cache-Control"] = "no-store"  # pages differ by user
    return response


def _error(status: int, message: str) -> Any:
    """Answer an error as JSON to scripts and as a page to people."""
    if wants_json():
        return jsonify(error=message), status
    return render_template("error.html", status=status, message=message), status


def init_app(app: Flask) -> None:
    """Add sign-in, CSRF, languages, the blueprints and the error pages to ``app``."""
    _secret_key(app)
    app.config.setdefault("SESSION_COOKIE_HTTPONLY", True)
    app.config["SESSION_COOKIE_SAMESITE"] = "Lax"
    app.config["SESSION_COOKIE_NAME"] = "gallery_session"
    app.config["PERMANENT_SESSION_LIFETIME"] = 12 * 3600
    app.config["WTF_CSRF_TIME_LIMIT"] = None  # the token lives as long as the session
    app.config.setdefault("BABEL_DEFAULT_LOCALE", "zh_CN")
    # Babel reads zh_CN as zh_Hans_CN, which gettext finds under translations/zh.
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(Path(__file__).parent.parent / "translations")

    app.extensions["login_throttle"] = Throttle()
    csrf.init_app(app)
    Babel(app, locale_selector=_select_locale)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.session_protection = "strong"

    @login_manager.user_loader
    def load_user(user_id: str) -> SignedIn | None:
        found = archive().accounts.get(int(user_id)) if user_id.isdigit() else None
        return SignedIn(found) if found else None

    from gallery.views import admin, api, auth, browse, exhibitions, media, search, upload

    for module in (auth, browse, search, upload, media, admin, exhibitions, api):
        app.register_blueprint(module.bp)
    app.register_blueprint(exhibitions.display)
    csrf.exempt(api.bp)  # the API checks CSRF itself for session users; tokens need none

    app.after_request(_security_headers)
    # Globals, not context: the grid macro is imported without the page's context.
    app.jinja_env.globals.update(
        thumb_url=thumb_url,
        photo_url=photo_url,
        event_url=event_url,
        format_date=format_date,
        format_datetime=format_datetime,
    )

    @app.context_processor
    def globals_for_templates() -> dict[str, Any]:
        return {
            "me": account(),
            "languages": LANGUAGES,
            "locale": _select_locale(),
        }

    @app.errorhandler(GalleryError)
    def gallery_error(error: GalleryError) -> Any:
        return _error(error.status, str(error))

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError) -> Any:
        return _error(400, _("The form expired or did not come from this site. Reload the page."))

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Any:
        messages = {
            401: _("Please sign in."),
            403: _("Your role does not allow this."),
            404: _("Not found."),
            413: _("The file is larger than the %(mb)s MB limit.", mb=_limit_mb()),
            429: _("Too many attempts. Wait a few minutes and try again."),
        }
        return _error(error.code or 500, messages.get(error.code or 500, error.description or ""))


def _limit_mb() -> int:
    """Return the upload limit in megabytes."""
    return int(current_app.config["MAX_CONTENT_LENGTH"] or 0) // (1024 * 1024)


_PLACEHOLDER = "0" * 64


def thumb_url(sha256: str, size: str = "thumb") -> str:
    """Return the content-hashed URL of a photo's derivative.

    Built by url_for once per size and request, then filled in: a 1,000-photo grid asks 3,000 times.
    """
    urls = g.setdefault("derivative_urls", {})
    if size not in urls:
        urls[size] = url_for("media.derivative", size=size, sha256=_PLACEHOLDER)
    return urls[size].replace(_PLACEHOLDER, sha256)


def photo_url(photo_id: int) -> str:
    """Return the URL of a photo's page (url_for once per request, as for derivatives)."""
    if "photo_url" not in g:
        g.photo_url = url_for("browse.photo", photo_id=999999999)
    return g.photo_url.replace("999999999", str(photo_id))


def event_url(slug: str) -> str:
    """Return the URL of an event's page (url_for once per request)."""
    if "event_url" not in g:
        g.event_url = url_for("browse.event", slug="SLUG")
    return g.event_url.replace("SLUG", slug)


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
