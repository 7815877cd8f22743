"""Archive-grade records for the archives office (数码照片归档), under DA/T 50-2014 and DA/T 54-2014.

An event is a photo group (组) with a 题名 and a 总说明 (事由、时间、地点、人物、背景); each photo chosen
for the archives (张) has its 照片号 and the six elements of its 说明. What the archive already knows
is filled in (event, date, place, photographer, caption, credits: 图 → 摄影者, 审核 → 审核者,
责任编辑 → 著录者); an editor completes the rest, sees what is still missing, and assigns the codes
(档号, 照片号) once: they never change afterwards. :mod:`gallery.records.package` writes the transfer.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from gallery.catalog import Catalog, Event, Photo, PhotoPerson, RecordGroup, RecordItem
from gallery.catalog import queries as q
from gallery.errors import Conflict, InvalidInput, NotFound
from gallery.images.archival import archival_jpeg
from gallery.media_store import MediaStore
from gallery.people import person_for_name
from gallery.records.package import write_package
from gallery.records.transfer import CodeRules, Retention, packed_groups, parse_retention
from gallery.shapes import credit_line

__all__ = ["CodeRules", "Records", "Retention", "parse_people", "parse_retention"]

#: The group's own fields an editor may write, with the element each stands for.
GROUP_FIELDS: dict[str, str] = {
    "title": "题名",
    "cause": "事由",
    "time_text": "时间",
    "place": "地点",
    "people": "人物",
    "background": "背景",
    "retention": "保管期限",
    "secrecy": "密级",
    "cataloguer": "著录者",
    "reviewer": "审核者",
}
#: Elements without which the archives office does not accept a group, or a photo.
REQUIRED_GROUP = ("title", "cause", "time_text", "place", "retention", "secrecy")
REQUIRED_PHOTO = ("摄影者", "摄影时间", "文字说明")


_PEOPLE_SPLIT = re.compile(r"[、,，;；\n]+")
_PERSON = re.compile(r"^(?P<name>[^（(]+?)\s*(?:[（(](?P<about>[^）)]*)[）)])?$")


def parse_people(text: str) -> list[dict[str, str]]:
    """Parse ``扎洛（海南州人民医院 院长）、李满桂`` into people in order, with unit and post."""
    people = []
    for part in _PEOPLE_SPLIT.split(text or ""):
        match = _PERSON.match(part.strip())
        if not match:
            continue
        about = (match["about"] or "").split()
        unit, post = (about[0], " ".join(about[1:])) if len(about) > 1 else ("", " ".join(about))
        people.append({"name": match["name"].strip(), "unit": unit, "post": post})
    return people


def people_text(people: Sequence[Mapping[str, str]]) -> str:
    """Write people back as an editor types them (the inverse of :func:`parse_people`)."""
    parts = []
    for p in people:
        about = " ".join(x for x in (p.get("unit", ""), p.get("post", "")) if x)
        parts.append(f"{p['name']}（{about}）" if about else p["name"])
    return "、".join(parts)


def date_text(event: Event) -> str:
    """Return an event's dates as the archives write them: 2024年11月1日, or a span."""

    def day(d: Any) -> str:
        return f"{d.year}年{d.month}月{d.day}日"

    if event.end_date and event.end_date != event.start_date:
        return f"{day(event.start_date)}至{day(event.end_date)}"
    return day(event.start_date)


