"""Browsing: the home page's timeline, event pages, photo pages, people; editing a photo."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from markupsafe import Markup, escape

from gallery.errors import NotFound
from gallery.views import SignedIn, account, archive, require, thumb_url
from gallery.views.bulk import bar
from gallery.views.forms import split_keywords

bp = Blueprint("browse", __name__)


def may_edit(user: SignedIn | None, uploader: str | None) -> bool:
    """Tell whether ``user`` may change a photo: editors any, photographers their own uploads."""
    if user is None:
        return False
    return user.can("edit") or (user.can("edit_own") and uploader == user.username)


def require_edit(photo_id: int) -> SignedIn:
    """Return the signed-in user if they may change this photo; otherwise answer 403."""
    me = account()
    if not may_edit(me, archive().browse.uploader(photo_id)):
        abort(403)
    return me


@bp.get("/")
@require("view")
def home() -> Any:
    """Show the search box, events on a timeline by year, and recent uploads."""
    gallery = archive()
    return render_template(
        "browse/home.html", years=gallery.browse.timeline(), recent=gallery.browse.recent(12)
    )


@bp.get("/events/<slug>")
@require("view")
def event(slug: str) -> Any:
    """Show an event: its story, credit line and a grid of its photos; an old slug redirects."""
    try:
        shown = archive().browse.event_page(slug)
    except NotFound:
        moved = archive().events.renamed(slug)
        if moved is None:
            raise
        return redirect(url_for("browse.event", slug=moved), 301)
    return render_template(
        "browse/event.html",
        event=shown,
        cells=grid_cells(shown["photos"]),
        bulk=bar(account(), [p["id"] for p in shown["photos"]]),
    )


def grid_cells(photos: list[dict[str, Any]]) -> Markup:
    """Return the cells of a photo grid as HTML, each URL's parts built once for all photos.

    The markup of ``grid`` in browse/_macros.html, made here because at 1,000 photos the template's
    per-cell calls and escapes were most of the page's time. Keep the two in step.
    """
    page = url_for("browse.photo", photo_id=999999999).split("999999999")
    thumb = thumb_url("@").split("@")
    display = thumb_url("@", "display").split("@")
    screen = thumb_url("@", "screen").split("@")
    credit = _("Photo") + "／"
    cells = []
    for p in photos:
        t, d = f"{thumb[0]}{p['sha256']}{thumb[1]}", f"{display[0]}{p['sha256']}{display[1]}"
        s = f"{screen[0]}{p['sha256']}{screen[1]}"
        caption = escape(p["caption"])
        by = escape(credit + p["photographer"]) if p["photographer"] else ""
        w, h = int(p["width"]), int(p["height"])
        cells.append(
            f'<a class="cell" href="{page[0]}{int(p["id"])}{page[1]}" data-photo-id="{int(p["id"])}"'
            f' data-w="{w}" data-h="{h}"'
            f' data-display="{d}" data-screen="{s}" data-caption="{caption}" data-credit="{by}">'
            f'<img src="{t}" srcset="{t} 320w, {d} 1280w" sizes="(max-width: 640px) 50vw, 320px"'
            f' width="{w}" height="{h}" loading="lazy" alt="{caption}"></a>'
        )
    return Markup("\n".join(cells))


@bp.get("/events/<slug>/press-pack.zip")
@require("original")
def press_pack(slug: str) -> Any:
    """Download the event's press pack: display-size photos and captions.txt, in a ZIP."""
    return send_file(
        archive().exports.press_pack_stream(slug),
        mimetype="application/zip",
        as_attachment=True,
        download_name=f"{slug}.zip",
    )


@bp.get("/photos/<int:photo_id>")
@require("view")
def photo(photo_id: int) -> Any:
    """Show one photo: display size, caption, credit, neighbours and its metadata."""
    me = account()
    shown = archive().browse.photo(photo_id, staff=me.can("staff"))
    editable = may_edit(me, shown.get("uploader"))
    return render_template(
        "browse/photo.html",
        photo=shown,
        editable=editable,
        events=archive().browse.event_choices() if editable and me.can("edit") else [],
        history=archive().photos.history(photo_id) if me.can("staff") else [],
        exhibitions=archive().exhibitions.all() if me.can("curate") else [],
    )


@bp.post("/photos/<int:photo_id>/edit")
@require("view")
def edit_photo(photo_id: int) -> Any:
    """Save a photo's caption, keywords, photographer and (for editors) event."""
    me = require_edit(photo_id)
    form = request.form
    archive().photos.edit(
        photo_id,
        user=me.username,
        caption=form.get("caption"),
        keywords=split_keywords(form["keywords"]) if "keywords" in form else None,
        photographer=form.get("photographer"),
        event=form.get("event") if me.can("edit") and form.get("event") else None,
    )
    flash(_("Saved."), "ok")
    return redirect(url_for("browse.photo", photo_id=photo_id))


@bp.post("/photos/<int:photo_id>/delete")
@require("delete")
def delete_photo(photo_id: int) -> Any:
    """Move a photo to the trash and go back to its event."""
    gallery = archive()
    slug = gallery.browse.photo(photo_id, staff=True)["event"]["slug"]
    gallery.photos.delete(photo_id, user=account().username)
    flash(_("Moved to the trash. An admin can restore it there."), "ok")
    return redirect(url_for("browse.event", slug=slug))


@bp.get("/people/<int:person_id>")
@require("view")
def person(person_id: int) -> Any:
    """Show every photo a photographer took."""
    return render_template("browse/person.html", person=archive().browse.person(person_id))
