"""Photos as staff change them: edits (one photo or many at once) with a record of every change,
the trash and its purge."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from gallery.catalog import Catalog, Change, Photo
from gallery.catalog import queries as q
from gallery.catalog.models import utcnow
from gallery.derived import Derivatives
from gallery.errors import Forbidden, InvalidInput, NotFound
from gallery.limits import Limits
from gallery.people import person_for_name

#: What one bulk request may do to every photo it names.
BULK_ACTIONS = (
    "add_keywords",
    "set_keywords",
    "remove_keywords",
    "caption_prefix",
    "photographer",
    "move",
    "trash",
)
#: The most photos one bulk request changes (a large event's page, selected whole).
BULK_LIMIT = 2000


def _require_photo(session: Any, photo_id: int, *, trashed: bool = False) -> Photo:
    """Return the photo with this id (in the trash or not, as asked), or raise NotFound."""
    photo = session.get(Photo, photo_id)
    if photo is None or (photo.deleted_at is not None) != trashed:
        where = "in the trash" if trashed else "in the archive"
        raise NotFound(f"no photo with id {photo_id} {where}")
    return photo


class Photos:
    """Edits, deletions and restorations of photos; each one leaves a :class:`Change` row."""

    def __init__(
        self,
        catalog: Catalog,
        derivatives: Derivatives,
        trash_days: int,
        limits: Limits | None = None,
    ) -> None:
        self.catalog = catalog
        self.limits = limits or Limits()
        self.derivatives = derivatives
        self.trash_days = trash_days

    def edit(
        self,
        photo_id: int,
        *,
        user: str = "",
        caption: str | None = None,
        keywords: Sequence[str] | None = None,
        photographer: str | None = None,
        event: str | None = None,
    ) -> None:
        """Change a photo's caption, keywords, photographer or event, recording before and after.

        A text longer than its limit is refused (InvalidInput naming the field), never cut.
        """
        if caption is not None:
            caption = self.limits.check("caption", caption.strip())
        if keywords is not None:
            keywords = self.limits.check_keywords(
                "keywords", dict.fromkeys(k.strip() for k in keywords if k.strip())
            )
        if photographer is not None:
            photographer = self.limits.check("photographer", photographer.strip(), "name")
        with self.catalog.transaction() as session:
            photo = _require_photo(session, photo_id)
            before = _editable(photo)
            if caption is not None:
                photo.caption = caption
            if keywords is not None:
                photo.keywords = list(keywords)
            if photographer is not None:
                named = photographer.strip()
                photo.photographer = person_for_name(session, named) if named else None
            if event is not None and event != photo.event.slug:
                photo.event = q.require_event(session, event)
            _record_edit(session, photo, before, user)

    def bulk_edit(
        self,
        photo_ids: Iterable[int],
        action: str,
        value: str | Sequence[str] = "",
        *,
        user: str = "",
        uploader: str | None = None,
    ) -> int:
        """Apply one action to many photos in one transaction, recording each photo's change.

        ``action`` is one of :data:`BULK_ACTIONS`; ``value`` is its keywords (a list), caption
        prefix, photographer's name or event slug. With ``uploader``, every photo must be one that
        user uploaded, or nothing changes. Return how many photos changed (some may already have
        had the value).
        """
        ids = list(dict.fromkeys(photo_ids))
        if not ids:
            raise InvalidInput("no photos selected")
        if len(ids) > BULK_LIMIT:
            raise InvalidInput(f"at most {BULK_LIMIT} photos at once, not {len(ids)}")
        with self.catalog.transaction() as session:
            found = {p.id: p for p in q.photos_for_edit(session, ids)}
            missing = [i for i in ids if i not in found]
            if missing:
                raise NotFound(f"no photo with id {missing[0]} in the archive")
            if uploader is not None:
                others = [i for i in ids if _uploader(found[i]) != uploader]
                if others:
                    raise Forbidden(f"{len(others)} of the photos were not uploaded by {uploader}")
            if action == "trash":
                now = utcnow()
                for photo_id in ids:
                    found[photo_id].deleted_at = now
                    session.add(
                        Change(username=user, entity="photo", entity_id=photo_id, action="delete")
                    )
                return len(ids)
            change = _bulk_change(session, action, value)
            changed = 0
            for photo_id in ids:
                photo = found[photo_id]
                before = _editable(photo)
                change(photo)
                # What the action lengthened must still fit (else nothing changes).
                if action == "caption_prefix":
                    self.limits.check("caption", photo.caption)
                elif action.endswith("_keywords"):
                    self.limits.check_keywords("keywords", photo.keywords)
                changed += _record_edit(session, photo, before, user)
            return changed

    def delete(self, photo_id: int, *, user: str = "") -> None:
        """Move a photo to the trash: gone from pages and search, restorable for ``trash_days``."""
        with self.catalog.transaction() as session:
            photo = _require_photo(session, photo_id)
            photo.deleted_at = utcnow()
            session.add(Change(username=user, entity="photo", entity_id=photo_id, action="delete"))

    def restore(self, photo_id: int, *, user: str = "") -> None:
        """Bring a photo back from the trash."""
        with self.catalog.transaction() as session:
            photo = _require_photo(session, photo_id, trashed=True)
            photo.deleted_at = None
            session.add(Change(username=user, entity="photo", entity_id=photo_id, action="restore"))

    def trash(self) -> list[dict[str, Any]]:
        """Return the photos in the trash, newest deletion first, with when each will be purged."""
        keep = dt.timedelta(days=self.trash_days)
        with self.catalog.reading() as session:
            return [
                {
                    "id": p.id,
                    "sha256": p.sha256,
                    "caption": p.caption,
                    "event": p.event.title,
                    "deleted_at": p.deleted_at,
                    "purge_after": p.deleted_at + keep,
                }
                for p in q.trashed(session)
            ]

    def expired(self, now: dt.datetime | None = None) -> list[tuple[int, str, str]]:
        """Return (id, sha256, ext) of trashed photos past their ``trash_days``."""
        limit = (now or utcnow()) - dt.timedelta(days=self.trash_days)
        with self.catalog.reading() as session:
            return [(p.id, p.sha256, p.ext) for p in q.trashed(session) if p.deleted_at <= limit]

    def purge(self, photo_id: int) -> None:
        """Remove a trashed photo's catalogue row for good (its files are the caller's)."""
        with self.catalog.transaction() as session:
            photo = _require_photo(session, photo_id, trashed=True)
            session.add(Change(entity="photo", entity_id=photo_id, action="purge"))
            session.delete(photo)

    def purge_trash(self, now: dt.datetime | None = None) -> int:
        """Delete for good the photos whose time in the trash is over, files included."""
        expired = self.expired(now)
        for photo_id, sha, ext in expired:
            self.purge(photo_id)
            self.derivatives.remove(sha, ext)
        return len(expired)

    def history(self, photo_id: int) -> list[dict[str, Any]]:
        """Return the recorded changes of a photo, oldest first."""
        with self.catalog.reading() as session:
            return [
                {"at": c.at, "user": c.username, "action": c.action, "details": c.details}
                for c in q.changes(session, "photo", photo_id)
            ]


def _editable(photo: Photo) -> dict[str, Any]:
    """Return the fields staff may change, as comparable values."""
    return {
        "caption": photo.caption,
        "keywords": list(photo.keywords),
        "photographer": photo.photographer.display_name if photo.photographer else None,
        "event": photo.event.slug,
    }


def _uploader(photo: Photo) -> str | None:
    """Return the user name of whoever uploaded the photo, if anyone did."""
    return photo.uploader.username if photo.uploader else None


def _keywords(words: Iterable[str]) -> list[str]:
    """Return keywords stripped, without blanks or repeats, in their order."""
    return list(dict.fromkeys(k.strip() for k in words if k.strip()))


def _bulk_change(session: Any, action: str, value: str | Sequence[str]) -> Callable[[Photo], None]:
    """Return what ``action`` does to one photo, its value checked once for all of them."""
    if action in ("add_keywords", "set_keywords", "remove_keywords"):
        words = _keywords([value] if isinstance(value, str) else value)
        if not words and action != "set_keywords":
            raise InvalidInput("no keywords given")
        if action == "set_keywords":
            return lambda photo: setattr(photo, "keywords", words)
        if action == "add_keywords":
            return lambda photo: setattr(photo, "keywords", _keywords([*photo.keywords, *words]))
        return lambda photo: setattr(
            photo, "keywords", [k for k in photo.keywords if k not in words]
        )
    if not isinstance(value, str):
        raise InvalidInput(f"{action} takes one text value")
    text = value.strip()
    if action == "caption_prefix":
        if not text:
            raise InvalidInput("no caption prefix given")

        def prefix(photo: Photo) -> None:
            # Applying the same prefix twice must not double it.
            if not photo.caption.startswith(text):
                photo.caption = text + photo.caption

        return prefix
    if action == "photographer":
        person = person_for_name(session, text)  # an empty name is refused here
        return lambda photo: setattr(photo, "photographer", person)
    if action == "move":
        event = q.require_event(session, text)
        return lambda photo: setattr(photo, "event", event)
    raise InvalidInput(f"unknown bulk action {action!r} (one of {', '.join(BULK_ACTIONS)})")


def _record_edit(session: Any, photo: Photo, before: dict[str, Any], user: str) -> bool:
    """Record a photo's change from ``before`` to now, if anything changed; tell whether it did."""
    return q.record_edit(session, user, "photo", photo.id, before, _editable(photo))
