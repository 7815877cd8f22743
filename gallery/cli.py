"""The ``gallery`` command line: thin click commands over the archive."""

from __future__ import annotations

import functools
import json
import re
import secrets
import sys
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext

from gallery.archive import (
    Archive,
    Article,
    ImportResult,
    collect_files,
    parse_article,
    parse_date,
)
from gallery.catalog import CREDIT_ROLES, USER_ROLES
from gallery.errors import GalleryError


def _archive() -> Archive:
    """Return the archive of the current app."""
    return current_app.extensions["gallery"]


def _domain_errors(command: Callable[..., Any]) -> Callable[..., Any]:
    """Turn a GalleryError into one clear line and exit status 1."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except GalleryError as exc:
            raise click.ClickException(str(exc)) from exc

    return wrapper


def _echo_json(data: Any) -> None:
    """Print ``data`` as JSON, keeping Chinese text readable."""
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


# ---------------------------------------------------------------------------------------- event


@click.group("event")
def event_group() -> None:
    """Create and list events."""


def _parse_credit(_ctx: Any, _param: Any, values: tuple[str, ...]) -> dict[str, list[str]]:
    """Parse ``--credit photo=杨军,李满桂`` options into role → names."""
    credits: dict[str, list[str]] = {}
    for value in values:
        role, sep, names = value.partition("=")
        if not sep or role not in CREDIT_ROLES:
            raise click.BadParameter(
                f"expected ROLE=NAME[,NAME] with ROLE one of {list(CREDIT_ROLES)}"
            )
        credits.setdefault(role, []).extend(n.strip() for n in names.split(",") if n.strip())
    return credits


@event_group.command("add")
@click.option("--title", required=True, help="The event's title.")
@click.option("--kind", default="", help="主题党日, 学术交流, 培训, ...")
@click.option("--date", "start", required=True, help="First day, YYYY-MM-DD.")
@click.option("--end-date", "end", help="Last day, YYYY-MM-DD, when it lasts several days.")
@click.option("--place", default="", help="Where it took place.")
@click.option("--organiser", "organisers", multiple=True, help="An organising unit (repeatable).")
@click.option("--description", default="", help="A paragraph about the event.")
@click.option("--slug", help="The event's short name in links (default: date and title).")
@click.option("--credit", "credits", multiple=True, callback=_parse_credit, help="ROLE=NAME[,NAME]")
@with_appcontext
@_domain_errors
def event_add(
    title: str,
    kind: str,
    start: str,
    end: str | None,
    place: str,
    organisers: tuple[str, ...],
    description: str,
    slug: str | None,
    credits: dict[str, list[str]],
) -> None:
    """Create an event and print its slug."""
    event = _archive().add_event(
        title,
        kind,
        parse_date(start),
        end_date=parse_date(end) if end else None,
        place=place,
        organisers=organisers,
        description=description,
        slug=slug,
        credits=credits,
    )
    click.echo(event.slug)


@event_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@with_appcontext
def event_list(as_json: bool) -> None:
    """List events with their photo counts and credits."""
    events = _archive().event_summaries()
    if as_json:
        _echo_json(events)
        return
    if not events:
        click.echo("No events yet.")
    for event in events:
        click.echo(
            f"{event['start_date']}  {event['slug']}  {event['title']}"
            f"  [{event['kind']}]  {event['photos']} photos"
        )
        if event["place"]:
            click.echo(f"    {event['place']}")
        if event["credits"]:
            line = "  ".join(f"{c['label']}：{' '.join(c['names'])}" for c in event["credits"])
            click.echo(f"    {line}")


@event_group.command("import-article")
@click.argument("source", type=click.File("r", encoding="utf-8-sig"))
@click.option("--json", "as_json", is_flag=True, help="Print what was recognised as JSON.")
@click.option("--save", is_flag=True, help="Create the event (after checking what was recognised).")
@click.option("--kind", help="Override the kind recognised (主题党日, 学术交流, 培训, ...).")
@click.option("--date", "event_date", help="Override the event's date, YYYY-MM-DD.")
@click.option("--slug", help="The event's short name in links (default: date and title).")
@with_appcontext
@_domain_errors
def event_import_article(
    source: Any,
    as_json: bool,
    save: bool,
    kind: str | None,
    event_date: str | None,
    slug: str | None,
) -> None:
    """Recognise a publicity article (FILE or - for stdin); with --save, create its event."""
    article = parse_article(source.read())
    if as_json:
        _echo_json(article.to_json())
    else:
        _echo_article(article)
    if save:
        event = _archive().add_event_from_article(
            article, kind=kind, slug=slug, event_date=parse_date(event_date) if event_date else None
        )
        click.echo(f"created {event.slug}", err=as_json)
    elif not as_json:
        click.echo("Nothing saved: check the above, then run again with --save.")


def _echo_article(article: Article) -> None:
    """Print what was recognised in an article, one field per line, for an editor to check."""
    data = article.to_json()
    for field in ("title", "published_at", "event_date", "end_date", "kind"):
        click.echo(f"{field + ':':14}{data[field] or '—'}")
    for field in ("places", "organisers", "keywords"):
        click.echo(f"{field + ':':14}{'、'.join(data[field]) or '—'}")
    for credit in data["credits"]:
        click.echo(f"{'credit:':14}{CREDIT_ROLES[credit['role']]}：{' '.join(credit['names'])}")
    if not data["credits"]:
        click.echo(f"{'credits:':14}— (no 文：/图：/审核： block found)")
    for line in data["unrecognised"]:
        click.echo(f"{'unrecognised:':14}{line}")


@event_group.command("export-pack")
@click.argument("slug")
@click.option(
    "--to", "target", required=True, type=click.Path(path_type=Path), help="A new folder or .zip."
)
@click.option(
    "--photo", "photo_ids", multiple=True, type=int, help="Only these photos (repeatable)."
)
@with_appcontext
@_domain_errors
def event_export_pack(slug: str, target: Path, photo_ids: tuple[int, ...]) -> None:
    """Write an event's press pack: display-size photos without metadata, and captions.txt."""
    path, count = _archive().export_pack(slug, target, list(photo_ids) or None)
    click.echo(f"{count} photos and captions.txt in {path}")


