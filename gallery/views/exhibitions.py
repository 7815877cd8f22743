"""Curating exhibitions (editors), and the display screens that play them (by secret link, no sign-in)."""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from markupsafe import Markup

from gallery import qr
from gallery.errors import InvalidInput, NotFound
from gallery.views import account, archive, require
from gallery.views.formats import day
from gallery.views.media import send_derivative

bp = Blueprint("exhibitions", __name__)
display = Blueprint("display", __name__)
SIZES = ("display", "screen")  # what a player may ask for


@bp.route("/exhibitions", methods=["GET", "POST"])
@require("curate")
def index() -> Any:
    """List exhibitions; create one."""
    shows = archive().exhibitions
    if request.method == "POST":
        slug = shows.create(
            request.form.get("title", ""),
            request.form.get("introduction", ""),
            request.form.get("dates_shown", ""),
        )
        return redirect(url_for("exhibitions.edit", slug=slug))
    return render_template("exhibitions/index.html", exhibitions=shows.all())


def _editor(slug: str, new_link: str | None = None, status: int = 200) -> Any:
    """Render the editor of an exhibition (with a just-created link shown once)."""
    gallery = archive()
    return (
        render_template(
            "exhibitions/edit.html",
            show=gallery.exhibitions.get(slug),
            events=gallery.browse.event_choices(),
            new_link=new_link,
            # The same link as a QR code, to open it on a screen's browser with a phone's camera.
            new_link_qr=Markup(qr.svg(new_link, _("QR code of the display link")))
            if new_link
            else None,
        ),
        status,
    )


@bp.get("/exhibitions/<slug>")
@require("curate")
def edit(slug: str) -> Any:
    """Show an exhibition's editor: texts and settings, photos in order, display links."""
    return _editor(slug)


@bp.post("/exhibitions/<slug>/settings")
@require("curate")
def settings(slug: str) -> Any:
    """Save an exhibition's texts and player settings."""
    form = request.form
    archive().exhibitions.update(
        slug,
        title=form.get("title"),
        introduction=form.get("introduction"),
        dates_shown=form.get("dates_shown"),
        settings=form,
        form=True,
    )
    flash(_("Saved."), "ok")
    return redirect(url_for("exhibitions.edit", slug=slug))


@bp.post("/exhibitions/<slug>/add")
@require("curate")
def add(slug: str) -> Any:
    """Add photos: a whole event, the results of a search, or photos by id."""
    gallery = archive()
    form = request.form
    if form.get("event"):
        added = gallery.exhibitions.add_event(slug, form["event"], user=account().username)
    elif form.get("query", "").strip():
        results = gallery.search.search(form["query"], per_page=100)
        added = gallery.exhibitions.add_photos(
            slug, [hit.photo_id for hit in results.hits], user=account().username
        )
    else:
        try:
            ids = [int(i) for i in form.get("photo_ids", "").replace(",", " ").split()]
        except ValueError:
            raise InvalidInput(_("Photo numbers are digits separated by spaces.")) from None
        added = gallery.exhibitions.add_photos(slug, ids, user=account().username)
    flash(_("%(num)d photos added.", num=added), "ok")
    return redirect(url_for("exhibitions.edit", slug=slug))


@bp.post("/exhibitions/add-photo")
@require("curate")
def add_photo() -> Any:
    """Add the photo on screen to the exhibition chosen, and stay on the photo."""
    photo_id = request.form.get("photo_ids", type=int)
    slug = request.form.get("exhibition", "")
    if photo_id is None or not slug:
        abort(400)
    added = archive().exhibitions.add_photos(slug, [photo_id], user=account().username)
    flash(_("%(num)d photos added.", num=added), "ok")
    return redirect(url_for("browse.photo", photo_id=photo_id))


@bp.post("/exhibitions/<slug>/photos/<int:photo_id>")
@require("curate")
def item(slug: str, photo_id: int) -> Any:
    """Move a photo up or down, remove it, or set its caption for this exhibition."""
    shows = archive().exhibitions
    action = request.form.get("action")
    if action in ("up", "down"):
        shows.move(slug, photo_id, -1 if action == "up" else 1)
    elif action == "remove":
        shows.remove(slug, photo_id)
    elif action == "caption":
        shows.set_caption(slug, photo_id, request.form.get("caption"))
    else:
        abort(400)
    return redirect(url_for("exhibitions.edit", slug=slug) + f"#p{photo_id}")


