"""Events: creating them (by hand or from a publicity article), their slugs and their credits."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from typing import Any

from gallery.article import Article
from gallery.catalog import CREDIT_ROLES, Catalog, Credit, Event
from gallery.catalog import queries as q
from gallery.errors import Conflict, InvalidInput
from gallery.limits import Limits
from gallery.people import person_for_name
from gallery.shapes import event_record


def parse_date(text: str) -> dt.date:
    """Parse a YYYY-MM-DD date, or raise :class:`InvalidInput`."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(f"not a date (YYYY-MM-DD): {text!r}") from None


__all__ = ["CREDIT_ROLES", "Events", "parse_date"]


class Events:
    """The events of the archive and who is credited for each."""

    def __init__(self, catalog: Catalog, limits: Limits | None = None) -> None:
        self.catalog = catalog
        self.limits = limits or Limits()

    def add(
        self,
        title: str,
        kind: str,
        start_date: dt.date,
        *,
        end_date: dt.date | None = None,
        place: str = "",
        organisers: Sequence[str] = (),
        description: str = "",
        slug: str | None = None,
        credits: Mapping[str, Sequence[str]] | None = None,
        keywords: Sequence[str] = (),
        article: str = "",
        published_at: dt.datetime | None = None,
    ) -> Event:
        """Create an event and return it; ``slug`` defaults to its date and the title's Latin words."""
        title = " ".join(title.split())
        if not title:
            raise InvalidInput("an event needs a title", field="title")
        self._check(title, kind, place, organisers, description, keywords, article)
        if end_date and end_date < start_date:
            raise InvalidInput(f"the event ends ({end_date}) before it starts ({start_date})")
        if slug is not None and not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,119}", slug):
            raise InvalidInput(f"a slug is lower-case letters, digits and hyphens: {slug!r}")
        with self.catalog.transaction() as session:
            if slug is None:
                slug = _free_slug(session, title, start_date)
            elif q.slug_taken(session, slug):
                raise Conflict(f"an event with the slug {slug!r} already exists")
            event = Event(
                slug=slug,
                title=title,
                kind=kind.strip(),
                start_date=start_date,
                end_date=end_date,
                place=place.strip(),
                organisers=[o.strip() for o in organisers if o.strip()],
                description=description.strip(),
                keywords=list(dict.fromkeys(k.strip() for k in keywords if k.strip())),
                article=article.strip(),
                published_at=published_at,
            )
            session.add(event)
            session.flush()
            _set_credits(session, event, credits or {})
        return event

    def _check(
        self,
        title: str,
        kind: str,
        place: str,
        organisers: Sequence[str],
        description: str,
        keywords: Sequence[str],
        article: str,
    ) -> None:
        """Refuse a text longer than its limit, naming the field."""
        check = self.limits.check
        check("title", title)
        check("kind", kind.strip(), "name")
        check("place", place.strip())
        for organiser in organisers:
            check("organisers", organiser.strip(), "name")
        self.limits.check_keywords("keywords", [k.strip() for k in keywords if k.strip()])
        check("article", article.strip())
        check("description", description.strip(), "article")  # the article's body, as a rule

    def add_from_article(
        self,
        article: Article,
        *,
        kind: str | None = None,
        slug: str | None = None,
        event_date: dt.date | None = None,
    ) -> Event:
        """Create the event an article tells of, with its credits; the editor's choices win."""
        start = event_date or article.event_date
        if start is None and article.published_at:
            start = article.published_at.date()
        if start is None:
            raise InvalidInput("the article names no date: give the event's date")
        if not article.title:
            raise InvalidInput("the article has no headline")
        return self.add(
            article.title,
            article.kind if kind is None else kind,
            start,
            end_date=article.end_date if start == article.event_date else None,
            place="、".join(article.places),
            organisers=article.organisers,
            description=article.body,
            slug=slug,
            credits=article.credits,
            keywords=article.keywords,
            article=article.text,
            published_at=article.published_at,
        )

    def set_credits(self, slug: str, credits: Mapping[str, Sequence[str]]) -> None:
        """Replace an event's credits: role → names as written."""
        with self.catalog.transaction() as session:
            _set_credits(session, q.require_event(session, slug), credits)

    def get(self, slug: str) -> dict[str, Any]:
        """Return one event as exported, with its photo count."""
        with self.catalog.reading() as session:
            event = q.require_event(session, slug)
            return {**event_record(event), "photos": q.photo_counts(session).get(event.id, 0)}

    def summaries(self) -> list[dict[str, Any]]:
        """Return every event as exported, with its photo count, oldest first."""
        with self.catalog.reading() as session:
            counts = q.photo_counts(session)
            return [
                {**event_record(event), "photos": counts.get(event.id, 0)}
                for event in q.events(session)
            ]

    def is_empty(self) -> bool:
        """Tell whether the archive holds no events yet."""
        with self.catalog.reading() as session:
            return q.is_empty(session)


def _free_slug(session: Any, title: str, start_date: dt.date) -> str:
    """Return an unused slug made of the date and the title's Latin words."""
    words = re.findall(r"[a-z0-9]+", title.lower())
    base = "-".join([start_date.isoformat(), *words])[:80].rstrip("-")
    slug, n = base, 1
    while q.slug_taken(session, slug):
        n += 1
        slug = f"{base}-{n}"
    return slug


def _set_credits(session: Any, event: Event, credits: Mapping[str, Sequence[str]]) -> None:
    """Replace the event's credits by role with the people named, in the order given."""
    unknown = set(credits) - set(CREDIT_ROLES)
    if unknown:
        raise InvalidInput(f"unknown credit role {sorted(unknown)[0]!r}")
    event.credits.clear()
    session.flush()
    position = 0
    for role in CREDIT_ROLES:
        seen: set[int] = set()
        for name in credits.get(role, ()):
            person = person_for_name(session, name)
            if person.id in seen:
                continue
            seen.add(person.id)
            event.credits.append(Credit(role=role, person=person, position=position))
            position += 1
