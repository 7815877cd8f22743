"""``gallery derivatives``: remake the derived images."""

from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext

from gallery.app import get_archive


@click.group("derivatives")
def derivatives_group() -> None:
    """Manage derivative sizes."""


@derivatives_group.command("rebuild")
@with_appcontext
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