@bp.post("/exhibitions/<slug>/order")
@require("curate")
def order(slug: str) -> Any:
    """Put the photos in the order given as JSON {"photos": [ids]} (drag and drop)."""
    body = request.get_json(silent=True) or {}
    photos = body.get("photos")
    if not isinstance(photos, list) or not all(isinstance(i, int) for i in photos):
        raise InvalidInput('expected {"photos": [photo ids]}')
    archive().exhibitions.reorder(slug, photos)
    return jsonify(ok=True)


@bp.post("/exhibitions/<slug>/links")
@require("curate")
def create_link(slug: str) -> Any:
    """Create a display link for one screen and show it once."""
    form = request.form
    overrides = {k: form[k] for k in ("orientation", "seconds") if form.get(k)}
    token = archive().exhibitions.create_link(slug, form.get("name", ""), overrides)
    return _editor(
        slug, new_link=url_for("display.player", token=token, _external=True), status=201
    )


@bp.post("/exhibitions/<slug>/links/<int:link_id>/revoke")
@require("curate")
def revoke_link(slug: str, link_id: int) -> Any:
    """Stop a display link from working."""
    archive().exhibitions.revoke_link(slug, link_id)
    flash(_("The link no longer works."), "ok")
    return redirect(url_for("exhibitions.edit", slug=slug))


@bp.get("/exhibitions/<slug>/preview")
@require("curate")
def preview(slug: str) -> Any:
    """Play the exhibition here, as a screen would."""
    archive().exhibitions.get(slug)  # 404 for an unknown exhibition
    return render_template(
        "display/player.html",
        playlist=url_for("exhibitions.preview_playlist", slug=slug),
        images=url_for("exhibitions.preview_image", slug=slug, size="SIZE", sha256="KEY"),
    )


@bp.get("/exhibitions/<slug>/preview/playlist.json")
@require("curate")
def preview_playlist(slug: str) -> Any:
    """The preview's playlist."""
    return _playlist_answer(archive().exhibitions.preview(slug))


@bp.get("/exhibitions/<slug>/preview/<size>/<sha256>.jpg")
@require("curate")
def preview_image(slug: str, size: str, sha256: str) -> Any:
    """An image of the preview."""
    if size not in SIZES or not archive().exhibitions.shows_in(slug, sha256):
        abort(404)
    return send_derivative(size, sha256)


# ------------------------------------------------------------------------------ display screens


def _playlist_answer(playlist: dict[str, Any]) -> Any:
    """Answer a playlist with its version as ETag: 304 when the screen has it already."""
    etag = playlist["version"]
    # The overlay's date as people read it (2024年11月1日); the version stays that of the content.
    playlist = {**playlist, "slides": [{**s, "date": day(s["date"])} for s in playlist["slides"]]}
    if request.if_none_match.contains(etag):
        response = current_app.response_class(status=304)
    else:
        response = jsonify(playlist)
    response.set_etag(etag)
    response.headers["Cache-Control"] = "no-cache"
    return response


@display.get("/display/sw.js")
def service_worker() -> Any:
    """The display screens' service worker (its scope is /display/, where it is served)."""
    response = current_app.send_static_file("js/display-sw.js")
    response.headers["Cache-Control"] = "no-cache"  # a new version reaches screens at once
    return response


@display.get("/display/<token>")
def player(token: str) -> Any:
    """The player page of a display screen."""
    return render_template(
        "display/player.html",
        playlist=url_for("display.playlist", token=token),
        images=url_for("display.image", token=token, size="SIZE", sha256="KEY"),
        worker=url_for("display.service_worker"),
    )


@display.get("/display/<token>/playlist.json")
def playlist(token: str) -> Any:
    """What the screen plays: overlay text and image keys of one exhibition, nothing else."""
    try:
        return _playlist_answer(archive().exhibitions.playlist(token))
    except NotFound:
        response = jsonify(error="revoked")
        response.status_code = 404
        response.headers["Cache-Control"] = "no-store"
        return response


@display.get("/display/<token>/img/<size>/<sha256>.jpg")
def image(token: str, size: str, sha256: str) -> Any:
    """An image of the screen's exhibition, and no other."""
    if size not in SIZES or not archive().exhibitions.shows(token, sha256):
        abort(404)
    return send_derivative(size, sha256)
