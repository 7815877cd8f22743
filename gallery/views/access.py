"""Who is asking: sign-in sessions and bearer tokens, and the permission every route checks."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from flask import abort, g, redirect, request, url_for
from flask_login import LoginManager, UserMixin, current_user

from gallery.accounts import Account
from gallery.app import get_archive as archive

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

    def get_id(self) -> str:
        """Return what the session keeps: the user's id and the session version it began under."""
        return f"{self.account.id}:{self.account.session_version}"


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


def init_login(app: Any) -> None:
    """Load the signed-in user of each request from the session."""
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.session_protection = "strong"

    @login_manager.user_loader
    def load_user(session_id: str) -> SignedIn | None:
        user_id, _, version = session_id.partition(":")
        if not (user_id.isdigit() and version.isdigit()):
            return None  # a session from before versions, or a forged one: sign in again
        found = archive().accounts.for_session(int(user_id), int(version))
        return SignedIn(found) if found else None
