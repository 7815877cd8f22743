"""``gallery serve`` and ``gallery demo``: run the web archive; fill an empty one to try it."""

from __future__ import annotations

import secrets

import click
from flask import current_app
from flask.cli import with_appcontext

from gallery.app import get_archive
from gallery.cli.common import domain_errors


@click.command("demo")
@with_appcontext
@domain_errors
def demo_command() -> None:
    """Fill an empty archive with the demo events and photos; create the first admin if none."""
    from gallery.demo import create_demo

    archive = get_archive()
    if archive.events.is_empty():
        slugs = create_demo(archive)
        click.echo(f"Demo archive created: {', '.join(slugs)}")
    else:
        click.echo("The archive is not empty; the demo is not added.")
    admins = [a.username for a in archive.accounts.all() if a.role == "admin"]
    if admins:
        click.echo(f"Sign in as {admins[0]} (gallery user passwd {admins[0]} sets a new password).")
        return
    password = secrets.token_urlsafe(12)
    archive.accounts.add("admin", "admin", password)
    click.echo(f"First admin created. Sign in as: admin / {password}")


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=int, help="Port to listen on.")
@click.option("--threads", default=8, show_default=True, type=int, help="Worker threads.")
@with_appcontext
def serve_command(host: str, port: int, threads: int) -> None:
    """Serve the gallery with waitress (production); ``flask --app gallery run`` is for development."""
    from waitress.server import create_server

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    # Catch the index up before the first search needs it; a damaged one is reported, not fatal.
    get_archive().search.sync()
    server = create_server(
        app, host=host, port=port, threads=threads, clear_untrusted_proxy_headers=True
    )
    # Said once the socket is bound, with the port it got (--port 0 asks for any free one).
    click.echo(f"Gallery at http://{host}:{server.effective_port}/  (Ctrl+C stops)")
    server.run()
