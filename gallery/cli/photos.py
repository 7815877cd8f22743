"""``gallery photo`` and ``gallery trash``: look at and correct photos; purge the trash."""

from __future__ import annotations

import re

import click

from gallery.cli.common import domain_errors, echo_json, get_archive


@click.group("photo")
def photo_group() -> None:
    """Look at photos."""


@photo_group.command("show")
@click.argument("photo_id", type=int)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@domain_errors
def photo_show(photo_id: int, as_json: bool) -> None:
    """Show one photo's catalogue record and metadata."""
    photo = get_archive().exports.photo(photo_id)
    if as_json:
        echo_json(photo)
        return
    tags = photo.pop("tags")
    for key, value in photo.items():
        if value not in (None, "", [], {}):
            click.echo(f"{key:>16}: {value}")
    if tags:
        click.echo("            tags:")
        for key, value in sorted(tags.items()):
            click.echo(f"    {key}: {value}")


@photo_group.command("edit")
@click.argument("photo_id", type=int)
@click.option("--caption", help="The new caption.")
@click.option("--keywords", help="The new keywords, separated by commas (replaces the old ones).")
@click.option("--photographer", help="Credit the photo to this person ('' for nobody).")
@domain_errors
def photo_edit(
    photo_id: int, caption: str | None, keywords: str | None, photographer: str | None
) -> None:
    """Change a photo's caption, keywords or photographer."""
    words = None if keywords is None else re.split(r"[,，、;；]", keywords)
    archive = get_archive()
    archive.photos.edit(photo_id, caption=caption, keywords=words, photographer=photographer)
    click.echo(f"photo {photo_id}: {archive.exports.photo(photo_id)['caption']}")


@click.group("trash")
def trash_group() -> None:
    """The trash of deleted photos."""


@trash_group.command("purge")
def trash_purge() -> None:
    """Delete for good the photos that have been in the trash longer than TRASH_DAYS (for cron)."""
    count = get_archive().photos.purge_trash()
    click.echo(f"{count} photos purged")
