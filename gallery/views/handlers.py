"""Errors become answers here only: JSON to scripts, a page to people."""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, jsonify, render_template
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from gallery.errors import GalleryError, IndexUnavailable
from gallery.views.access import wants_json


def error_answer(status: int, message: str) -> Any:
    """Answer an error as JSON to scripts and as a page to people."""
    if wants_json():
        return jsonify(error=message), status
    return render_template("error.html", status=status, message=message), status


def index_unavailable() -> str:
    """Say in the reader's language that search is away while its index is rebuilt."""
    return _(
        "The search index is being rebuilt. Search will be back shortly; everything else works."
    )


def init_handlers(app: Flask) -> None:
    """Render the archive's own errors, CSRF failures and HTTP errors in one way."""

    @app.errorhandler(GalleryError)
    def gallery_error(error: GalleryError) -> Any:
        return error_answer(error.status, str(error))

    @app.errorhandler(IndexUnavailable)
    def search_unavailable(_error: IndexUnavailable) -> Any:
        answer, status = error_answer(503, index_unavailable())
        return answer, status, {"Retry-After": "60"}

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError) -> Any:
        return error_answer(
            400, _("The form expired or did not come from this site. Reload the page.")
        )

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Any:
        messages = {
            401: _("Please sign in."),
            403: _("Your role does not allow this."),
            404: _("Not found."),
            413: _("The file is larger than the %(mb)s MB limit.", mb=_limit_mb()),
            429: _("Too many attempts. Wait a few minutes and try again."),
        }
        status = error.code or 500
        return error_answer(status, messages.get(status, error.description or ""))


def _limit_mb() -> int:
    """Return the upload limit in megabytes."""
    return int(current_app.config["MAX_CONTENT_LENGTH"] or 0) // (1024 * 1024)
