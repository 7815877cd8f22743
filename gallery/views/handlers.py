"""Errors become answers here only: JSON to scripts, a page to people."""

from __future__ import annotations

import errno
from typing import Any

from flask import Flask, current_app, jsonify, render_template
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from gallery.errors import DiskFull, GalleryError, IndexUnavailable, RejectedFile, TooLong
from gallery.views.access import wants_json

#: The fields a text limit names (gallery.limits), as a form labels them.
FIELDS = {
    "caption": _l("Caption"),
    "keywords": _l("Keywords"),
    "photographer": _l("Photographer"),
    "title": _l("Title"),
    "kind": _l("Kind"),
    "place": _l("Place"),
    "organisers": _l("Organisers"),
    "description": _l("Description"),
    "article": _l("Article text"),
    "introduction": _l("Introduction"),
}


def too_long(error: TooLong) -> str:
    """Say which field is too long and what its limit is, in the reader's language."""
    name = str(FIELDS.get(error.field or "", error.field))
    if error.unit == "keywords":
        return _(
            "%(field)s: at most %(limit)s keywords (there are %(count)s).",
            field=name,
            limit=error.limit,
            count=error.count,
        )
    return _(
        "%(field)s is too long: at most %(limit)s characters (it has %(count)s).",
        field=name,
        limit=error.limit,
        count=error.count,
    )


def error_answer(status: int, message: str, field: str | None = None) -> Any:
    """Answer an error as JSON to scripts (with the field at fault, if any) and as a page to people."""
    if wants_json():
        return jsonify(error=message, **({"field": field} if field else {})), status
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
        message = str(error)
        if isinstance(error, TooLong) and not wants_json():
            message = too_long(error)
        elif isinstance(error, DiskFull):
            message = disk_full()
        return error_answer(error.status, message, getattr(error, "field", None))

    @app.errorhandler(RejectedFile)
    def refused(error: RejectedFile) -> Any:
        # The reason in the reader's language, by its code; the decoder's English words stay out of
        # a Chinese sentence (scripts get them as the import answer's "detail").
        from gallery.views.api import reason  # the reasons live with the API, which imports us

        return error_answer(error.status, reason(error.code) or "")

    @app.errorhandler(IndexUnavailable)
    def search_unavailable(_error: IndexUnavailable) -> Any:
        answer, status = error_answer(503, index_unavailable())
        return answer, status, {"Retry-After": "60"}

    @app.errorhandler(OSError)
    def os_error(error: OSError) -> Any:
        if error.errno in (errno.ENOSPC, errno.EDQUOT):
            return error_answer(507, disk_full())
        raise error

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


def disk_full() -> str:
    """Say that the archive's disk is full, in the reader's language."""
    return _("The archive's disk is full: nothing was saved. Tell the administrator.")


def _limit_mb() -> int:
    """Return the upload limit in megabytes."""
    return int(current_app.config["MAX_CONTENT_LENGTH"] or 0) // (1024 * 1024)
