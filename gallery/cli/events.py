"""``gallery event``: create, list and correct events; read a publicity article; press packs.

The services are imported by the commands that run them (here and in every group), so that
``gallery --help`` and a mistyped option load no catalogue.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from gallery.cli.common import domain_errors, echo_json, get_archive

if TYPE_CHECKING:
    from gallery.article import Article


@click.group("event")
def event_group() -> None:
    """Create, list, correct and delete events."""


def _parse_credit(_ctx: Any, _param: Any, values: tuple[str, ...]) -> dict[str, list[str]]:
    """Parse ``--credit photo=杨军,李满桂`` options into role → names."""
    from gallery.events import CREDIT_ROLES

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
@domain_errors
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
    from gallery.events import parse_date

    event = get_archive().events.add(
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
def event_list(as_json: bool) -> None:
    """List events with their photo counts and credits."""
    events = get_archive().events.summaries()
    if as_json:
        echo_json(events)
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
@domain_errors
def event_import_article(
    source: Any,
    as_json: bool,
    save: bool,
    kind: str | None,
    event_date: str | None,
    slug: str | None,
) -> None:
    """Recognise a publicity article (FILE or - for stdin); with --save, create its event."""
    from gallery.article import parse_article
    from gallery.events import parse_date

    article = parse_article(source.read())
    if as_json:
        echo_json(article.to_json())
    else:
        _echo_article(article)
    if save:
        event = get_archive().events.add_from_article(
            article, kind=kind, slug=slug, event_date=parse_date(event_date) if event_date else None
        )
        click.echo(f"created {event.slug}", err=as_json)
    elif not as_json:
        click.echo("Nothing saved: check the above, then run again with --save.")


def _echo_article(article: Article) -> None:
    """Print what was recognised in an article, one field per line, for an editor to check."""
    from gallery.events import CREDIT_ROLES

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
    for note in data["notes"]:
        click.echo(f"{'check:':14}{note['note']}")


@event_group.command("export-pack")
@click.argument("slug")
@click.option(
    "--to", "target", required=True, type=click.Path(path_type=Path), help="A new folder or .zip."
)
@click.option(
    "--photo", "photo_ids", multiple=True, type=int, help="Only these photos (repeatable)."
)
@domain_errors
def event_export_pack(slug: str, target: Path, photo_ids: tuple[int, ...]) -> None:
    """Write an event's press pack: display-size photos without metadata, and captions.txt."""
    path, count = get_archive().exports.press_pack(slug, target, list(photo_ids) or None)
    click.echo(f"{count} photos and captions.txt in {path}")


@event_group.command("edit")
@click.argument("slug")
@click.option("--title", help="The new title.")
@click.option("--kind", help="主题党日, 学术交流, 培训, ...")
@click.option("--date", "start", help="First day, YYYY-MM-DD.")
@click.option("--end-date", "end", help='Last day, YYYY-MM-DD ("" for a one-day event).')
@click.option("--place", help="Where it took place.")
@click.option(
    "--organiser", "organisers", multiple=True, help='An organising unit (repeatable; "" for none).'
)
@click.option("--description", help="A paragraph about the event.")
@click.option(
    "--keyword", "keywords", multiple=True, help="A lecture or course title (repeatable)."
)
@click.option("--credit", "credits", multiple=True, callback=_parse_credit, help="ROLE=NAME[,NAME]")
@click.option("--slug", "new_slug", help="A new short name for links (the old one redirects).")
@click.option("--user", default="cli", show_default=True, help="Who to name in the change history.")
@domain_errors
def event_edit(
    slug: str,
    title: str | None,
    kind: str | None,
    start: str | None,
    end: str | None,
    place: str | None,
    organisers: tuple[str, ...],
    description: str | None,
    keywords: tuple[str, ...],
    credits: dict[str, list[str]],
    new_slug: str | None,
    user: str,
) -> None:
    """Correct an event: only the fields given change (--credit only its roles); print its slug."""
    from gallery.events import KEEP, parse_date

    events = get_archive().events
    if credits:  # the roles given replace theirs; the others stay
        held = {c["role"]: c["names"] for c in events.get(slug)["credits"]}
        credits = {**held, **credits}
    saved = events.edit(
        slug,
        user=user,
        title=title,
        kind=kind,
        start_date=parse_date(start) if start else None,
        end_date=KEEP if end is None else parse_date(end) if end.strip() else None,
        place=place,
        organisers=organisers or None,
        description=description,
        keywords=keywords or None,
        credits=credits or None,
        new_slug=new_slug,
    )
    click.echo(saved)


@event_group.command("delete")
@click.argument("slug")
@click.option("--move-photos-to", "target", help="Move the event's photos to this event first.")
@click.option("--user", default="cli", show_default=True, help="Who to name in the change history.")
@domain_errors
def event_delete(slug: str, target: str | None, user: str) -> None:
    """Delete an event; one with photos needs --move-photos-to."""
    moved = get_archive().events.delete(slug, user=user, move_photos_to=target)
    click.echo(f"deleted {slug}" + (f"; {moved} photos moved to {target}" if target else ""))
