"""The JSON API (``/api/v1``) for scripts and for the pages' own scripts.

Scripts send ``Authorization: Bearer <token>`` (``gallery token create``); pages send their session
cookie and the CSRF token in ``X-CSRFToken``. Every endpoint checks the role's permission.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from flask import Blueprint, abort, jsonify, request, url_for
from flask_babel import lazy_gettext as _l

from gallery.errors import InvalidInput
from gallery.events import parse_date
from gallery.views import account, archive, bulk, csrf, require
from gallery.views.browse import require_edit
from gallery.views.forms import parse_ids, split_keywords

bp = Blueprint("api", __name__, url_prefix="/api/v1")

# Why a file was refused, by its code (gallery.errors.REFUSALS), in the reader's language.
REASONS = {
    "no_such_file": _l("no such file"),
    "not_a_file": _l("not a file"),
    "unreadable_file": _l("the file cannot be read"),
    "empty_file": _l("empty file (0 bytes)"),
    "not_an_image": _l("not an image: its content is not a picture format"),
    "unsupported_format": _l("unsupported image format"),
    "too_many_pixels": _l("too many pixels (refused to protect the server)"),
    "too_large_to_decode": _l("too large to decode (refused to protect the server)"),
    "unreadable_image": _l("the image cannot be read"),
    "truncated": _l("the image data is incomplete or damaged"),
    "raw_damaged": _l("the camera RAW file is incomplete or damaged"),
    "raw_no_preview": _l("the camera RAW file has no preview image"),
    "out_of_memory": _l("not enough memory to decode this image"),
    "decode_failed": _l("the image cannot be decoded"),
    "catalogue_refused": _l("the catalogue refused the photo"),
}


def reason(code: str | None) -> str | None:
    """Return a refusal's reason in the reader's language."""
    return str(REASONS[code]) if code else None


@bp.before_request
def check_csrf_for_sessions() -> None:
    """Session users must send the CSRF token on changes; bearer tokens cannot be forged by a page."""
    if request.method not in ("GET", "HEAD", "OPTIONS") and not request.headers.get(
        "Authorization", ""
    ).startswith("Bearer "):
        csrf.protect()


def photo_links(card: dict[str, Any]) -> dict[str, Any]:
    """Return a photo card with the URLs of its page and images."""
    sha = card["sha256"]
    return {
        **card,
        "url": url_for("browse.photo", photo_id=card["id"]),
        "thumb": url_for("media.derivative", size="thumb", sha256=sha),
        "display": url_for("media.derivative", size="display", sha256=sha),
    }


def _json_body() -> dict[str, Any]:
    """Return the request's JSON object, or raise InvalidInput."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise InvalidInput("expected a JSON object")
    return body


@bp.get("/events")
@require("view")
def events() -> Any:
    """List events, newest first, with counts and credits."""
    return jsonify(events=list(reversed(archive().events.summaries())))


@bp.post("/events")
@require("upload")
def create_event() -> Any:
    """Create an event: {"title", "date", "kind"?, "place"?}."""
    body = _json_body()
    event = archive().events.add(
        str(body.get("title", "")),
        str(body.get("kind", "")),
        parse_date(str(body.get("date", ""))),
        place=str(body.get("place", "")),
    )
    return jsonify(archive().events.get(event.slug)), 201


@bp.get("/events/<slug>")
@require("view")
def event(slug: str) -> Any:
    """Return an event with its photos."""
    shown = archive().browse.event(slug)
    shown["photos"] = [photo_links(c) for c in shown["photos"]]
    return jsonify(shown)


@bp.get("/photos/<int:photo_id>")
@require("view")
def photo(photo_id: int) -> Any:
    """Return a photo; GPS, the tag dump and the file name only to staff."""
    me = account()
    return jsonify(photo_links(archive().browse.photo(photo_id, staff=me.can("staff"))))


