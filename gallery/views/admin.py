"""Administration: users and roles, the trash, and importing an event from its article."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_user

from gallery.accounts import USER_ROLES
from gallery.article import Article, parse_article, split_names
from gallery.errors import GalleryError, InvalidInput, TooLong
from gallery.events import CREDIT_ROLES, parse_date
from gallery.views import SignedIn, account, archive, require
from gallery.views.handlers import too_long

bp = Blueprint("admin", __name__)


@bp.route("/admin/users", methods=["GET", "POST"])
@require("users")
def users() -> Any:
    """List users; add one with a role and a first password."""
    accounts = archive().accounts
    if request.method == "POST":
        form = request.form
        accounts.add(
            form.get("username", ""),
            form.get("role", ""),
            form.get("password", ""),
            form.get("person", "").strip() or None,
        )
        flash(_("User %(name)s added.", name=form.get("username", "")), "ok")
        return redirect(url_for("admin.users"))
    return render_template(
        "admin/users.html", users=accounts.all(), roles=USER_ROLES, tokens=accounts.tokens()
    )


@bp.post("/admin/users/<username>")
@require("users")
def change_user(username: str) -> Any:
    """Change a user's role or password."""
    accounts = archive().accounts
    if request.form.get("role"):
        if username == account().username and request.form["role"] != "admin":
            flash(_("You cannot remove your own admin role."), "error")
            return redirect(url_for("admin.users"))
        accounts.set_role(username, request.form["role"])
    if request.form.get("password"):
        accounts.set_password(username, request.form["password"])  # ends the user's sessions
        if username == account().username:
            login_user(SignedIn(accounts.for_session_of(username)))  # except this one
    flash(_("User %(name)s changed.", name=username), "ok")
    return redirect(url_for("admin.users"))


@bp.post("/admin/users/<username>/access")
@require("users")
def user_access(username: str) -> Any:
    """Disable or enable a user, sign them out everywhere, or delete them."""
    accounts, action = archive().accounts, request.form.get("action", "")
    if username == account().username and action in ("disable", "delete"):
        flash(_("You cannot disable or delete yourself."), "error")
        return redirect(url_for("admin.users"))
    if action == "disable":
        accounts.set_disabled(username, True)
        flash(_("User %(name)s is disabled: signed out, tokens stopped.", name=username), "ok")
    elif action == "enable":
        accounts.set_disabled(username, False)
        flash(_("User %(name)s can sign in again.", name=username), "ok")
    elif action == "sign_out":
        accounts.end_sessions(username)
        flash(_("User %(name)s is signed out everywhere.", name=username), "ok")
    elif action == "delete":
        accounts.delete(username)
        flash(_("User %(name)s deleted.", name=username), "ok")
    else:
        raise InvalidInput(f"unknown action {action!r}")
    return redirect(url_for("admin.users"))


@bp.post("/admin/tokens/<int:token_id>/revoke")
@require("users")
def revoke_token(token_id: int) -> Any:
    """Stop an API token at once."""
    archive().accounts.revoke_token(token_id)
    flash(_("The API token no longer works."), "ok")
    return redirect(url_for("admin.users"))


@bp.get("/admin/trash")
@require("delete")
def trash() -> Any:
    """List deleted photos, each restorable until its purge date."""
    # Listing never purges (a GET changes nothing): the purge is a POST, or `gallery trash purge`.
    photos = archive().photos
    return render_template("admin/trash.html", photos=photos.trash(), expired=len(photos.expired()))


@bp.post("/admin/trash/purge")
@require("delete")
def purge() -> Any:
    """Delete for good the photos whose time in the trash is over."""
    count = archive().photos.purge_trash()
    flash(_("%(count)s photos deleted for good.", count=count), "ok")
    return redirect(url_for("admin.trash"))


@bp.post("/admin/trash/<int:photo_id>/restore")
@require("delete")
def restore(photo_id: int) -> Any:
    """Bring a photo back from the trash."""
    archive().photos.restore(photo_id, user=account().username)
    flash(_("Photo restored."), "ok")
    return redirect(url_for("admin.trash"))


def _lines(text: str) -> list[str]:
    """Return the non-empty lines of a text box."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def _corrected(form: Any) -> Article:
    """Return the article as recognised, with the editor's corrections from the form applied."""
    article = parse_article(form.get("text", ""))
    article.title = " ".join(form.get("title", article.title).split())
    article.kind = form.get("kind", article.kind).strip()
    for field in ("event_date", "end_date"):
        value = form.get(field, "").strip()
        setattr(article, field, parse_date(value) if value else None)
    article.places = _lines(form.get("places", ""))
    article.organisers = _lines(form.get("organisers", ""))
    article.keywords = _lines(form.get("keywords", ""))
    article.credits = {
        role: split_names(form.get(f"credit_{role}", ""))
        for role in CREDIT_ROLES
        if split_names(form.get(f"credit_{role}", ""))
    }
    return article


@bp.route("/events/import-article", methods=["GET", "POST"])
@require("credit")
def import_article() -> Any:
    """Paste a publicity article, check what was recognised, correct it, and create the event."""
    form = request.form
    if request.method == "GET" or not form.get("text", "").strip():
        return render_template("admin/article.html", article=None, text="")
    if form.get("action") != "save":
        article = parse_article(form["text"])
        return render_template("admin/article.html", article=article, text=form["text"])
    try:
        article = _corrected(form)
        event = archive().events.add_from_article(article, slug=form.get("slug") or None)
    except GalleryError as exc:
        flash(too_long(exc) if isinstance(exc, TooLong) else str(exc), "error")
        return render_template("admin/article.html", article=_safe(form), text=form["text"]), 400
    flash(_("Event created from the article."), "ok")
    return redirect(url_for("browse.event", slug=event.slug))


def _safe(form: Any) -> Article:
    """Return the form's article for showing again after an error, dates kept when they parse."""
    try:
        return _corrected(form)
    except GalleryError:
        return parse_article(form.get("text", ""))
