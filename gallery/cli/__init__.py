"""The ``gallery`` command line: thin click commands over the archive's services, one module per group."""

from __future__ import annotations

from flask import Flask
from flask.cli import FlaskGroup

from gallery.cli import events, imports, media, photos, records, search, serve, users


def register_commands(app: Flask) -> None:
    """Add the gallery's commands to ``app.cli``."""
    for command in (
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
        app.cli.add_command(command)


def _create_app() -> Flask:
    """Create the app for the console script (imported late so ``--help`` stays fast)."""
    from gallery.app import create_app

    return create_app()


main = FlaskGroup(
    name="gallery",
    create_app=_create_app,
    help="The gallery: an event photo archive and exhibition gallery.",
    set_debug_flag=False,
)
