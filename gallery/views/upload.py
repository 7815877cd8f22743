"""The upload page: many files, one request each with its own progress bar, then captions."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, render_template, request

from gallery.views import account, archive, require

bp = Blueprint("upload", __name__)


@bp.get("/upload")
@require("upload")
def upload() -> Any:
    """Show the upload page for a chosen (or new) event."""
    me = account()
    events = archive().browse.event_choices()
    chosen = request.args.get("event") or (events[0]["slug"] if events else "")
    return render_template(
        "upload/upload.html",
        events=events,
        chosen=chosen,
        photographer=me.person or "",
        limit=int(current_app.config["MAX_CONTENT_LENGTH"] or 0),
    )
