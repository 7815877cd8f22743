"""``gallery serve`` and ``gallery demo``: run the web archive; fill an empty one to try it."""

from __future__ import annotations

import secrets

import click

from gallery.cli.common import domain_errors, get_archive


@click.command("demo")
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
def serve_command(host: str, port: int, threads: int) -> None:
    """Serve the gallery with waitress, for production (for development: flask --app gallery run)."""
    from waitress.server import create_server

    from gallery.app import create_app  # the web application: this command's alone

    archive = get_archive()
    app = create_app(archive=archive)
    # Catch the index up before the first search needs it; a damaged one is reported, not fatal.
    archive.search.sync()
    server = create_server(
        app, host=host, port=port, threads=threads, clear_untrusted_proxy_headers=True
    )
    # Said once the socket is bound, with the port it got (--port 0 asks for any free one).
    click.echo(f"Gallery at http://{host}:{server.effective_port}/  (Ctrl+C stops)")
    server.run()