# --------------------------------------------------------------------------------------- import


@click.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--event", "event_slug", required=True, help="The event's slug.")
@click.option("--photographer", help="Credit every photo to this person.")
@click.option("--caption", help="Caption every photo with this text.")
@click.option("--uploader", help="The user who uploads (default: none).")
@click.option("--jobs", type=click.IntRange(1, 64), help="Files processed in parallel.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object per file.")
@with_appcontext
@_domain_errors
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
    archive = _archive()
    if photographer is None:
        photographer = _ask_photographer(archive.event(event_slug))
    total = sum(1 for _ in collect_files(paths))
    counts = {"imported": 0, "duplicate": 0, "failed": 0}
    with click.progressbar(length=total, label="Importing", file=sys.stderr, show_pos=True) as bar:

        def on_result(result: ImportResult) -> None:
            counts[result.status] += 1
            bar.update(1)
            if as_json:
                click.echo(json.dumps(result.as_dict(), ensure_ascii=False))
            elif result.status == "failed":
                click.echo(f"\nfailed: {result.path}: {result.error}", err=True)

        archive.import_files(
            list(paths),
            event_slug,
            photographer=photographer,
            caption=caption,
            uploader=uploader,
            jobs=jobs or int(current_app.config["IMPORT_JOBS"]),
            on_result=on_result,
        )
    click.echo(
        f"imported {counts['imported']}, duplicates {counts['duplicate']}, "
        f"failed {counts['failed']}",
        err=as_json,
    )
    if counts["failed"]:
        sys.exit(1)


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


# --------------------------------------------------------------------------------------- export


