"""The archive's use cases: events, people, users, importing photos, derivatives and export. No Flask here."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

from gallery import images
from gallery.accounts import Account, Accounts
from gallery.article import Article, parse_article, split_names
from gallery.browsing import Browser
from gallery.catalog import CREDIT_ROLES, Catalog, Credit, Event, Photo
from gallery.catalog import queries as q
from gallery.editing import Editor
from gallery.errors import Conflict, GalleryError, InvalidInput, NotFound, RejectedFile
from gallery.exhibitions import Exhibitions
from gallery.importer import Importer, ImportResult, collect_files
from gallery.indexing import Indexer, IndexReport
from gallery.media_store import MediaStore
from gallery.people import person_for_name
from gallery.press_pack import write_pack
from gallery.search_index import Results

# What callers of the archive use from the import pipeline.
__all__ = [
    "Account",
    "Archive",
    "Article",
    "ImportResult",
    "collect_files",
    "parse_article",
    "parse_date",
    "split_names",
]


def safe_name(filename: str) -> str:
    """Return the last part of a client's file name, with no path, control characters or dots first.

    The name is kept as data (``original_name``); it only ever names a file inside a fresh
    temporary folder.
    """
    name = PureWindowsPath(PurePosixPath(filename or "").name).name
    name = "".join(c for c in name if c.isprintable()).strip().lstrip(".")
    return name[:200] or "upload"


def parse_date(text: str) -> dt.date:
    """Parse a YYYY-MM-DD date, or raise :class:`InvalidInput`."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(f"not a date (YYYY-MM-DD): {text!r}") from None