class Records:
    """Describing events and photos for the archives office, and numbering them once."""

    def __init__(
        self, catalog: Catalog, store: MediaStore, rules: CodeRules, max_pixels: int
    ) -> None:
        self.catalog = catalog
        self.store = store
        self.rules = rules
        self.max_pixels = max_pixels

    # ------------------------------------------------------------------------------ describing

    def description(self, slug: str) -> dict[str, Any]:
        """Return an event's record: the group (saved or suggested), its photos, what is missing."""
        with self.catalog.reading() as session:
            event = q.require_event(session, slug)
            group = _group(session, event.id)
            fields = self._group_fields(event, group)
            items = {i.photo_id: i for i in group.items} if group else {}
            people = _people_by_photo(session, [p.id for p in q.photos(session, event.id)])
            photos = []
            for photo in q.photos(session, event.id):
                item = items.get(photo.id)
                photos.append(
                    {
                        "id": photo.id,
                        "sha256": photo.sha256,
                        "caption": photo.caption,
                        "photographer": _photographer(photo, event),
                        "taken": _taken(photo, event),
                        "people": people.get(photo.id, []),
                        "people_text": people_text(people.get(photo.id, [])),
                        "selected": item is not None,
                        "code": item.code if item else None,
                        "see_also": item.see_also if item else "",
                        "background": item.background if item else "",
                    }
                )
            record = {
                "slug": event.slug,
                "event_title": event.title,
                "saved": group is not None,
                "fields": fields,
                "code": group.code if group else None,
                "photos": photos,
                "selected": sum(p["selected"] for p in photos),
            }
            record["missing"] = self._missing(record)
            return record

    def _group_fields(self, event: Event, group: RecordGroup | None) -> dict[str, str]:
        """Return the group's fields: what the editor saved, else what the archive knows."""
        credits = {c["role"]: "、".join(c["names"]) for c in credit_line(event)}
        known = {
            "title": event.title,
            "cause": _first_sentence(event.description) or event.title,
            "time_text": date_text(event),
            "place": event.place,
            "people": "",
            "background": "",
            "retention": "",
            "secrecy": "",
            "cataloguer": credits.get("editor", ""),
            "reviewer": credits.get("review", ""),
        }
        if group is None:
            return known
        return {key: getattr(group, key) or known[key] for key in GROUP_FIELDS}

    def _missing(self, record: Mapping[str, Any]) -> list[str]:
        """Return, in the editor's words, what the record still lacks before it can be transferred."""
        missing = []
        fields = record["fields"]
        for key in REQUIRED_GROUP:
            if not fields.get(key, "").strip():
                missing.append(f"组：{GROUP_FIELDS[key]}")
        if fields.get("retention") and fields["retention"] not in self.rules.retention:
            missing.append("组：保管期限（不是可选的期限）")
        if not self.rules.fonds:
            missing.append("全宗号（设置 GALLERY_ARCHIVE_FONDS）")
        if not record["selected"]:
            missing.append("没有选入归档的照片")
        for photo in record["photos"]:
            if not photo["selected"]:
                continue
            label = photo["code"] or f"照片 {photo['id']}"
            if not photo["photographer"]:
                missing.append(f"{label}：摄影者")
            if not photo["taken"]:
                missing.append(f"{label}：摄影时间")
            if not photo["caption"].strip():
                missing.append(f"{label}：文字说明")
        if record["selected"] and not record["code"]:
            missing.append("档号尚未编制")
        return missing

    def save(self, slug: str, fields: Mapping[str, str]) -> None:
        """Save the group's description (题名, 总说明, 保管期限, 密级, 著录者, 审核者)."""
        unknown = set(fields) - set(GROUP_FIELDS)
        if unknown:
            raise InvalidInput(f"unknown record field {sorted(unknown)[0]!r}")
        retention = fields.get("retention", "")
        if retention and retention not in self.rules.retention:
            raise InvalidInput(f"unknown retention period {retention!r}")
        secrecy = fields.get("secrecy", "")
        if secrecy and secrecy not in self.rules.secrecy:
            raise InvalidInput(f"unknown secrecy level {secrecy!r}")
        with self.catalog.transaction() as session:
            event = q.require_event(session, slug)
            group = _group(session, event.id) or RecordGroup(event=event)
            if group.code and retention and retention != group.retention:
                raise Conflict("the archival code is assigned: its retention period stays")
            for key, value in fields.items():
                setattr(group, key, " ".join(value.split()) if key != "background" else value)
            session.add(group)

    def select(self, slug: str, photo_ids: Sequence[int], *, selected: bool = True) -> int:
        """Choose photos of the event for the archives (or take them out); return the count chosen."""
        with self.catalog.transaction() as session:
            event = q.require_event(session, slug)
            group = _group(session, event.id)
            if group is None:
                group = RecordGroup(event=event)
                session.add(group)
                session.flush()
            in_event = {p.id: p for p in q.photos(session, event.id)}
            chosen = {i.photo_id: i for i in group.items}
            for photo_id in photo_ids:
                if photo_id not in in_event:
                    raise NotFound(f"photo {photo_id} is not in the event {slug}")
                item = chosen.get(photo_id)
                if selected and item is None:
                    item = RecordItem(photo_id=photo_id, position=len(group.items))
                    group.items.append(item)
                    chosen[photo_id] = item
                elif not selected and item is not None:
                    if item.code:
                        raise Conflict(f"photo {photo_id} is numbered {item.code}: it stays")
                    group.items.remove(item)
                    del chosen[photo_id]
            return len(chosen)

    def set_item(
        self, photo_id: int, *, see_also: str | None = None, background: str | None = None
    ) -> None:
        """Set a chosen photo's 参见号 or its own 背景."""
        with self.catalog.transaction() as session:
            item = session.query(RecordItem).filter_by(photo_id=photo_id).one_or_none()
            if item is None:
                raise NotFound(f"photo {photo_id} is not chosen for the archives")
            if see_also is not None:
                item.see_also = see_also.strip()[:200]
            if background is not None:
                item.background = background.strip()

    def set_people(self, photo_id: int, people: Sequence[Mapping[str, str]]) -> None:
        """Name the people shown in a photo, from the left, each linked to a catalogue person."""
        with self.catalog.transaction() as session:
            photo = session.get(Photo, photo_id)
            if photo is None or photo.deleted_at is not None:
                raise NotFound(f"no photo with id {photo_id}")
            session.query(PhotoPerson).filter_by(photo_id=photo_id).delete()
            session.flush()
            for position, shown in enumerate(people, 1):
                session.add(
                    PhotoPerson(
                        photo_id=photo_id,
                        position=position,
                        person=person_for_name(session, shown["name"]),
                        unit=shown.get("unit", "")[:200],
                        post=shown.get("post", "")[:200],
                    )
                )

    # ------------------------------------------------------------------------------- numbering

    def assign_codes(self, slug: str) -> str:
        """Give the group its 档号 and each chosen photo its 照片号, once; return the 档号."""
        with self.catalog.transaction() as session:
            event = q.require_event(session, slug)
            group = _group(session, event.id)
            if group is None or not group.items:
                raise InvalidInput("choose the photos to archive first")
            if not self.rules.fonds:
                raise InvalidInput("no fonds number (全宗号): set GALLERY_ARCHIVE_FONDS")
            if group.retention not in self.rules.retention:
                raise InvalidInput("choose the retention period (保管期限) first")
            if group.code is None:
                group.year = event.start_date.year
                taken = session.query(RecordGroup.number).filter(
                    RecordGroup.year == group.year,
                    RecordGroup.retention == group.retention,
                    RecordGroup.number.is_not(None),
                )
                group.number = max((n for (n,) in taken), default=0) + 1
                group.code = self.rules.group_pattern.format(**self._code_fields(group))
            numbered = [i.number for i in group.items if i.number is not None]
            next_number = max(numbered, default=0) + 1
            order = sorted(group.items, key=lambda i: (_sort_key(i.photo), i.position))
            for item in order:
                if item.number is None:
                    item.number = next_number
                    item.code = self.rules.photo_pattern.format(
                        group_code=group.code, item=next_number, **self._code_fields(group)
                    )
                    next_number += 1
            return group.code

    def _code_fields(self, group: RecordGroup) -> dict[str, Any]:
        """Return the fields a code pattern may use."""
        return {
            "fonds": self.rules.fonds,
            "year": group.year,
            "retention": self.rules.retention[group.retention].code,
            "group": group.number,
        }

    # ---------------------------------------------------------------------------------- transfer

    def transfer(
        self,
        year: int,
        target: Path,
        *,
        event_slug: str | None = None,
        transferred_by: str = "",
        encoding: str = "utf-8",
    ) -> tuple[Path, int, int]:
        """Write the transfer package of a year (or one event); return (path, groups, photos).

        Everything is checked first: when any required element is missing, nothing is written and
        :class:`InvalidInput` lists what is missing, group by group.
        """
        if encoding.lower().replace("-", "") not in ("utf8", "gb18030"):
            raise InvalidInput("the catalogue is written in UTF-8 or GB18030")
        with self.catalog.reading() as session:
            events = [q.require_event(session, event_slug)] if event_slug else q.events(session)
            events = [e for e in events if e.start_date.year == year and _group(session, e.id)]
        groups, problems = [], []
        for event in events:
            record = self.description(event.slug)
            if not record["selected"]:
                continue
            problems += [f"{event.slug}: {m}" for m in record["missing"]]
            groups.append(record)
        if not groups:
            raise InvalidInput(f"no photos of {year} are chosen for the archives")
        if problems:
            raise InvalidInput("the record is incomplete:\n" + "\n".join(problems))
        packed = packed_groups(self.catalog, self.store, self.rules, groups)
        path = write_package(
            target,
            packed,
            fonds=self.rules.fonds,
            year=year,
            transferred_by=transferred_by,
            convert=lambda original: archival_jpeg(original, self.max_pixels),
            encoding=encoding,
        )
        return path, len(packed), sum(len(g.photos) for g in packed)

    def counts(self) -> dict[int, int]:
        """Return how many photos of each event are chosen for the archives, by event id."""
        with self.catalog.reading() as session:
            rows = session.query(RecordGroup.event_id, RecordItem.id).join(RecordItem)
            counts: dict[int, int] = {}
            for event_id, _item in rows:
                counts[event_id] = counts.get(event_id, 0) + 1
            return counts


