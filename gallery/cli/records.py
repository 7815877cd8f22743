"""``gallery archive``: records for the archives office — what is missing, numbering, the transfer."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from gallery.cli.common import domain_errors, get_archive


@click.group("archive")
def archive_group() -> None:
    """Describe events for the archives office and write the yearly transfer (数码照片归档)."""


@archive_group.command("status")
@click.option("--year", type=int, required=True, help="The year whose events to check.")
@domain_errors
def archive_status(year: int) -> None:
    """List each event of a year: photos chosen, its 档号, and what is still missing."""
    archive = get_archive()
    complete = True
    for event in archive.events.summaries():
        if not event["start_date"].startswith(str(year)):
            continue
        record = archive.records.description(event["slug"])
        click.echo(
            f"{event['slug']}  {record['code'] or '—'}  {record['selected']}/{event['photos']} "
            f"chosen  {event['title']}"
        )
        for missing in record["missing"]:
            click.echo(f"    missing: {missing}")
        complete &= not record["missing"] or not record["selected"]
    if not complete:
        sys.exit(1)


@archive_group.command("number")
@click.argument("slug")
@domain_errors
def archive_number(slug: str) -> None:
    """Give an event's group its 档号 and its chosen photos their 照片号 (once; they never change)."""
    click.echo(get_archive().records.assign_codes(slug))


@archive_group.command("export")
@click.option("--year", type=int, required=True, help="The year to transfer.")
@click.option("--event", "event_slug", help="Only this event.")
@click.option(
    "--to", "target", required=True, type=click.Path(path_type=Path), help="A new folder or .zip."
)
@click.option("--by", "transferred_by", default="", help="Who transfers (for 说明文件.txt).")
@click.option(
    "--encoding",
    type=click.Choice(["utf-8", "gb18030"]),
    default="utf-8",
    show_default=True,
    help="Encoding of the catalogue XML and 说明文件.txt.",
)
@domain_errors
def archive_export(
    year: int, event_slug: str | None, target: Path, transferred_by: str, encoding: str
) -> None:
    """Write the transfer package: originals, 目录.xml (DA/T 54), 目录.html and 说明文件.txt.

    Nothing is written when a required element is missing: the list says what to complete.
    """
    path, groups, photos = get_archive().records.transfer(
        year, target, event_slug=event_slug, transferred_by=transferred_by, encoding=encoding
    )
    click.echo(f"{groups} groups, {photos} photos in {path}")