class Archive:
    """The photo archive: a catalogue and a media store, and everything one does with them."""

    def __init__(self, config: Mapping[str, Any]) -> None:
        self.config = config
        self.store = MediaStore(config["MEDIA_DIR"])
        self.catalog = Catalog(config["DATABASE_URL"])
        self.accounts = Accounts(self.catalog)
        self.browser = Browser(self.catalog)
        self.editor = Editor(self.catalog, int(config["TRASH_DAYS"]))
        self.exhibitions = Exhibitions(self.catalog)
        self.sizes: dict[str, int] = dict(config["DERIVATIVE_SIZES"])
        synonyms = Path(config["SYNONYMS"]) if config.get("SYNONYMS") else None
        self.indexer = Indexer(self.catalog, Path(config["INDEX_DIR"]), synonyms)
        self.importer = Importer(
            self.catalog,
            self.store,
            self.indexer,
            self.sizes,
            int(config["MAX_PIXELS"]),
            int(config["JPEG_QUALITY"]),
            int(config["DECODE_BUDGET"]),
        )

    def open(self) -> Archive:
        """Bring the schema up to date, clear temp files of interrupted imports, catch the index up."""
        self.store.root.mkdir(parents=True, exist_ok=True)
        self.catalog.migrate()
        self.store.sweep()
        self.indexer.sync()  # repairs changes a killed process committed but never indexed
        return self

    def close(self) -> None:
        """Release the catalogue's connections and the index."""
        self.indexer.close()
        self.catalog.close()

    def photo_count(self) -> int:
        """Return how many photos the archive holds."""
        with self.catalog.reading() as session:
            return sum(q.photo_counts(session).values())

    def is_empty(self) -> bool:
        """Tell whether the archive holds no events yet."""
        with self.catalog.reading() as session:
            return q.is_empty(session)

    # ----------------------------------------------------------------------------------- events

    def add_event(
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
            raise InvalidInput("an event needs a title")
        if end_date and end_date < start_date:
            raise InvalidInput(f"the event ends ({end_date}) before it starts ({start_date})")
        if slug is not None and not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,119}", slug):
            raise InvalidInput(f"a slug is lower-case letters, digits and hyphens: {slug!r}")
        with self.catalog.transaction() as session:
            if slug is None:
                slug = self._free_slug(session, title, start_date)
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
            self._set_credits(session, event, credits or {})
        self.indexer.sync()
        return event

    def add_event_from_article(
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
        return self.add_event(
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

    @staticmethod
    def _free_slug(session: Any, title: str, start_date: dt.date) -> str:
        """Return an unused slug made of the date and the title's Latin words."""
        words = re.findall(r"[a-z0-9]+", title.lower())
        base = "-".join([start_date.isoformat(), *words])[:80].rstrip("-")
        slug, n = base, 1
        while q.slug_taken(session, slug):
            n += 1
            slug = f"{base}-{n}"
        return slug

    def _set_credits(
        self, session: Any, event: Event, credits: Mapping[str, Sequence[str]]
    ) -> None:
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

    def set_credits(self, slug: str, credits: Mapping[str, Sequence[str]]) -> None:
        """Replace an event's credits: role → names as written."""
        with self.catalog.transaction() as session:
            self._set_credits(session, q.require_event(session, slug), credits)
        self.indexer.sync()

    def event(self, slug: str) -> dict[str, Any]:
        """Return one event as exported, with its photo count."""
        with self.catalog.reading() as session:
            event = q.require_event(session, slug)
            return {**_event_dict(event), "photos": q.photo_counts(session).get(event.id, 0)}

    def event_summaries(self) -> list[dict[str, Any]]:
        """Return every event as exported, with its photo count, oldest first."""
        with self.catalog.reading() as session:
            counts = q.photo_counts(session)
            return [
                {**_event_dict(event), "photos": counts.get(event.id, 0)}
                for event in q.events(session)
            ]

    # ----------------------------------------------------------------------------------- import

    def import_files(
        self,
        paths: Sequence[Path],
        event_slug: str,
        *,
        photographer: str | None = None,
        caption: str | None = None,
        uploader: str | None = None,
        jobs: int = 1,
        on_result: Callable[[ImportResult], None] | None = None,
    ) -> list[ImportResult]:
        """Import files and folders into an event; each ends imported, duplicate or failed."""
        return self.importer.import_files(
            paths,
            event_slug,
            photographer=photographer,
            caption=caption,
            uploader=uploader,
            jobs=jobs,
            on_result=on_result,
        )

    def import_upload(
        self,
        save: Callable[[Path], None],
        filename: str,
        event_slug: str,
        *,
        photographer: str | None = None,
        uploader: str | None = None,
    ) -> ImportResult:
        """Import one uploaded file: ``save`` writes it to the path given; the client's name is data."""
        folder = self.store.temp_folder("upload")
        try:
            path = folder / safe_name(filename)
            save(path)
            [result] = self.import_files(
                [path], event_slug, photographer=photographer, uploader=uploader
            )
            return result
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    # ----------------------------------------------------------------------------------- editing

    def edit_photo(
        self,
        photo_id: int,
        *,
        user: str = "",
        caption: str | None = None,
        keywords: Sequence[str] | None = None,
        photographer: str | None = None,
        event: str | None = None,
    ) -> dict[str, Any]:
        """Change a photo's caption, keywords, photographer or event; recorded, and searchable at once."""
        self.editor.edit(
            photo_id,
            user=user,
            caption=caption,
            keywords=keywords,
            photographer=photographer,
            event=event,
        )
        self.indexer.sync()
        return self.photo(photo_id)

    def delete_photo(self, photo_id: int, *, user: str = "") -> None:
        """Move a photo to the trash (restorable for ``TRASH_DAYS``)."""
        self.editor.delete(photo_id, user=user)
        self.indexer.sync()

    def restore_photo(self, photo_id: int, *, user: str = "") -> None:
        """Bring a photo back from the trash."""
        self.editor.restore(photo_id, user=user)
        self.indexer.sync()

    def purge_trash(self, now: dt.datetime | None = None) -> int:
        """Delete for good the photos whose time in the trash is over, files included."""
        expired = self.editor.expired(now)
        for photo_id, sha, ext in expired:
            self.editor.purge(photo_id)
            self.store.remove(
                self.store.original_path(sha, ext),
                *(self.store.derived_path(name, sha) for name in self.sizes),
            )
        self.indexer.sync()
        return len(expired)

    # ------------------------------------------------------------------------------------ search

    def search(
        self,
        text: str,
        *,
        event: str | None = None,
        sort: str = "relevance",
        page: int = 1,
        per_page: int = 20,
    ) -> Results:
        """Search the archive as staff type it: Chinese or English, filters, dates, phrases."""
        if sort not in ("relevance", "date", "date-asc"):
            raise InvalidInput(f"unknown sort {sort!r} (relevance, date or date-asc)")
        return self.indexer.search(text, event=event, sort=sort, page=page, per_page=per_page)

    def rebuild_index(self, on_progress: Callable[[int, int], None] | None = None) -> int:
        """Recreate the search index from the catalogue; return the number of documents."""
        return self.indexer.rebuild(on_progress)

    def check_index(self, on_progress: Callable[[int, int], None] | None = None) -> IndexReport:
        """Report photos and events missing from, or stale in, the search index."""
        return self.indexer.check(on_progress)

    # ------------------------------------------------------------------------------- derivatives

    def rebuild_derivatives(
        self, on_photo: Callable[[int, str | None], None] | None = None
    ) -> tuple[int, list[str]]:
        """Regenerate every photo's derivatives from its original; return (done, failures)."""
        with self.catalog.reading() as session:
            originals = [(p.id, p.sha256, p.ext, p.orientation) for p in q.photos(session)]
        failures: list[str] = []
        for photo_id, sha, ext, orientation in originals:
            error = self._derive(sha, ext, orientation)
            if error:
                failures.append(f"photo {photo_id}: {error}")
            if on_photo:
                on_photo(photo_id, error)
        return len(originals) - len(failures), failures

    def _derive(self, sha: str, ext: str, orientation: int) -> str | None:
        """Write the derivatives of one stored original; return the reason when it cannot."""
        original = self.store.original_path(sha, ext)
        if not original.is_file():
            return f"original missing: {self.store.relative(original)}"
        try:
            with images.open_image(original, int(self.config["MAX_PIXELS"])) as im:
                derived = images.make_derivatives(
                    im, self.sizes, orientation, int(self.config["JPEG_QUALITY"])
                )
        except RejectedFile as exc:
            return str(exc)
        for name, derivative in derived.items():
            self.store.write(self.store.derived_path(name, sha), derivative.data)
        return None

    def derivative(self, sha256: str, size: str) -> Path:
        """Return the path of a photo's derivative, regenerating it when it is missing."""
        if size not in self.sizes:
            raise NotFound(f"no derivative size {size!r}")
        path = self.store.derived_path(size, sha256)
        if not path.is_file():
            with self.catalog.reading() as session:
                photo = q.photo_by_sha(session, sha256)
                if photo is None:
                    raise NotFound(f"no photo {sha256}")
                ext, orientation = photo.ext, photo.orientation
            error = self._derive(sha256, ext, orientation)
            if error:
                raise GalleryError(f"cannot make the {size} image of {sha256[:12]}: {error}")
        return path

    # ------------------------------------------------------------------------------------ export

    def export_pack(
        self, slug: str, target: Path, photo_ids: Sequence[int] | None = None
    ) -> tuple[Path, int]:
        """Write an event's press pack: display-size photos (no metadata) and captions.txt."""
        with self.catalog.reading() as session:
            event = q.require_event(session, slug)
            photos = q.photos(session, event.id)
            if photo_ids:
                chosen = {p.id: p for p in photos}
                missing = [i for i in photo_ids if i not in chosen]
                if missing:
                    raise NotFound(f"photo {missing[0]} is not in the event {slug}")
                photos = [chosen[i] for i in photo_ids]
            if not photos:
                raise InvalidInput(f"the event {slug} has no photos to pack")
            info = _event_dict(event)
            rows = [
                (p.sha256, p.caption, p.photographer.display_name if p.photographer else "")
                for p in photos
            ]
        width = max(2, len(str(len(rows))))
        files: list[tuple[str, Path]] = []
        lines = [info["title"], " · ".join(filter(None, [info["start_date"], info["place"]])), ""]
        for n, (sha, caption, photographer) in enumerate(rows, 1):
            name = f"{info['start_date']}-{n:0{width}d}.jpg"
            files.append((name, self.derivative(sha, "display")))
            credit = f"{CREDIT_ROLES['photo']}／{photographer}" if photographer else ""
            lines += [name, "  ".join(filter(None, [caption, credit])) or "—", ""]
        lines += [f"{c['label']}：{' '.join(c['names'])}" for c in info["credits"]]
        return write_pack(target, files, "\n".join(lines).rstrip() + "\n"), len(files)

    def photo(self, photo_id: int) -> dict[str, Any]:
        """Return one photo as exported, with its full tag dump."""
        with self.catalog.reading() as session:
            photo = session.get(Photo, photo_id)
            if photo is None:
                raise NotFound(f"no photo with id {photo_id}")
            return {**self._photo_dict(photo), "tags": photo.tags}

    def export(self, event_slug: str | None = None) -> dict[str, Any]:
        """Return the catalogue (or one event of it) as the JSON backup format."""
        with self.catalog.reading() as session:
            if event_slug:
                event = q.require_event(session, event_slug)
                events, photos = [event], q.photos(session, event.id)
            else:
                events, photos = q.events(session), q.photos(session)
            return {
                "format": "gallery-export/1",
                "events": [_event_dict(e) for e in events],
                "photos": [self._photo_dict(p) for p in photos],
            }

    def _photo_dict(self, photo: Photo) -> dict[str, Any]:
        """Return a photo's exported fields."""
        gps = None
        if photo.gps_lat is not None and photo.gps_lon is not None:
            gps = {"lat": photo.gps_lat, "lon": photo.gps_lon, "alt": photo.gps_alt}
        store = self.store
        return {
            "id": photo.id,
            "sha256": photo.sha256,
            "original_name": photo.original_name,
            "event": photo.event.slug,
            "photographer": photo.photographer.display_name if photo.photographer else None,
            "uploader": photo.uploader.username if photo.uploader else None,
            "caption": photo.caption,
            "keywords": photo.keywords,
            "width": photo.width,
            "height": photo.height,
            "orientation": photo.orientation,
            "taken_at": photo.taken_at,
            "camera_make": photo.camera_make,
            "camera_model": photo.camera_model,
            "lens": photo.lens,
            "exposure_time": photo.exposure_time,
            "f_number": photo.f_number,
            "iso": photo.iso,
            "focal_length_mm": photo.focal_length_mm,
            "gps": gps,
            "artist": photo.artist,
            "copyright": photo.copyright,
            "description": photo.description,
            "warnings": photo.warnings,
            "size_bytes": photo.size_bytes,
            "original": store.relative(store.original_path(photo.sha256, photo.ext)),
            "derivatives": {
                name: store.relative(store.derived_path(name, photo.sha256)) for name in self.sizes
            },
        }


def _event_dict(event: Event) -> dict[str, Any]:
    """Return an event's exported fields, with its credits by role in publication order."""
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
        "organisers": event.organisers,
        "description": event.description,
        "keywords": event.keywords,
        "published_at": event.published_at.isoformat(sep=" ") if event.published_at else None,
        "article": event.article,
        "credits": [
            {"role": role, "label": CREDIT_ROLES[role], "names": credits[role]}
            for role in CREDIT_ROLES
            if role in credits
        ],
    }
