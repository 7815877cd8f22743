"""Events: creating them (by hand or from a publicity article), correcting and deleting them, their
slugs (earlier ones keep redirecting) and their credits. Every correction is in the change history."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from typing import Any

from gallery.article import Article
from gallery.catalog import CREDIT_ROLES, Catalog, Change, Credit, Event, EventSlug, RecordGroup
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


__all__ = ["CREDIT_ROLES", "KEEP", "Events", "check_slug", "parse_date"]

#: Passed for ``end_date`` to :meth:`Events.edit`: leave it as it is (``None`` clears it).
KEEP: Any = object()
_SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,119}")
#: Slugs that are pages of their own under /events/.
RESERVED_SLUGS = frozenset({"new", "import-article"})


def check_slug(slug: str) -> str:
    """Return ``slug`` if it can name an event in links, or raise :class:`InvalidInput`."""
    if not _SLUG.fullmatch(slug):
        raise InvalidInput(f"a slug is lower-case letters, digits and hyphens: {slug!r}")
    if slug in RESERVED_SLUGS:
        raise InvalidInput(f"the slug {slug!r} is the name of a page")
    return slug


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
        if slug is not None:
            check_slug(slug)
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

    def edit(
        self,
        slug: str,
        *,
        user: str = "",
        title: str | None = None,
        kind: str | None = None,
        start_date: dt.date | None = None,
        end_date: dt.date | None = KEEP,
        place: str | None = None,
        organisers: Sequence[str] | None = None,
        description: str | None = None,
        article: str | None = None,
        keywords: Sequence[str] | None = None,
        credits: Mapping[str, Sequence[str]] | None = None,
        new_slug: str | None = None,
    ) -> str:
        """Correct the fields given (``None``: unchanged), record before and after; return the slug.

        A new slug keeps the old one as an earlier slug, so links made with it still lead here.
        """
        with self.catalog.transaction() as session:
            event = q.require_event(session, slug)
            before = _editable(event)
            if title is not None:
                event.title = " ".join(title.split())
                if not event.title:
                    raise InvalidInput("an event needs a title")
            if kind is not None:
                event.kind = kind.strip()
            if start_date is not None:
                event.start_date = start_date
            if end_date is not KEEP:
                event.end_date = end_date
            if event.end_date and event.end_date < event.start_date:
                raise InvalidInput(
                    f"the event ends ({event.end_date}) before it starts ({event.start_date})"
                )
            if place is not None:
                event.place = place.strip()
            if organisers is not None:
                event.organisers = list(dict.fromkeys(o.strip() for o in organisers if o.strip()))
            if description is not None:
                event.description = description.strip()
            if article is not None:
                event.article = article.strip()
            if keywords is not None:
                event.keywords = list(dict.fromkeys(k.strip() for k in keywords if k.strip()))
            if credits is not None:
                _set_credits(session, event, credits)
            if new_slug is not None and new_slug != event.slug:
                _rename(session, event, check_slug(new_slug))
            q.record_edit(session, user, "event", event.id, before, _editable(event))
            return event.slug

    def delete(self, slug: str, *, user: str = "", move_photos_to: str | None = None) -> int:
        """Delete an event; its photos (trashed ones too) must go to ``move_photos_to`` first.

        Returns how many photos moved. The deleted event's links then lead to the event its photos
        went to. An event numbered for the archives office (档号 assigned) stays.
        """
        with self.catalog.transaction() as session:
            event = q.require_event(session, slug)
            photos = q.all_event_photos(session, event.id)
            target = None
            if move_photos_to is not None:
                if move_photos_to == slug:
                    raise InvalidInput("the photos cannot move to the event being deleted")
                target = q.require_event(session, move_photos_to)
            elif photos:
                raise Conflict(
                    f"the event {slug!r} still has {len(photos)} photos:"
                    " move them to another event first"
                )
            group = session.query(RecordGroup).filter_by(event_id=event.id).one_or_none()
            if group is not None and group.code:
                raise Conflict(f"the event is archived as {group.code}: it cannot be deleted")
            for photo in photos:
                photo.event = target
                session.add(
                    Change(
                        username=user,
                        entity="photo",
                        entity_id=photo.id,
                        action="edit",
                        details={"event": [slug, target.slug]},
                    )
                )
            earlier = [e.slug for e in q.earlier_slugs(session, event.id)]
            session.add(
                Change(
                    username=user,
                    entity="event",
                    entity_id=event.id,
                    action="delete",
                    details={
                        **_editable(event),
                        "photos_moved_to": target.slug if target else None,
                        "photos": len(photos),
                    },
                )
            )
            session.delete(event)
            session.flush()
            if target is not None:
                for old in [slug, *earlier]:
                    session.add(EventSlug(slug=old, event_id=target.id))
            return len(photos)

    def renamed(self, slug: str) -> str | None:
        """Return the current slug of the event that ``slug`` used to name, if any."""
        with self.catalog.reading() as session:
            earlier = q.earlier_slug(session, slug)
            return session.get(Event, earlier.event_id).slug if earlier else None

    def history(self, slug: str) -> list[dict[str, Any]]:
        """Return the recorded changes of an event, oldest first."""
        with self.catalog.reading() as session:
            event = q.require_event(session, slug)
            return [
                {"at": c.at, "user": c.username, "action": c.action, "details": c.details}
                for c in q.changes(session, "event", event.id)
            ]

    def form(self, slug: str) -> dict[str, Any]:
        """Return an event's editable fields as an edit form shows them, with its photo count."""
        with self.catalog.reading() as session:
            event = q.require_event(session, slug)
            return {
                **_editable(event),
                "photos": len(q.all_event_photos(session, event.id)),
            }

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


def _rename(session: Any, event: Event, new_slug: str) -> None:
    """Give an event a new slug, keeping the old one as an earlier slug that redirects here."""
    owner = q.slug_owner(session, new_slug)
    if owner is not None and owner != event.id:
        raise Conflict(f"an event with the slug {new_slug!r} already exists")
    reused = q.earlier_slug(session, new_slug)
    if reused is not None:  # back to a slug this event had before
        session.delete(reused)
        session.flush()
    session.add(EventSlug(slug=event.slug, event_id=event.id))
    event.slug = new_slug


def _editable(event: Event) -> dict[str, Any]:
    """Return the fields editors may change, as comparable (and JSON-storable) values."""
    credits: dict[str, list[str]] = {}
    for credit in event.credits:
        credits.setdefault(credit.role, []).append(credit.person.display_name)
    return {
        "slug": event.slug,
        "title": event.title,
        "kind": event.kind,
        "start_date": event.start_date.isoformat(),
        "end_date": event.end_date.isoformat() if event.end_date else None,
        "place": event.place,
        "organisers": list(event.organisers),
        "description": event.description,
        "article": event.article,
        "keywords": list(event.keywords),
        "credits": credits,
    }
