"""Share links: an event (or some of its photos) for a partner hospital, by a secret link.

A link expires (30 days unless chosen), can be revoked at once, may ask a password once per browser,
offers display-size images (and the originals when chosen), a ZIP of everything, and optionally a
guest upload whose photos wait in quarantine until an editor accepts them, credited to the name the
guest gave. Every visit and download is logged for the event's editors. What a partner receives
carries no staff-only field: no GPS, no serials, no file names.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import shutil
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, BinaryIO

from werkzeug.security import check_password_hash, generate_password_hash

from gallery import images
from gallery.catalog import Catalog, GuestUpload, Photo, ShareLink, ShareVisit
from gallery.catalog import queries as q
from gallery.catalog.models import utcnow
from gallery.errors import Gone, InvalidInput, NotFound, RejectedFile
from gallery.exports import Exports, write_pack
from gallery.importer import Importer, ImportResult, Status, safe_name
from gallery.media_store import MediaStore, file_sha256
from gallery.shapes import credit_line

DEFAULT_DAYS = 30


def _token_hash(token: str) -> str:
    """Return the stored form of a share token."""
    return hashlib.sha256(token.encode()).hexdigest()


class Shares:
    """Share links, their visit log, and the quarantine of guest uploads."""

    def __init__(
        self,
        catalog: Catalog,
        store: MediaStore,
        imports: Importer,
        exports: Exports,
        max_pixels: int,
    ) -> None:
        self.catalog = catalog
        self.store = store
        self.imports = imports
        self.exports = exports
        self.max_pixels = max_pixels
        self.quarantine = store.root / "quarantine"

    # ---------------------------------------------------------------------------------- editors

    def create(
        self,
        slug: str,
        *,
        label: str = "",
        photo_ids: Sequence[int] = (),
        days: int = DEFAULT_DAYS,
        password: str = "",
        originals: bool = False,
        guest_upload: bool = False,
        user: str = "",
    ) -> str:
        """Create a share link and return its secret token (shown once, stored hashed)."""
        if not 1 <= days <= 366:
            raise InvalidInput("a share link lasts 1 to 366 days")
        if password and len(password) < 6:
            raise InvalidInput("a share password has at least 6 characters")
        token = secrets.token_urlsafe(24)
        with self.catalog.transaction() as session:
            event = q.require_event(session, slug)
            in_event = {p.id for p in q.photos(session, event.id)}
            unknown = [i for i in photo_ids if i not in in_event]
            if unknown:
                raise NotFound(f"photo {unknown[0]} is not in the event {slug}")
            session.add(
                ShareLink(
                    event=event,
                    token_hash=_token_hash(token),
                    label=" ".join(label.split())[:200],
                    photo_ids=list(dict.fromkeys(photo_ids)),
                    originals=originals,
                    guest_upload=guest_upload,
                    password_hash=generate_password_hash(password, "scrypt") if password else None,
                    expires_at=utcnow() + dt.timedelta(days=days),
                    created_by=user,
                )
            )
        return token

    def links(self, slug: str) -> list[dict[str, Any]]:
        """Return an event's share links, newest first, with their state and use."""
        now = utcnow()
        with self.catalog.reading() as session:
            event = q.require_event(session, slug)
            links = (
                session.query(ShareLink).filter_by(event_id=event.id).order_by(ShareLink.id.desc())
            )
            found = []
            for link in links:
                visits = session.query(ShareVisit).filter_by(link_id=link.id)
                actions = [v.action for v in visits]
                state = (
                    "revoked"
                    if link.revoked_at
                    else "expired"
                    if link.expires_at <= now
                    else "active"
                )
                found.append(
                    {
                        "id": link.id,
                        "label": link.label,
                        "state": state,
                        "expires_at": link.expires_at,
                        "photos": len(link.photo_ids) or None,
                        "originals": link.originals,
                        "guest_upload": link.guest_upload,
                        "password": link.password_hash is not None,
                        "created_by": link.created_by,
                        "views": actions.count("view"),
                        "downloads": sum(a in ("zip", "original") for a in actions),
                    }
                )
            return found

    def revoke(self, slug: str, link_id: int) -> None:
        """Stop a share link at once."""
        with self.catalog.transaction() as session:
            link = session.get(ShareLink, link_id)
            if link is None or link.event.slug != slug:
                raise NotFound(f"no share link {link_id} for {slug}")
            link.revoked_at = link.revoked_at or utcnow()

    def visits(self, slug: str, limit: int = 200) -> list[dict[str, Any]]:
        """Return the latest uses of an event's share links, for its editors."""
        with self.catalog.reading() as session:
            event = q.require_event(session, slug)
            rows = (
                session.query(ShareVisit, ShareLink.label)
                .join(ShareLink, ShareVisit.link_id == ShareLink.id)
                .filter(ShareLink.event_id == event.id)
                .order_by(ShareVisit.id.desc())
                .limit(limit)
            )
            return [
                {
                    "at": v.at,
                    "link": label,
                    "action": v.action,
                    "address": v.address,
                    "detail": v.detail,
                }
                for v, label in rows
            ]

    # ------------------------------------------------------------------------------- partners

    def _open(self, session: Any, token: str) -> ShareLink:
        """Return the link of a token, or raise NotFound (never was) or Gone (expired, revoked)."""
        link = session.query(ShareLink).filter_by(token_hash=_token_hash(token)).one_or_none()
        if link is None:
            raise NotFound("no such share link")
        if link.revoked_at is not None or link.expires_at <= utcnow():
            raise Gone("this share link has expired or was withdrawn")
        return link

    def _photos(self, session: Any, link: ShareLink) -> list[Photo]:
        """Return the photos a link shares, in the event's order (trashed ones never)."""
        photos = q.photos(session, link.event_id)
        if link.photo_ids:
            chosen = set(link.photo_ids)
            photos = [p for p in photos if p.id in chosen]
        return photos

    def needs_password(self, token: str) -> int | None:
        """Return the link's id when it asks a password, else None (raises when it is not valid)."""
        with self.catalog.reading() as session:
            link = self._open(session, token)
            return link.id if link.password_hash else None

    def check_password(self, token: str, password: str, address: str = "") -> bool:
        """Tell whether the password opens the link; a wrong one is logged."""
        with self.catalog.reading() as session:
            link = self._open(session, token)
            ok = link.password_hash is None or check_password_hash(link.password_hash, password)
        if not ok:
            self.log(token, "password", address, "wrong password")
        return ok

    def page(self, token: str) -> dict[str, Any]:
        """Return what the partner sees: the event's story, its credits and the shared photos."""
        with self.catalog.reading() as session:
            link = self._open(session, token)
            event = link.event
            return {
                "label": link.label,
                "title": event.title,
                "start_date": event.start_date,
                "end_date": event.end_date,
                "place": event.place,
                "description": event.description,
                "credits": credit_line(event),
                "expires_at": link.expires_at,
                "originals": link.originals,
                "guest_upload": link.guest_upload,
                "photos": [
                    {
                        "id": p.id,
                        "sha256": p.sha256,
                        "width": p.width,
                        "height": p.height,
                        "caption": p.caption,
                        "photographer": p.photographer.display_name if p.photographer else "",
                    }
                    for p in self._photos(session, link)
                ],
            }

    def shows(self, token: str, sha256: str) -> bool:
        """Tell whether a link shares the photo with this content (for its image URLs)."""
        try:
            with self.catalog.reading() as session:
                return any(
                    p.sha256 == sha256 for p in self._photos(session, self._open(session, token))
                )
        except (NotFound, Gone):
            return False

    def original(self, token: str, photo_id: int) -> tuple[Path, str]:
        """Return a shared photo's original and a download name that says nothing of its file."""
        with self.catalog.reading() as session:
            link = self._open(session, token)
            if not link.originals:
                raise NotFound("this link shares display-size photos only")
            ids = [p.id for p in self._photos(session, link)]
            if photo_id not in ids:
                raise NotFound(f"photo {photo_id} is not shared here")
            slug = link.event.slug
        path, _name, _sha = self.exports.original(photo_id)
        return path, f"{slug}-{ids.index(photo_id) + 1:03d}{path.suffix}"

    def archive_stream(self, token: str) -> tuple[BinaryIO, str]:
        """Return every shared photo in one ZIP (display size, or originals when shared) and its name."""
        with self.catalog.reading() as session:
            link = self._open(session, token)
            slug, originals = link.event.slug, link.originals
            ids = [p.id for p in self._photos(session, link)]
        if not ids:
            raise NotFound("no photos are shared here")
        if not originals:
            return self.exports.press_pack_stream(slug, ids), f"{slug}.zip"
        folder = self.store.temp_folder("share")
        try:
            files, lines = [], []
            for n, photo_id in enumerate(ids, 1):
                path, _name, _sha = self.exports.original(photo_id)
                files.append((f"{slug}-{n:03d}{path.suffix}", path))
            record = self.exports.catalogue(slug)
            by_id = {p["id"]: p for p in record["photos"]}
            for (name, _path), photo_id in zip(files, ids, strict=True):
                p = by_id[photo_id]
                credit = f"图／{p['photographer']}" if p["photographer"] else ""
                lines += [name, "  ".join(filter(None, [p["caption"], credit])) or "—", ""]
            target = write_pack(folder / f"{slug}.zip", files, "\n".join(lines).rstrip() + "\n")
            stream = target.open("rb")
            target.unlink()
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        return stream, f"{slug}.zip"

    def log(self, token: str, action: str, address: str = "", detail: str = "") -> None:
        """Record one use of a link (a visit, a download, an upload) for the event's editors."""
        with self.catalog.transaction() as session:
            link = session.query(ShareLink).filter_by(token_hash=_token_hash(token)).one_or_none()
            if link is not None:
                session.add(
                    ShareVisit(
                        link_id=link.id, action=action, address=address[:64], detail=detail[:300]
                    )
                )

    # --------------------------------------------------------------------------- guest uploads

    def guest_upload(
        self, token: str, save: Callable[[Path], None], filename: str, name: str
    ) -> int:
        """Take a partner's photo into quarantine; return its upload id. Refused files leave nothing."""
        name = " ".join(name.split())[:200]
        if not name:
            raise InvalidInput("give the photographer's name")
        with self.catalog.reading() as session:
            link = self._open(session, token)
            if not link.guest_upload:
                raise NotFound("this link takes no uploads")
            link_id = link.id
        folder = self.store.temp_folder("guest")
        try:
            path = folder / safe_name(filename)
            save(path)
            with images.open_image(path, self.max_pixels) as im:  # refuses what is no picture
                ext = images.extension(im)
            sha = file_sha256(path)
            self.quarantine.mkdir(parents=True, exist_ok=True)
            kept = self.quarantine / f"{sha}.{ext}"
            self.store.copy_in(path, kept, sha)
            with self.catalog.transaction() as session:
                upload = GuestUpload(
                    link_id=link_id,
                    sha256=sha,
                    ext=ext,
                    size_bytes=kept.stat().st_size,
                    original_name=safe_name(filename)[:500],
                    photographer=name,
                )
                session.add(upload)
                session.flush()
                upload_id = upload.id
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        self.log(token, "upload", detail=f"{name}: {safe_name(filename)}")
        return upload_id

    def pending(self, slug: str) -> list[dict[str, Any]]:
        """Return an event's guest uploads waiting for an editor, oldest first."""
        with self.catalog.reading() as session:
            event = q.require_event(session, slug)
            rows = (
                session.query(GuestUpload)
                .join(ShareLink)
                .filter(ShareLink.event_id == event.id, GuestUpload.status == "pending")
                .order_by(GuestUpload.id)
            )
            return [
                {
                    "id": u.id,
                    "photographer": u.photographer,
                    "original_name": u.original_name,
                    "size_bytes": u.size_bytes,
                    "link": u.link.label,
                    "at": u.created_at,
                }
                for u in rows
            ]

    def _pending_upload(self, session: Any, slug: str, upload_id: int) -> GuestUpload:
        """Return a pending guest upload of this event, or raise NotFound."""
        upload = session.get(GuestUpload, upload_id)
        if upload is None or upload.link.event.slug != slug or upload.status != "pending":
            raise NotFound(f"no guest upload {upload_id} waiting in {slug}")
        return upload

    def preview(self, slug: str, upload_id: int) -> bytes:
        """Return a small JPEG of a quarantined upload, made on the fly (nothing is stored)."""
        with self.catalog.reading() as session:
            upload = self._pending_upload(session, slug, upload_id)
            path = self.quarantine / f"{upload.sha256}.{upload.ext}"
        with images.open_image(path, self.max_pixels) as im:
            return images.make_derivatives(im, {"thumb": 320}, 1, 80)["thumb"].data

    def accept(self, slug: str, upload_id: int, user: str = "") -> ImportResult:
        """Import a quarantined upload into the event, credited to the name the guest gave."""
        with self.catalog.reading() as session:
            upload = self._pending_upload(session, slug, upload_id)
            kept = self.quarantine / f"{upload.sha256}.{upload.ext}"
            name, photographer = upload.original_name or kept.name, upload.photographer
        folder = self.store.temp_folder("accept")
        try:
            staged = folder / safe_name(name)
            shutil.copyfile(kept, staged)
            [result] = self.imports.import_files(
                [staged], slug, photographer=photographer, uploader=user or None
            )
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        if result.status is Status.FAILED:
            raise RejectedFile(result.code or "decode_failed", result.detail)
        self._settle(upload_id, "accepted", result.photo_id)
        return result

    def reject(self, slug: str, upload_id: int) -> None:
        """Delete a quarantined upload for good."""
        with self.catalog.reading() as session:
            self._pending_upload(session, slug, upload_id)
        self._settle(upload_id, "rejected", None)

    def _settle(self, upload_id: int, status: str, photo_id: int | None) -> None:
        """Record an editor's decision and remove the quarantined file when nothing else needs it."""
        with self.catalog.transaction() as session:
            upload = session.get(GuestUpload, upload_id)
            upload.status, upload.photo_id = status, photo_id
            same = (
                session.query(GuestUpload)
                .filter_by(sha256=upload.sha256, status="pending")
                .filter(GuestUpload.id != upload_id)
                .count()
            )
            kept = self.quarantine / f"{upload.sha256}.{upload.ext}"
        if not same:
            self.store.remove(kept)
