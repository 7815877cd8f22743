"""``gallery import`` and ``gallery export``: files in, the JSON backup out."""

from __future__ import annotations

import contextlib
import json
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from gallery.cli.common import domain_errors, get_archive, get_setup

if TYPE_CHECKING:
    from gallery.archive import Archive
    from gallery.importer import ImportResult


@click.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--event", "event_slug", required=True, help="The event's slug.")
@click.option("--photographer", help="Credit every photo to this person.")
@click.option("--caption", help="Caption every photo with this text.")
@click.option("--uploader", help="The user who uploads (default: none).")
@click.option("--jobs", type=click.IntRange(1, 64), help="Files processed in parallel.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object per file.")
@domain_errors
def import_command(
    paths: tuple[Path, ...],
    event_slug: str,
    photographer: str | None,
    caption: str | None,
    uploader: str | None,
    jobs: int | None,
    as_json: bool,
) -> None:
    """Import photo files and folders (recursively) into an event."""
    from gallery.workers import HeadStart

    setup = get_setup()
    settings = setup.settings()
    jobs = jobs or int(settings["IMPORT_JOBS"])
    # The workers stage the first files while the catalogue's libraries load and the archive opens.
    head = HeadStart.begin(paths, settings, jobs)
    files = head.files
    try:
        archive = setup.archive()
        if photographer is None:
            photographer = _ask_photographer(archive.events.get(event_slug))
    except BaseException:
        head.abandon(lambda _sha: False)  # nothing recorded: what they staged is theirs alone
        raise
    # The search side loads while the workers stage (this thread mostly waits for them meanwhile).
    threading.Thread(target=_prepare_search, args=(archive,), daemon=True).start()
    counts = {"imported": 0, "duplicate": 0, "failed": 0}
    with click.progressbar(
        length=len(files), label="Importing", file=sys.stderr, show_pos=True
    ) as bar:

        def on_result(result: ImportResult) -> None:
            counts[result.status] += 1
            bar.update(1)
            if as_json:
                click.echo(json.dumps(result.as_dict(), ensure_ascii=False))
            elif result.status == "failed":
                click.echo(f"\nfailed: {result.path}: {result.error}", err=True)

        archive.imports.import_files(
            files,
            event_slug,
            photographer=photographer,
            caption=caption,
            uploader=uploader,
            jobs=jobs,
            on_result=on_result,
            head=head,
        )
    click.echo(
        f"imported {counts['imported']}, duplicates {counts['duplicate']}, "
        f"failed {counts['failed']}",
        err=as_json,
    )
    if counts["failed"]:
        sys.exit(1)


def _prepare_search(archive: Archive) -> None:
    """Load the search side ahead of the first sync; a failure is the sync's to report, and it does."""
    with contextlib.suppress(Exception):
        archive.search.prepare()


def _ask_photographer(event: dict[str, Any]) -> str | None:
    """Ask which of the event's 图 people took the photos, when the article credits several."""
    names = next((c["names"] for c in event["credits"] if c["role"] == "photo"), [])
    if len(names) < 2:
        return None  # none or one: the importer takes the camera's artist or the one credited
    if not sys.stdin.isatty():
        click.echo(
            f"note: the event credits several photographers ({'、'.join(names)}); photos "
            "without an artist in their metadata stay uncredited (use --photographer)",
            err=True,
        )
        return None
    choice = click.prompt(
        "Who took these photos? " + "  ".join(f"{n}) {name}" for n, name in enumerate(names, 1)),
        type=click.IntRange(1, len(names)),
    )
    return names[choice - 1]


@click.command("export")
@click.option("--json", "as_json", is_flag=True, default=True, help="JSON (the only format).")
@click.option("--event", "event_slug", help="Only this event and its photos.")
@click.option("--output", "-o", type=click.Path(path_type=Path), help="Write to a file.")
@domain_errors
def export_command(as_json: bool, event_slug: str | None, output: Path | None) -> None:
    """Write the catalogue as JSON: the backup format."""
    text = json.dumps(get_archive().exports.catalogue(event_slug), ensure_ascii=False, indent=2)
    if output:
        output.write_text(text + "\n", encoding="utf-8")
    else:
        click.echo(text)
