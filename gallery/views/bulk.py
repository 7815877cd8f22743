"""Bulk work: one action on many photos selected on a page, in one request (the form or the API).

The selection bar (templates/browse/_bulk.html, static/js/bulk.js) sits on the event page and the
search results. Who may do what is the rule of a single edit: editors change any photo, a
photographer only the photos they uploaded; moving to another event is for editors, adding to an
exhibition for curators, the trash for those who may delete.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from gallery.errors import Forbidden, InvalidInput, NotFound, TooLong
from gallery.views import SignedIn, account, archive, require
from gallery.views.forms import parse_ids, split_keywords
from gallery.views.handlers import too_long

bp = Blueprint("bulk", __name__)

#: Each action, the permission it needs ("edit_any_or_own": a single edit's rule), its label.
ACTIONS: dict[str, tuple[str, Any]] = {
    "add_keywords": ("edit_any_or_own", _l("Add keywords")),
    "set_keywords": ("edit_any_or_own", _l("Replace keywords")),
    "remove_keywords": ("edit_any_or_own", _l("Remove keywords")),
    "caption_prefix": ("edit_any_or_own", _l("Put text before the caption")),
    "photographer": ("edit_any_or_own", _l("Credit a photographer")),
    "move": ("edit", _l("Move to another event")),
    "exhibit": ("curate", _l("Add to an exhibition")),
    "trash": ("delete", _l("Move to the trash")),
}
KEYWORD_ACTIONS = {"add_keywords", "set_keywords", "remove_keywords"}


def allowed_actions(user: SignedIn | None) -> list[str]:
    """Return the bulk actions this user's role allows, in the order the bar lists them."""
    if user is None:
        return []
    return [
        name
        for name, (permission, _label) in ACTIONS.items()
        if (
            user.can("edit") or user.can("edit_own")
            if permission == "edit_any_or_own"
            else user.can(permission)
        )
    ]


def bar(user: SignedIn | None, ids: list[int]) -> dict[str, Any]:
    """Return what the selection bar offers ``user`` on a page of photos ``ids``.

    Actions, the events and exhibitions to pick, and for a photographer which of the photos are
    their own (the others cannot be selected). Empty for a viewer: no bar at all.
    """
    actions = allowed_actions(user)
    if not actions:
        return {}
    gallery = archive()
    events = gallery.browse.event_choices() if "move" in actions else []
    exhibitions = gallery.exhibitions.all() if "exhibit" in actions else []
    if not exhibitions and "exhibit" in actions:
        actions.remove("exhibit")  # nothing to add to yet
    own = None if user.can("edit") else sorted(gallery.browse.uploaded_by(user.username, ids))
    return {
        "own": own,
        "actions": [(name, ACTIONS[name][1]) for name in actions],
        "events": events,
        "photographers": sorted({name for e in events for name in e["photographers"]}),
        "exhibitions": exhibitions,
    }


def run(user: SignedIn, ids: list[int], action: str, value: str | Sequence[str]) -> int:
    """Apply ``action`` to the photos ``ids`` as ``user`` may; return how many changed.

    Answers 403 for an action the role does not allow; a photographer's request that names a
    photo someone else uploaded changes nothing (:class:`Forbidden`).
    """
    if action not in ACTIONS:
        raise InvalidInput(f"unknown action {action!r} (one of {', '.join(ACTIONS)})")
    if action not in allowed_actions(user):
        abort(403)
    gallery = archive()
    if action == "exhibit":
        if not isinstance(value, str) or not value:
            raise InvalidInput("no exhibition chosen")
        return gallery.exhibitions.add_photos(value, ids, user=user.username)
    if action in KEYWORD_ACTIONS and isinstance(value, str):
        value = split_keywords(value)
    return gallery.photos.bulk_edit(
        ids,
        action,
        value,
        user=user.username,
        uploader=None if user.can("edit") else user.username,
    )


def _back() -> str:
    """Return where the form came from, if it is a page of this site; else the home page."""
    target = request.form.get("next", "")
    if target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return url_for("browse.home")


@bp.post("/photos/bulk")
@require("view")
def apply() -> Any:
    """Apply the selection bar's action to the photos selected, then go back to the page."""
    me = account()
    form = request.form
    action = form.get("action", "")
    try:
        changed = run(me, parse_ids(form.get("ids", "")), action, form.get("value", ""))
    except Forbidden:
        flash(_("Nothing was changed: you may change only the photos you uploaded."), "error")
    except NotFound:
        flash(
            _("Nothing was changed: a photo, event or exhibition chosen is gone. Reload the page."),
            "error",
        )
    except TooLong as error:
        flash(_("Nothing was changed: %(reason)s", reason=too_long(error)), "error")
    except InvalidInput:
        flash(_("Nothing was changed: select photos and fill in what the action needs."), "error")
    else:
        if action == "exhibit":
            message = ngettext(
                "%(num)d photo added to the exhibition.",
                "%(num)d photos added to the exhibition.",
                changed,
            )
        elif action == "trash":
            message = ngettext(
                "%(num)d photo moved to the trash.", "%(num)d photos moved to the trash.", changed
            )
        else:
            message = ngettext("%(num)d photo changed.", "%(num)d photos changed.", changed)
        flash(message, "ok")
    return redirect(_back())
