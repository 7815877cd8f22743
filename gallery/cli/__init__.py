"""The ``gallery`` command line: thin click commands over the archive's services, one module per group.

A plain click group: the archive is built from the ``GALLERY_*`` settings when a command first
needs it (:class:`gallery.cli.common.Setup`); Flask and the web are loaded by ``serve`` alone.
"""

from __future__ import annotations

import click

from gallery.cli import events, imports, media, photos, records, search, serve, users
from gallery.cli.common import Setup


@click.group(name="gallery", context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="gallery")
@click.pass_context
def main(ctx: click.Context) -> None:
    """The gallery: an event photo archive and exhibition gallery."""
    setup = ctx.ensure_object(Setup)
    ctx.call_on_close(setup.close)


for _command in (
    events.event_group,
    imports.import_command,
    imports.export_command,
    photos.photo_group,
    photos.trash_group,
    search.search_command,
    search.index_group,
    users.user_group,
    users.token_group,
    media.derivatives_group,
    media.media_group,
    records.archive_group,
    serve.serve_command,
    serve.demo_command,
):
    main.add_command(_command)