@click.command("export")
@click.option("--json", "as_json", is_flag=True, default=True, help="JSON (the only format).")
@click.option("--event", "event_slug", help="Only this event and its photos.")
@click.option("--output", "-o", type=click.Path(path_type=Path), help="Write to a file.")
@with_appcontext
@_domain_errors
def export_command(as_json: bool, event_slug: str | None, output: Path | None) -> None:
    """Write the catalogue as JSON: the backup format."""
    text = json.dumps(_archive().export(event_slug), ensure_ascii=False, indent=2)
    if output:
        output.write_text(text + "\n", encoding="utf-8")
    else:
        click.echo(text)


# ---------------------------------------------------------------------------------------- photo


@click.group("photo")
def photo_group() -> None:
    """Look at photos."""


@photo_group.command("show")
@click.argument("photo_id", type=int)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@with_appcontext
@_domain_errors
def photo_show(photo_id: int, as_json: bool) -> None:
    """Show one photo's catalogue record and metadata."""
    photo = _archive().photo(photo_id)
    if as_json:
        _echo_json(photo)
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
@with_appcontext
@_domain_errors
def photo_edit(
    photo_id: int, caption: str | None, keywords: str | None, photographer: str | None
) -> None:
    """Change a photo's caption, keywords or photographer."""
    words = None if keywords is None else re.split(r"[,，、;；]", keywords)
    photo = _archive().edit_photo(
        photo_id, caption=caption, keywords=words, photographer=photographer
    )
    click.echo(f"photo {photo['id']}: {photo['caption']}")


# --------------------------------------------------------------------------------------- search