@bp.patch("/photos/<int:photo_id>")
@require("view")
def edit_photo(photo_id: int) -> Any:
    """Change {"caption", "keywords" (list or text), "photographer", "event"} of a photo."""
    me = require_edit(photo_id)
    gallery = archive()
    body = _json_body()
    for name in ("caption", "photographer", "event"):
        if body.get(name) is not None and not isinstance(body[name], str):
            raise InvalidInput(f"{name}: expected text or null", field=name)
    keywords = body.get("keywords")
    if isinstance(keywords, str):
        keywords = split_keywords(keywords)
    elif keywords is not None and not (
        isinstance(keywords, list) and all(isinstance(k, str) for k in keywords)
    ):
        raise InvalidInput("keywords: expected a list of texts, or one text", field="keywords")
    if body.get("event") is not None and not me.can("edit"):
        abort(403)
    gallery.photos.edit(
        photo_id,
        user=me.username,
        caption=body.get("caption"),
        keywords=keywords,
        photographer=body.get("photographer"),
        event=body.get("event"),
    )
    return jsonify(photo_links(gallery.browse.photo(photo_id, staff=me.can("staff"))))


@bp.post("/photos/bulk")
@require("view")
def bulk_edit() -> Any:
    """Apply one action to many photos: {"ids": [...], "action", "value"}, in one transaction.

    Actions: add_keywords, set_keywords, remove_keywords (value: a list or a text), caption_prefix,
    photographer (a name), move (an event's slug), exhibit (an exhibition's slug), trash.
    """
    body = _json_body()
    ids = parse_ids(body.get("ids"))
    action = str(body.get("action", ""))
    changed = bulk.run(account(), ids, action, body.get("value", ""))
    return jsonify(action=action, selected=len(set(ids)), changed=changed)


@bp.delete("/photos/<int:photo_id>")
@require("delete")
def delete_photo(photo_id: int) -> Any:
    """Move a photo to the trash."""
    archive().photos.delete(photo_id, user=account().username)
    return "", 204


@bp.post("/photos")
@require("upload")
def upload() -> Any:
    """Import one file (multipart ``file``, ``event``, optional ``photographer``).

    Answers 201 imported, 200 duplicate (with the photo already held) or 422 failed (the reason).
    """
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise InvalidInput("no file in the request (multipart field 'file')")
    slug = request.form.get("event", "")
    if not slug:
        raise InvalidInput("no event chosen")
    result = archive().imports.import_upload(
        upload.save,
        upload.filename,
        slug,
        photographer=request.form.get("photographer", "").strip() or None,
        uploader=account().username,
    )
    answer: dict[str, Any] = {
        "filename": upload.filename,
        "status": str(result.status),
        "photo_id": result.photo_id,
        "code": result.code,
        "error": reason(result.code),
        "detail": result.detail,
    }
    if result.photo_id is not None:
        card = archive().browse.cards([result.photo_id]).get(result.photo_id)
        answer["photo"] = photo_links(card) if card else None
    status = {"imported": 201, "duplicate": 200}.get(result.status, 422)
    return jsonify(answer), status


@bp.get("/search")
@require("view")
def search() -> Any:
    """Search: q, event, sort (relevance, date, date-asc), page, per_page (≤ 100)."""
    args = request.args
    per_page = min(100, max(1, args.get("per_page", 20, type=int) or 20))
    results = archive().search.search(
        args.get("q", ""),
        event=args.get("event") or None,
        sort=args.get("sort", "relevance"),
        page=max(1, args.get("page", 1, type=int) or 1),
        per_page=per_page,
    )
    cards = archive().browse.cards([h.photo_id for h in results.hits])
    hits = [
        {
            **asdict(hit),
            **({"photo": photo_links(cards[hit.photo_id])} if hit.photo_id in cards else {}),
        }
        for hit in results.hits
    ]
    return jsonify(total=results.total, hits=hits, facets=results.facets, events=results.events)
