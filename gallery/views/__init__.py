"""The web interface: one blueprint per area over the archive's services.

Views parse the request, call one service, and render, redirect or answer JSON. Who is asking and
what they may do is in :mod:`.access` (every route checks a permission with :func:`require`); headers,
the secret key and the sign-in throttle in :mod:`.security`; URLs for templates in :mod:`.urls`;
errors become answers only in :mod:`.handlers`.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, session
from flask_babel import Babel
from flask_wtf.csrf import CSRFProtect

from gallery.views.access import SignedIn, account, archive, init_login, require
from gallery.views.formats import init_formats
from gallery.views.handlers import init_handlers
from gallery.views.security import Throttle, load_secret_key, security_headers
from gallery.views.urls import event_url, photo_url, thumb_url

__all__ = ["SignedIn", "account", "archive", "csrf", "init_app", "require"]

LANGUAGES = {"zh_CN": "中文", "en": "English"}
csrf = CSRFProtect()


def _select_locale() -> str:
    """Chinese first; English when the user switched to it."""
    chosen = session.get("lang")
    return chosen if chosen in LANGUAGES else "zh_CN"


def init_app(app: Flask) -> None:
    """Add sign-in, CSRF, languages, the blueprints and the error pages to ``app``."""
    load_secret_key(app)
    archive(app).accounts.prepare_sign_in()
    app.extensions["login_throttle"] = Throttle(int(app.config["LOGIN_KEYS"]))
    csrf.init_app(app)
    Babel(app, locale_selector=_select_locale)
    init_login(app)

    from gallery.views import (
        admin,
        api,
        auth,
        browse,
        bulk,
        events,
        exhibitions,
        media,
        records,
        search,
        shares,
        upload,
    )

    for module in (
        auth,
        events,
        browse,
        bulk,
        search,
        upload,
        media,
        admin,
        exhibitions,
        records,
        shares,
        api,
    ):
        app.register_blueprint(module.bp)
    app.register_blueprint(exhibitions.display)
    app.register_blueprint(shares.share)
    csrf.exempt(api.bp)  # the API checks CSRF itself for session users; tokens need none

    app.after_request(security_headers)
    # Globals, not context: the grid macro is imported without the page's context.
    app.jinja_env.globals.update(
        thumb_url=thumb_url,
        photo_url=photo_url,
        event_url=event_url,
    )
    init_formats(app)  # dates, times and seconds as people read them

    @app.context_processor
    def globals_for_templates() -> dict[str, Any]:
        return {"me": account(), "languages": LANGUAGES, "locale": _select_locale()}

    init_handlers(app)
