"""``gallery derivatives``: remake the derived images; ``gallery media check``: the media folder."""

from __future__ import annotations

import sys

import click

from gallery.cli.common import get_archive


@click.group("derivatives")
def derivatives_group() -> None:
    """Manage derivative sizes."""


@derivatives_group.command("rebuild")
def derivatives_rebuild() -> None:
    """Regenerate every photo's derivatives from its original."""
    archive = get_archive()
    with click.progressbar(
        length=archive.browse.photo_count(), label="Rebuilding", file=sys.stderr
    ) as bar:
        done, failures = archive.derivatives.rebuild(lambda _id, _error: bar.update(1))
    for failure in failures:
        click.echo(f"failed: {failure}", err=True)
    click.echo(f"rebuilt {done}, failed {len(failures)}")
    if failures:
        sys.exit(1)


@click.group("media")
def media_group() -> None:
    """Check the media folder against the catalogue."""


@media_group.command("check")
@click.option("--repair", is_flag=True, help="Remove orphan files and remake missing derivatives.")
def media_check(repair: bool) -> None:
    """Report orphans, missing files and originals whose bytes do not match their name."""
    archive = get_archive()
    report = archive.media.check(repair=repair)
    for label, paths in (
        ("orphan", report.orphans),
        ("missing original", report.missing_originals),
        ("missing derivative", report.missing_derivatives),
        ("hash mismatch", report.mismatched),
        ("repaired", report.repaired),
        ("not repaired", report.unrepaired),
    ):
        for path in paths:
            click.echo(f"{label}: {path}")
    if repair:
        report = archive.media.check()  # what is still wrong after the repair decides the status
    click.echo(
        f"orphans {len(report.orphans)}, missing originals {len(report.missing_originals)},"
        f" missing derivatives {len(report.missing_derivatives)},"
        f" hash mismatches {len(report.mismatched)}"
    )
    if not report.clean:
        sys.exit(1)
