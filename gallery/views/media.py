"""Serving images: derivatives at content-hashed URLs, originals to staff only."""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, abort, send_file

from gallery.views import archive, require

bp = Blueprint("media", __name__)
_SHA = re.compile(r"[0-9a-f]{64}")
YEAR = 365 * 24 * 3600


def send_derivative(size: str, sha256: str) -> Any:
    """Answer a derivative: cached for a year (its URL changes with its content), made if missing."""
    if not _SHA.fullmatch(sha256):
        abort(404)
    path = archive().derivatives.path(sha256, size)
    response = send_file(path, mimetype="image/jpeg", etag=f"{size}-{sha256}", conditional=True)
    response.headers["Cache-Control"] = f"public, max-age={YEAR}, immutable"
    return response


@bp.get("/media/<size>/<sha256>.jpg")
@require("view")
def derivative(size: str, sha256: str) -> Any:
    """Serve a photo's thumb, display or screen image (no metadata in it)."""
    return send_derivative(size, sha256)


@bp.get("/photos/<int:photo_id>/original")
@require("original")
def original(photo_id: int) -> Any:
    """Download a photo's original file, byte for byte, as an attachment (staff only)."""
    path, name, sha256 = archive().exports.original(photo_id)
    response = send_file(
        path,
        mimetype="application/octet-stream",
        as_attachment=True,
        download_name=name,
        etag=sha256,
        conditional=True,
    )
    response.headers["Cache-Control"] = "private, no-cache"
    return response
