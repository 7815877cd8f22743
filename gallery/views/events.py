"""Events as editors make and correct them: a new event, the edit form, deleting (admins)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from gallery.article import split_names
from gallery.errors import Conflict, GalleryError
from gallery.events import CREDIT_ROLES, RESERVED_SLUGS
from gallery.views import account, archive, require

bp = Blueprint("events", __name__)
_SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,119}")
_TEXT_FIELDS = ("title", "kind", "start_date", "end_date", "place", "description", "article")


def _lines(text: str) -> list[str]:
    """Return the non-empty lines of a text box."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def _typed(form: Any) -> dict[str, Any]:
    """Return what the editor typed, in the shape of the form (to show again after an error)."""
    typed: dict[str, Any] = {key: form.get(key, "") for key in (*_TEXT_FIELDS, "slug")}
    typed["organisers"] = _lines(form.get("organisers", ""))
    typed["keywords"] = _lines(form.get("keywords", ""))
    typed["credits"] = {
        role: names
        for role in CREDIT_ROLES
        if (names := split_names(form.get(f"credit_{role}", "")))
    }
    return typed


def _date(text: str) -> dt.date | None:
    """Return a YYYY-MM-DD date, or None if the text is not one."""
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        return None


def _check(typed: dict[str, Any], *, slug_needed: bool) -> dict[str, str]:
    """Return field → what is wrong with it, in the reader's language (empty when all is well)."""
    errors: dict[str, str] = {}
    if not " ".join(typed["title"].split()):
        errors["title"] = _("An event needs a title.")
    start = _date(typed["start_date"])
    if start is None:
        errors["start_date"] = _("Give the first day as a date (YYYY-MM-DD).")
    end = _date(typed["end_date"]) if typed["end_date"].strip() else None
    if typed["end_date"].strip() and end is None:
        errors["end_date"] = _("Give the last day as a date (YYYY-MM-DD), or leave it empty.")
    elif start and end and end < start:
        errors["end_date"] = _("The last day is before the first day.")
    slug = typed["slug"].strip()
    if (slug or slug_needed) and (not _SLUG.fullmatch(slug) or slug in RESERVED_SLUGS):
        errors["slug"] = _("A link name is lower-case Latin letters, digits and hyphens.")
    return errors


def _fields(typed: dict[str, Any]) -> dict[str, Any]:
    """Return the checked form as the keyword arguments of ``events.add`` and ``events.edit``."""
    end = typed["end_date"].strip()
    return {
        "title": typed["title"],
        "kind": typed["kind"],
        "start_date": dt.date.fromisoformat(typed["start_date"].strip()),
        "end_date": dt.date.fromisoformat(end) if end else None,
        "place": typed["place"],
        "organisers": typed["organisers"],
        "description": typed["description"],
        "article": typed["article"],
        "keywords": typed["keywords"],
        "credits": typed["credits"],
    }


def _form_page(typed: dict[str, Any], errors: dict[str, str], *, slug: str | None) -> Any:
    """Render the event form (new when ``slug`` is None), with the errors of each field."""
    gallery = archive()
    return render_template(
        "events/edit.html",
        event=typed,
        errors=errors,
        slug=slug,
        roles=CREDIT_ROLES,
        history=gallery.events.history(slug) if slug else [],
        saved_title=gallery.events.get(slug)["title"] if slug else "",
    )


@bp.route("/events/new", methods=["GET", "POST"])
@require("edit")
def new() -> Any:
    """Create an event by hand: every field of the edit form."""
    if request.method == "GET":
        empty = {key: "" for key in (*_TEXT_FIELDS, "slug")}
        return _form_page({**empty, "organisers": [], "keywords": [], "credits": {}}, {}, slug=None)
    typed = _typed(request.form)
    errors = _check(typed, slug_needed=False)
    if not errors:
        fields = _fields(typed)
        kind, start = fields.pop("kind"), fields.pop("start_date")
        try:
            event = archive().events.add(
                fields.pop("title"), kind, start, slug=typed["slug"].strip() or None, **fields
            )
        except Conflict:
            errors["slug"] = _("Another event already uses this link name.")
        else:
            flash(_("Event created."), "ok")
            return redirect(url_for("browse.event", slug=event.slug))
    return _form_page(typed, errors, slug=None), 400


@bp.route("/events/<slug>/edit", methods=["GET", "POST"])
@require("edit")
def edit(slug: str) -> Any:
    """Show an event's edit form; save every field, a new link name keeping the old one working."""
    gallery = archive()
    if request.method == "GET":
        return _form_page(gallery.events.form(slug), {}, slug=slug)
    typed = _typed(request.form)
    errors = _check(typed, slug_needed=True)
    if not errors:
        try:
            saved = gallery.events.edit(
                slug, user=account().username, new_slug=typed["slug"].strip(), **_fields(typed)
            )
        except Conflict:
            errors["slug"] = _("Another event already uses this link name.")
        else:
            flash(_("Event saved."), "ok")
            return redirect(url_for("browse.event", slug=saved))
    return _form_page(typed, errors, slug=slug), 400


@bp.get("/events/<slug>/delete")
@require("delete")
def confirm_delete(slug: str) -> Any:
    """Ask before deleting an event; one with photos asks where they go."""
    gallery = archive()
    return render_template(
        "events/delete.html",
        event=gallery.events.form(slug),
        slug=slug,
        targets=[e for e in gallery.browse.event_choices() if e["slug"] != slug],
        error="",
    )


@bp.post("/events/<slug>/delete")
@require("delete")
def delete(slug: str) -> Any:
    """Delete an event, its photos moved first to the event chosen."""
    gallery = archive()
    target = request.form.get("move_photos_to", "").strip() or None
    try:
        moved = gallery.events.delete(slug, user=account().username, move_photos_to=target)
    except GalleryError as exc:
        event = gallery.events.form(slug)
        if isinstance(exc, Conflict) and event["photos"] and target is None:
            error = _("This event still has photos: choose the event they move to.")
        elif isinstance(exc, Conflict):
            error = _("This event is numbered for the archives office: it cannot be deleted.")
        else:
            error = str(exc)
        page = render_template(
            "events/delete.html",
            event=event,
            slug=slug,
            targets=[e for e in gallery.browse.event_choices() if e["slug"] != slug],
            error=error,
        )
        return page, exc.status
    if target:
        flash(_("Event deleted; its %(n)d photos moved here.", n=moved), "ok")
        return redirect(url_for("browse.event", slug=target))
    flash(_("Event deleted."), "ok")
    return redirect(url_for("browse.home"))
