"""Exhibitions: curated photo sequences, their player settings, and the secret links of display screens.

A display screen sees only what :meth:`Exhibitions.playlist` returns: the overlay text and the image
keys of one exhibition's photos, never GPS, camera, file names or anything else of the archive.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import secrets
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from gallery.catalog import Catalog, Change, DisplayLink, Exhibition, ExhibitionItem, Photo
from gallery.catalog import queries as q
from gallery.catalog.models import utcnow
from gallery.errors import Conflict, InvalidInput, NotFound
from gallery.limits import Limits

#: Every player setting with its default. A display link overrides any of them for its screen.
DEFAULT_SETTINGS: dict[str, Any] = {
    "seconds": 8.0,  # per slide
    "transition": "fade",  # fade | cut
    "overlay": True,  # caption and credit over the photo
    "show_event": True,
    "show_date": True,
    "loop": True,
    "order": "curated",  # curated | shuffle (a new order each loop)
    "orientation": "landscape",  # landscape | portrait (a screen mounted on its side)
    "fit": "contain",  # contain (letterboxed) | cover (cropped to fill)
    "title_slide": True,  # the title and introduction at the start of each loop
    "poll_seconds": 30.0,  # how often the player asks for changes
}
CHOICES = {
    "transition": ("fade", "cut"),
    "order": ("curated", "shuffle"),
    "orientation": ("landscape", "portrait"),
    "fit": ("contain", "cover"),
}
LIMITS = {"seconds": (1.0, 3600.0), "poll_seconds": (1.0, 3600.0)}
#: How stale a screen's "last seen" may get before a poll writes it again.
SEEN_EVERY = dt.timedelta(minutes=1)


def clean_settings(
    raw: Mapping[str, Any], *, partial: bool = False, form: bool = False
) -> dict[str, Any]:
    """Return valid settings from ``raw`` (form strings or JSON), or raise InvalidInput.

    With ``partial`` only the keys given are returned (a display link's overrides); otherwise every
    setting, defaults filling the gaps. With ``form``, a missing on/off setting is an unticked box.
    """
    cleaned: dict[str, Any] = {} if partial else dict(DEFAULT_SETTINGS)
    if form:
        raw = {
            **{k: False for k, v in DEFAULT_SETTINGS.items() if isinstance(v, bool)},
            **raw,
        }
    for key, value in raw.items():
        if key not in DEFAULT_SETTINGS or value in ("", None):
            continue
        default = DEFAULT_SETTINGS[key]
        if isinstance(default, bool):
            cleaned[key] = (
                value
                if isinstance(value, bool)
                else str(value).lower() in ("1", "on", "true", "yes")
            )
        elif isinstance(default, float):
            try:
                number = float(value)
            except ValueError:
                raise InvalidInput(f"{key} must be a number of seconds: {value!r}") from None
            low, high = LIMITS[key]
            if not low <= number <= high:
                raise InvalidInput(f"{key} must be between {low:g} and {high:g} seconds")
            cleaned[key] = number
        else:
            if value not in CHOICES[key]:
                raise InvalidInput(f"{key} is one of {', '.join(CHOICES[key])}: {value!r}")
            cleaned[key] = value
    return cleaned


def _token_hash(token: str) -> str:
    """Return the stored form of a display token."""
    return hashlib.sha256(token.encode()).hexdigest()


class Exhibitions:
    """Curating exhibitions and serving their playlists to display screens."""

    def __init__(self, catalog: Catalog, limits: Limits | None = None) -> None:
        self.catalog = catalog
        self.limits = limits or Limits()

    # ------------------------------------------------------------------------------- curating

    def create(self, title: str, introduction: str = "", dates_shown: str = "") -> str:
        """Create an exhibition and return its slug."""
        title = " ".join(title.split())
        if not title:
            raise InvalidInput("an exhibition needs a title", field="title")
        self.limits.check("title", title)
        self.limits.check("introduction", introduction.strip(), "text")
        with self.catalog.transaction() as session:
            words = "-".join(re.findall(r"[a-z0-9]+", title.lower()))[:60].strip("-")
            base = words or "exhibition"
            slug, n = base, 1
            while q.exhibition_by_slug(session, slug) is not None:
                n += 1
                slug = f"{base}-{n}"
            session.add(
                Exhibition(
                    slug=slug,
                    title=title,
                    introduction=introduction.strip(),
                    dates_shown=dates_shown.strip(),
                    settings=dict(DEFAULT_SETTINGS),
                )
            )
            return slug

    def update(
        self,
        slug: str,
        *,
        title: str | None = None,
        introduction: str | None = None,
        dates_shown: str | None = None,
        settings: Mapping[str, Any] | None = None,
        form: bool = False,
    ) -> None:
        """Change an exhibition's texts or its player settings (``form``: from check boxes)."""
        with self.catalog.transaction() as session:
            exhibition = q.require_exhibition(session, slug)
            if title is not None:
                if not title.strip():
                    raise InvalidInput("an exhibition needs a title")
                exhibition.title = self.limits.check("title", " ".join(title.split()))
            if introduction is not None:
                exhibition.introduction = self.limits.check(
                    "introduction", introduction.strip(), "text"
                )
            if dates_shown is not None:
                exhibition.dates_shown = dates_shown.strip()
            if settings is not None:
                exhibition.settings = clean_settings(settings, form=form)
            exhibition.updated_at = utcnow()

    def all(self) -> list[dict[str, Any]]:
        """Return every exhibition with its photo and live link counts, newest first."""
        with self.catalog.reading() as session:
            return [
                {
                    "slug": e.slug,
                    "title": e.title,
                    "dates_shown": e.dates_shown,
                    "photos": len(e.items),
                    "links": sum(1 for link in e.links if link.revoked_at is None),
                }
                for e in q.exhibitions(session)
            ]

    def get(self, slug: str) -> dict[str, Any]:
        """Return an exhibition for its editor: texts, settings, photos in order, display links."""
        with self.catalog.reading() as session:
            e = q.require_exhibition(session, slug)
            return {
                "slug": e.slug,
                "title": e.title,
                "introduction": e.introduction,
                "dates_shown": e.dates_shown,
                "settings": {**DEFAULT_SETTINGS, **e.settings},
                "items": [
                    {
                        "photo_id": item.photo_id,
                        "sha256": item.photo.sha256,
                        "width": item.photo.width,
                        "height": item.photo.height,
                        "caption": item.photo.caption,
                        "override": item.caption,
                        "photographer": _photographer(item.photo),
                        "event": item.photo.event.title,
                        "trashed": item.photo.deleted_at is not None,
                    }
                    for item in e.items
                ],
                "links": [
                    {
                        "id": link.id,
                        "name": link.name,
                        "settings": dict(link.settings),
                        "created_at": link.created_at,
                        "revoked_at": link.revoked_at,
                        "last_seen_at": link.last_seen_at,
                    }
                    for link in e.links
                ],
            }

    def add_photos(self, slug: str, photo_ids: Iterable[int], *, user: str = "") -> int:
        """Append photos at the end (those already in it stay where they are); return how many.

        Each photo added gets a line in its change history.
        """
        wanted = list(dict.fromkeys(photo_ids))
        with self.catalog.transaction() as session:
            exhibition = q.require_exhibition(session, slug)
            present = {item.photo_id for item in exhibition.items}
            found = {p.id for p in q.photos_by_id(session, wanted)} if wanted else set()
            missing = [i for i in wanted if i not in found]
            if missing:
                raise NotFound(f"no photo with id {missing[0]}")
            position = max((item.position for item in exhibition.items), default=-1) + 1
            added = 0
            for photo_id in wanted:
                if photo_id in present:
                    continue
                exhibition.items.append(ExhibitionItem(photo_id=photo_id, position=position))
                session.add(
                    Change(
                        username=user,
                        entity="photo",
                        entity_id=photo_id,
                        action="exhibit",
                        details={"exhibition": [None, exhibition.slug]},
                    )
                )
                position += 1
                added += 1
            exhibition.updated_at = utcnow()
            return added

    def add_event(self, slug: str, event_slug: str, *, user: str = "") -> int:
        """Append every photo of an event, in the order taken; return how many were added."""
        with self.catalog.reading() as session:
            ids = q.event_photo_ids(session, q.require_event(session, event_slug).id)
        return self.add_photos(slug, ids, user=user)

    def remove(self, slug: str, photo_id: int) -> None:
        """Take a photo out of the exhibition (the photo stays in the archive)."""
        with self.catalog.transaction() as session:
            exhibition = q.require_exhibition(session, slug)
            exhibition.items.remove(self._item(exhibition, photo_id))
            exhibition.updated_at = utcnow()

    def reorder(self, slug: str, photo_ids: Sequence[int]) -> None:
        """Put the photos in this order; it must name each photo of the exhibition once."""
        with self.catalog.transaction() as session:
            exhibition = q.require_exhibition(session, slug)
            items = {item.photo_id: item for item in exhibition.items}
            if sorted(photo_ids) != sorted(items):
                raise Conflict("the exhibition changed meanwhile: reload and order it again")
            for position, photo_id in enumerate(photo_ids):
                items[photo_id].position = position
            exhibition.updated_at = utcnow()

    def move(self, slug: str, photo_id: int, step: int) -> None:
        """Move a photo ``step`` places towards the end (negative: towards the start)."""
        order = [item["photo_id"] for item in self.get(slug)["items"]]
        if photo_id not in order:
            raise NotFound(f"photo {photo_id} is not in this exhibition")
        at = order.index(photo_id)
        order.insert(max(0, min(len(order) - 1, at + step)), order.pop(at))
        self.reorder(slug, order)

    def set_caption(self, slug: str, photo_id: int, caption: str | None) -> None:
        """Give a photo a caption in this exhibition only; empty or None goes back to its own."""
        with self.catalog.transaction() as session:
            exhibition = q.require_exhibition(session, slug)
            text = self.limits.check("caption", (caption or "").strip())
            self._item(exhibition, photo_id).caption = text or None
            exhibition.updated_at = utcnow()

    @staticmethod
    def _item(exhibition: Exhibition, photo_id: int) -> ExhibitionItem:
        """Return the exhibition's item of a photo, or raise NotFound."""
        for item in exhibition.items:
            if item.photo_id == photo_id:
                return item
        raise NotFound(f"photo {photo_id} is not in this exhibition")

    # ---------------------------------------------------------------------------- display links

    def create_link(self, slug: str, name: str, settings: Mapping[str, Any] | None = None) -> str:
        """Create a named display link and return its secret token (shown once, stored hashed)."""
        name = " ".join(name.split())[:100]
        if not name:
            raise InvalidInput("name the screen this link is for")
        token = secrets.token_urlsafe(24)
        with self.catalog.transaction() as session:
            exhibition = q.require_exhibition(session, slug)
            exhibition.links.append(
                DisplayLink(
                    name=name,
                    token_hash=_token_hash(token),
                    settings=clean_settings(settings or {}, partial=True),
                )
            )
        return token

    def revoke_link(self, slug: str, link_id: int) -> None:
        """Stop a display link from working, at once."""
        with self.catalog.transaction() as session:
            exhibition = q.require_exhibition(session, slug)
            for link in exhibition.links:
                if link.id == link_id:
                    link.revoked_at = link.revoked_at or utcnow()
                    return
            raise NotFound(f"no display link {link_id} in this exhibition")

    # ------------------------------------------------------------------------------- playing

    def playlist(self, token: str) -> dict[str, Any]:
        """Return what a display screen plays; raise NotFound for an unknown or revoked link."""
        with self.catalog.transaction() as session:
            link = q.display_link(session, _token_hash(token))
            if link is None or link.revoked_at is not None:
                raise NotFound("this display link does not exist or was revoked")
            now = utcnow()
            if link.last_seen_at is None or now - link.last_seen_at > SEEN_EVERY:
                link.last_seen_at = now  # a screen polls often: write "last seen" once a minute
            return _playlist(link.exhibition, link.settings)

    def preview(self, slug: str) -> dict[str, Any]:
        """Return an exhibition's playlist as a screen with no overrides would see it."""
        with self.catalog.reading() as session:
            return _playlist(q.require_exhibition(session, slug), {})

    def shows(self, token: str, sha256: str) -> bool:
        """Tell whether a live display link's exhibition shows the photo with this hash."""
        with self.catalog.reading() as session:
            link = q.display_link(session, _token_hash(token))
            if link is None or link.revoked_at is not None:
                return False
            return q.exhibition_shows(session, link.exhibition_id, sha256)

    def shows_in(self, slug: str, sha256: str) -> bool:
        """Tell whether an exhibition shows the photo with this hash (for its preview)."""
        with self.catalog.reading() as session:
            return q.exhibition_shows(session, q.require_exhibition(session, slug).id, sha256)


def _photographer(photo: Photo) -> str:
    """Return the photographer's name, or ""."""
    return photo.photographer.display_name if photo.photographer else ""


def _playlist(exhibition: Exhibition, overrides: Mapping[str, Any]) -> dict[str, Any]:
    """Return the playlist document of an exhibition, with a version that changes with it."""
    slides = [
        {
            "key": item.photo.sha256,
            "width": item.photo.width,
            "height": item.photo.height,
            "caption": item.caption if item.caption is not None else item.photo.caption,
            "photographer": _photographer(item.photo),
            "event": item.photo.event.title,
            "date": item.photo.event.start_date.isoformat(),
        }
        for item in exhibition.items
        if item.photo.deleted_at is None
    ]
    document = {
        "title": exhibition.title,
        "introduction": exhibition.introduction,
        "dates": exhibition.dates_shown,
        "settings": {**DEFAULT_SETTINGS, **exhibition.settings, **overrides},
        "slides": slides,
    }
    body = json.dumps(document, ensure_ascii=False, sort_keys=True)
    document["version"] = hashlib.sha256(body.encode()).hexdigest()[:20]
    return document