def _group(session: Any, event_id: int) -> RecordGroup | None:
    """Return the record group of an event, if it has one."""
    return session.query(RecordGroup).filter_by(event_id=event_id).one_or_none()


def _people_by_photo(session: Any, photo_ids: Sequence[int]) -> dict[int, list[dict[str, str]]]:
    """Return the people shown in these photos, in order from the left."""
    found: dict[int, list[dict[str, str]]] = {}
    if not photo_ids:
        return found
    rows = (
        session.query(PhotoPerson)
        .filter(PhotoPerson.photo_id.in_(photo_ids))
        .order_by(PhotoPerson.photo_id, PhotoPerson.position)
    )
    for row in rows:
        found.setdefault(row.photo_id, []).append(
            {"name": row.person.display_name, "unit": row.unit, "post": row.post}
        )
    return found


def _photographer(photo: Photo, event: Event) -> str:
    """Return who took a photo: its photographer, else the event's single 图 credit."""
    if photo.photographer:
        return photo.photographer.display_name
    shooters = [c.person.display_name for c in event.credits if c.role == "photo"]
    return shooters[0] if len(shooters) == 1 else ""


def _taken(photo: Photo, event: Event) -> str:
    """Return when a photo was taken as the archives write it (the event's date when unknown)."""
    if photo.taken_local:
        t = photo.taken_local
        return f"{t.year}年{t.month}月{t.day}日 {t.hour:02d}:{t.minute:02d}"
    return date_text(event)


def _sort_key(photo: Photo) -> tuple:
    """Order photos as taken, the undated last in import order."""
    return (photo.taken_local is None, photo.taken_local or 0, photo.id)


def _first_sentence(text: str) -> str:
    """Return the first sentence of a text (the lead of an article), without its full stop."""
    first = re.split(r"(?<=[。！？!?])", (text or "").strip(), maxsplit=1)[0]
    return first.strip().rstrip("。")[:500]
