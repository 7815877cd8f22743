"""``gallery search`` and ``gallery index``: query the archive; rebuild and check the index."""

from __future__ import annotations

import sys
from dataclasses import asdict

import click

from gallery.cli.common import domain_errors, echo_json, get_archive


@click.command("search")
@click.argument("query", nargs=-1, required=True)
@click.option("--event", "event_slug", help="Only photos of this event.")
@click.option("--limit", type=click.IntRange(1, 1000), default=20, show_default=True)
@click.option("--page", type=click.IntRange(1), default=1, show_default=True)
@click.option("--sort", type=click.Choice(["relevance", "date", "date-asc"]), default="relevance")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@domain_errors
def search_command(
    query: tuple[str, ...], event_slug: str | None, limit: int, page: int, sort: str, as_json: bool
) -> None:
    """Search photos: words (all must match), "phrases", event:, photographer:, place:, kind:, dates."""
    results = get_archive().search.search(
        " ".join(query), event=event_slug, sort=sort, page=page, per_page=limit
    )
    if as_json:
        echo_json(
            {
                "total": results.total,
                "hits": [asdict(hit) for hit in results.hits],
                "facets": results.facets,
                "events": results.events,
            }
        )
        return
    click.echo(f"{results.total} photos")
    for hit in results.hits:
        who = f"  图／{hit.photographer}" if hit.photographer else ""
        click.echo(f"{hit.photo_id:>6}  {hit.taken_at or '':<25}  {hit.event}  {hit.caption}{who}")


@click.group("index")
def index_group() -> None:
    """Manage the search index."""


def _progress_bar(label: str):
    """Return a progress bar on stderr and the (done, total) callback that moves it."""
    bar = click.progressbar(
        length=get_archive().browse.photo_count() or 1, label=label, file=sys.stderr
    )
    shown = [0]

    def progress(done: int, total: int) -> None:
        bar.length = total or 1
        bar.update(done - shown[0])
        shown[0] = done

    return bar, progress


@index_group.command("rebuild")
def index_rebuild() -> None:
    """Recreate the search index from the catalogue, beside the live one, and swap it in."""
    bar, progress = _progress_bar("Indexing")
    with bar:
        count = get_archive().search.rebuild(progress)
    click.echo(f"indexed {count} documents")


@index_group.command("check")
def index_check() -> None:
    """Report photos and events missing from, or stale in, the search index (changing nothing)."""
    bar, progress = _progress_bar("Checking")
    with bar:
        report = get_archive().search.check(progress)
    if report.damaged:
        click.echo(f"damaged: {report.damaged}")
        click.echo("run `gallery index rebuild`: it builds a new index beside this one")
    for label, ids in (
        ("missing", report.missing),
        ("stale", report.stale),
        ("extra", report.extra),
    ):
        for doc_id in ids:
            click.echo(f"{label}: {doc_id}")
    click.echo(
        f"missing {len(report.missing)}, stale {len(report.stale)}, extra {len(report.extra)}, "
        f"pending {report.pending} (outbox rows the next search or commit applies)"
    )
    if not report.ok:
        sys.exit(1)
