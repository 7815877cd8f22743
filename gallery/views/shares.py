"""Share links: the partner's page behind a secret link, and the editors' side of it.

The partner's routes (``share.*``) need no sign-in: the secret link is checked on every request,
and what they answer carries no staff-only field (no GPS, serials or file names).
"""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    session,
    url_for,
)
from flask_babel import gettext as _

from gallery.errors import Gone, NotFound
from gallery.views import account, archive, require
from gallery.views.media import send_derivative

bp = Blueprint("shares", __name__)
share = Blueprint("share", __name__, url_prefix="/s")
SIZES = ("thumb", "display")


# ---------------------------------------------------------------------------------- editors


@bp.get("/events/<slug>/shares")
@require("edit")
def manage(slug: str) -> Any:
    """List the event's share links, their use, and the guest uploads waiting."""
    gallery = archive()
    return render_template(
        "shares/manage.html",
        event=gallery.events.get(slug),
        links=gallery.shares.links(slug),
        visits=gallery.shares.visits(slug),
        pending=gallery.shares.pending(slug),
        new_link=session.pop("new_share_link", None),
    )


@bp.post("/events/<slug>/shares")
@require("edit")
def create(slug: str) -> Any:
    """Create a share link and show it once."""
    form = request.form
    token = archive().shares.create(
        slug,
        label=form.get("label", ""),
        days=form.get("days", 30, type=int) or 30,
        password=form.get("password", ""),
        originals=form.get("originals") == "on",
        guest_upload=form.get("guest_upload") == "on",
        photo_ids=[int(v) for v in form.getlist("photo") if v.isdigit()],
        user=account().username,
    )
    session["new_share_link"] = url_for("share.page", token=token, _external=True)
    return redirect(url_for("shares.manage", slug=slug))


@bp.post("/events/<slug>/shares/<int:link_id>/revoke")
@require("edit")
def revoke(slug: str, link_id: int) -> Any:
    """Stop a share link at once."""
    archive().shares.revoke(slug, link_id)
    flash(_("The share link no longer works."), "ok")
    return redirect(url_for("shares.manage", slug=slug))


@bp.get("/events/<slug>/guest-uploads/<int:upload_id>/preview.jpg")
@require("edit")
def preview(slug: str, upload_id: int) -> Any:
    """A small picture of a guest upload in quarantine."""
    response = Response(archive().shares.preview(slug, upload_id), mimetype="image/jpeg")
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.post("/events/<slug>/guest-uploads/<int:upload_id>")
@require("edit")
def decide(slug: str, upload_id: int) -> Any:
    """Accept a guest upload into the event, or reject it."""
    gallery = archive()
    if request.form.get("action") == "accept":
        gallery.shares.accept(slug, upload_id, account().username)
        flash(_("The photo is in the event now."), "ok")
    else:
        gallery.shares.reject(slug, upload_id)
        flash(_("The photo was deleted."), "ok")
    return redirect(url_for("shares.manage", slug=slug))


# --------------------------------------------------------------------------------- partners


def _address() -> str:
    """Return who is visiting, for the log."""
    return request.remote_addr or ""


def _unlocked(token: str) -> bool:
    """Tell whether this browser may see the link (no password, or it gave it once)."""
    link_id = archive().shares.needs_password(token)
    return link_id is None or link_id in session.get("shares_open", [])


@share.errorhandler(Gone)
def gone(error: Gone) -> Any:
    """An expired or withdrawn link says so, with 410."""
    return render_template("shares/gone.html"), 410


@share.route("/<token>", methods=["GET", "POST"])
def page(token: str) -> Any:
    """The partner's page: the event's photos with captions and credits, or the password form."""
    gallery = archive()
    if not _unlocked(token):
        wrong = False
        if request.method == "POST":
            if gallery.shares.check_password(token, request.form.get("password", ""), _address()):
                link_id = gallery.shares.needs_password(token)
                session["shares_open"] = [*session.get("shares_open", []), link_id][-20:]
                return redirect(url_for("share.page", token=token))
            wrong = True
        return render_template("shares/password.html", token=token, wrong=wrong), (
            401 if wrong else 200
        )
    shared = gallery.shares.page(token)
    gallery.shares.log(token, "view", _address())
    response = Response(render_template("shares/page.html", token=token, shared=shared))
    response.headers["Referrer-Policy"] = "no-referrer"  # the secret stays out of other sites' logs
    return response


@share.get("/<token>/img/<size>/<sha256>.jpg")
def image(token: str, size: str, sha256: str) -> Any:
    """A shared photo's image, and no other."""
    if size not in SIZES or not _unlocked(token) or not archive().shares.shows(token, sha256):
        abort(404)
    response = send_derivative(size, sha256)
    response.headers["Cache-Control"] = "private, max-age=3600"  # revocation takes effect soon
    return response


@share.get("/<token>/original/<int:photo_id>")
def original(token: str, photo_id: int) -> Any:
    """A shared photo's original, when the link shares originals."""
    if not _unlocked(token):
        abort(404)
    path, name = archive().shares.original(token, photo_id)
    archive().shares.log(token, "original", _address(), name)
    return send_file(
        path, mimetype="application/octet-stream", as_attachment=True, download_name=name
    )


@share.get("/<token>/all.zip")
def download_all(token: str) -> Any:
    """Every shared photo in one ZIP, with captions.txt."""
    if not _unlocked(token):
        abort(404)
    stream, name = archive().shares.archive_stream(token)
    archive().shares.log(token, "zip", _address())
    return send_file(stream, mimetype="application/zip", as_attachment=True, download_name=name)


@share.post("/<token>/upload")
def upload(token: str) -> Any:
    """A partner's photographer adds a photo: it waits for an editor (one file per request)."""
    if not _unlocked(token):
        abort(404)
    sent = request.files.get("file")
    if sent is None or not sent.filename:
        abort(400)
    try:
        archive().shares.guest_upload(token, sent.save, sent.filename, request.form.get("name", ""))
    except NotFound:
        abort(404)
    if request.accept_mimetypes.best == "application/json":
        return {"status": "received"}, 202
    flash(_("Thank you: the photo waits for the organisers to accept it."), "ok")
    return redirect(url_for("share.page", token=token))