@click.command("search")
@click.argument("query", nargs=-1, required=True)
@click.option("--event", "event_slug", help="Only photos of this event.")
@click.option("--limit", type=click.IntRange(1, 1000), default=20, show_default=True)
@click.option("--page", type=click.IntRange(1), default=1, show_default=True)
@click.option("--sort", type=click.Choice(["relevance", "date", "date-asc"]), default="relevance")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@with_appcontext
@_domain_errors
def search_command(
    query: tuple[str, ...], event_slug: str | None, limit: int, page: int, sort: str, as_json: bool
) -> None:
    """Search photos: words (all must match), "phrases", event:, photographer:, place:, kind:, dates."""
    results = _archive().search(
        " ".join(query), event=event_slug, sort=sort, page=page, per_page=limit
    )
    if as_json:
        _echo_json(
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


# ---------------------------------------------------------------------------------------- index


@click.group("index")
def index_group() -> None:
    """Manage the search index."""


def _progress_bar(label: str):
    """Return a progress bar on stderr and the (done, total) callback that moves it."""
    bar = click.progressbar(length=_archive().photo_count() or 1, label=label, file=sys.stderr)
    shown = [0]

    def progress(done: int, total: int) -> None:
        bar.length = total or 1
        bar.update(done - shown[0])
        shown[0] = done

    return bar, progress


@index_group.command("rebuild")
@with_appcontext
def index_rebuild() -> None:
    """Recreate the search index from the catalogue."""
    bar, progress = _progress_bar("Indexing")
    with bar:
        count = _archive().rebuild_index(progress)
    click.echo(f"indexed {count} documents")


@index_group.command("check")
@with_appcontext
def index_check() -> None:
    """Report photos and events missing from, or stale in, the search index."""
    bar, progress = _progress_bar("Checking")
    with bar:
        report = _archive().check_index(progress)
    for label, ids in (
        ("missing", report.missing),
        ("stale", report.stale),
        ("extra", report.extra),
    ):
        for doc_id in ids:
            click.echo(f"{label}: {doc_id}")
    click.echo(
        f"missing {len(report.missing)}, stale {len(report.stale)}, extra {len(report.extra)}"
    )
    if not report.ok:
        sys.exit(1)


# ----------------------------------------------------------------------------------------- user


@click.group("user")
def user_group() -> None:
    """Manage users."""


@user_group.command("add")
@click.argument("username")
@click.option("--role", type=click.Choice(USER_ROLES), required=True)
@click.option("--password", help="The password (default: a random one, printed once).")
@click.option("--person", help="The person this user is, for photo credits.")
@with_appcontext
@_domain_errors
def user_add(username: str, role: str, password: str | None, person: str | None) -> None:
    """Create a user with a role."""
    generated = password is None
    password = password or secrets.token_urlsafe(12)
    _archive().accounts.add(username, role, password, person)
    click.echo(f"user {username} ({role}) created")
    if generated:
        click.echo(f"password: {password}")


@user_group.command("passwd")
@click.argument("username")
@click.password_option(help="The new password (asked twice when not given).")
@with_appcontext
@_domain_errors
def user_passwd(username: str, password: str) -> None:
    """Set a user's password."""
    _archive().accounts.set_password(username, password)
    click.echo(f"password of {username} changed")


@user_group.command("list")
@with_appcontext
def user_list() -> None:
    """List users and their roles."""
    for account in _archive().accounts.all():
        click.echo(f"{account.username}  {account.role}  {account.person or ''}".rstrip())


@click.group("trash")
def trash_group() -> None:
    """The trash of deleted photos."""


@trash_group.command("purge")
@with_appcontext
def trash_purge() -> None:
    """Delete for good the photos that have been in the trash longer than TRASH_DAYS (for cron)."""
    count = _archive().purge_trash()
    click.echo(f"{count} photos purged")


@click.group("token")
def token_group() -> None:
    """Manage API tokens for scripts."""


@token_group.command("create")
@click.argument("username")
@click.option("--name", default="", help="What the token is for (shown in lists).")
@with_appcontext
@_domain_errors
def token_create(username: str, name: str) -> None:
    """Create an API token for a user and print it (shown only this once)."""
    click.echo(_archive().accounts.create_token(username, name))


# ---------------------------------------------------------------------------------- derivatives


@click.group("derivatives")
def derivatives_group() -> None:
    """Manage derivative sizes."""


@derivatives_group.command("rebuild")
@with_appcontext
def derivatives_rebuild() -> None:
    """Regenerate every photo's derivatives from its original."""
    archive = _archive()
    with click.progressbar(
        length=archive.photo_count(), label="Rebuilding", file=sys.stderr
    ) as bar:
        done, failures = archive.rebuild_derivatives(lambda _id, _error: bar.update(1))
    for failure in failures:
        click.echo(f"failed: {failure}", err=True)
    click.echo(f"rebuilt {done}, failed {len(failures)}")
    if failures:
        sys.exit(1)


# ----------------------------------------------------------------------------------------- demo


@click.command("demo")
@with_appcontext
@_domain_errors
def demo_command() -> None:
    """Fill an empty archive with the demo events and photos; create the first admin if none."""
    from gallery.demo import create_demo

    archive = _archive()
    if archive.is_empty():
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
    server = create_server(
        app, host=host, port=port, threads=threads, clear_untrusted_proxy_headers=True
    )
    # Said once the socket is bound, with the port it got (--port 0 asks for any free one).
    click.echo(f"Gallery at http://{host}:{server.effective_port}/  (Ctrl+C stops)")
    server.run()


def register_commands(app: Flask) -> None:
    """Add the gallery's commands to ``app.cli``."""
    for command in (
        event_group,
        import_command,
        export_command,
        photo_group,
        search_command,
        index_group,
        user_group,
        token_group,
        trash_group,
        serve_command,
        derivatives_group,
        demo_command,
    ):
        app.cli.add_command(command)


def _create_app() -> Flask:
    """Create the app for the console script (imported late so ``--help`` stays fast)."""
    from gallery import create_app

    return create_app()


main = FlaskGroup(
    name="gallery",
    create_app=_create_app,
    help="The gallery: an event photo archive and exhibition gallery.",
    set_debug_flag=False,
)
