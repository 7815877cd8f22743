"""The archive description of an event (档案著录): describe the group, choose and describe photos, number."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from gallery.records import GROUP_FIELDS, parse_people
from gallery.views import archive, require

bp = Blueprint("records", __name__)


@bp.get("/events/<slug>/archive")
@require("edit")
def describe(slug: str) -> Any:
    """Show the event's record for the archives office, with the checklist of what is missing."""
    gallery = archive()
    return render_template(
        "records/describe.html",
        record=gallery.records.description(slug),
        retention=gallery.records.rules.retention,
        secrecy=gallery.records.rules.secrecy,
    )


@bp.post("/events/<slug>/archive")
@require("edit")
def save(slug: str) -> Any:
    """Save the group's description, the photos chosen and what each shows."""
    gallery = archive()
    form = request.form
    gallery.records.save(slug, {key: form.get(key, "") for key in GROUP_FIELDS if key in form})
    record = gallery.records.description(slug)
    shown = {p["id"] for p in record["photos"]}
    chosen = {int(v) for v in form.getlist("chosen") if v.isdigit() and int(v) in shown}
    was = {p["id"] for p in record["photos"] if p["selected"]}
    if chosen - was:
        gallery.records.select(slug, sorted(chosen - was))
    if was - chosen:
        gallery.records.select(slug, sorted(was - chosen), selected=False)
    for photo in record["photos"]:
        people = form.get(f"people-{photo['id']}")
        if people is not None and people.strip() != photo["people_text"]:
            gallery.records.set_people(photo["id"], parse_people(people))
        see_also = form.get(f"see_also-{photo['id']}")
        if photo["id"] in chosen and see_also is not None and see_also != photo["see_also"]:
            gallery.records.set_item(photo["id"], see_also=see_also)
    flash(_("The archive description is saved."), "ok")
    return redirect(url_for("records.describe", slug=slug))


@bp.post("/events/<slug>/archive/number")
@require("edit")
def number(slug: str) -> Any:
    """Assign the group's 档号 and the chosen photos' 照片号, once."""
    code = archive().records.assign_codes(slug)
    flash(_("Archival code %(code)s assigned.", code=code), "ok")
    return redirect(url_for("records.describe", slug=slug))
