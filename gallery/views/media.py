"""Serving images: derivatives at content-hashed URLs, originals to staff only."""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, abort, send_file

from gallery.views import account, archive, require

bp = Blueprint("media", __name__)
_SHA = re.compile(r"[0-9a-f]{64}")
YEAR = 365 * 24 * 3600


def send_derivative(size: str, sha256: str, *, trashed: bool = False) -> Any:
    """Answer the derivative of a photo the catalogue holds, made if missing.

    A photo in the trash is served only when ``trashed`` allows it, and then never cached. Others
    are cached for a year (the URL changes with the content), by the asker's browser only: every
    one of these answers needed a sign-in or a secret link, which a shared cache cannot check.
    """
    if not _SHA.fullmatch(sha256):
        abort(404)
    path, in_trash = archive().derivatives.visible(sha256, size, trashed=trashed)
    response = send_file(path, mimetype="image/jpeg", etag=f"{size}-{sha256}", conditional=True)
    response.headers["Cache-Control"] = (
        "private, no-store" if in_trash else f"private, max-age={YEAR}, immutable"
    )
    return response


@bp.get("/media/<size>/<sha256>.jpg")
@require("view")
def derivative(size: str, sha256: str) -> Any:
    """Serve a photo's thumb, display or screen image (no metadata in it).

    Those who may restore from the trash (``delete``) see trashed photos there; nobody else does.
    """
    return send_derivative(size, sha256, trashed=account().can("delete"))


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
