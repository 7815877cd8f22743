"""Signing in and out, and choosing the interface language."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import login_user, logout_user

from gallery.views import LANGUAGES, SignedIn, archive

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    """Return ``target`` if it is a path on this site, else the home page (no open redirects)."""
    if target and target.startswith("/") and not target.startswith("//"):
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and "\\" not in target:
            return target
    return url_for("browse.home")


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    """Show the sign-in form; sign in with a user name and password."""
    if request.method == "GET":
        return render_template("auth/login.html", next=request.args.get("next", ""))
    username = request.form.get("username", "").strip()
    key = f"{request.remote_addr}|{username.casefold()}"
    config = current_app.config
    throttle = current_app.extensions["login_throttle"]
    if throttle.blocked(key, int(config["LOGIN_ATTEMPTS"]), float(config["LOGIN_WINDOW"])):
        abort(429)
    found = archive().accounts.authenticate(username, request.form.get("password", ""))
    if found is None:
        throttle.fail(key)
        flash(_("Wrong user name or password."), "error")
        page = render_template(
            "auth/login.html", next=request.form.get("next", ""), username=username
        )
        return page, 401
    throttle.clear(key)
    session.clear()  # a fresh session: nothing carried over from before signing in
    login_user(SignedIn(found))
    return redirect(_safe_next(request.form.get("next")))


@bp.post("/logout")
def logout() -> Any:
    """Sign out."""
    lang = session.get("lang")
    logout_user()
    session.clear()
    if lang:
        session["lang"] = lang
    return redirect(url_for("auth.login"))


@bp.get("/lang/<code>")
def language(code: str) -> Any:
    """Switch the interface language and go back where the user was."""
    if code not in LANGUAGES:
        abort(404)
    session["lang"] = code
    return redirect(_safe_next(request.args.get("next")))
