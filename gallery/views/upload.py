"""The upload page: many files, one request each with its own progress bar, then captions."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, render_template, request

from gallery.views import account, archive, require

bp = Blueprint("upload", __name__)


@bp.get("/upload")
@require("upload")
def upload() -> Any:
    """Show the upload page; the event is the one asked for (?event=), else the uploader picks one.

    No event is preselected otherwise: a batch must never land in last week's event by default.
    """
    me = account()
    return render_template(
        "upload/upload.html",
        events=archive().browse.event_choices(),
        chosen=request.args.get("event", ""),
        photographer=me.person or "",
        limit=int(current_app.config["MAX_CONTENT_LENGTH"] or 0),
    )
