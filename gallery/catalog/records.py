"""The archives office's tables: photo groups (组), archived photos (张) and the people shown.

Kept beside :mod:`gallery.catalog.models` (same declarative base) because they describe photos for
transfer under DA/T 50-2014 and DA/T 54-2014, not for the gallery's own pages.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from gallery.catalog.models import Base, Event, Person, Photo, utcnow


class RecordGroup(Base):
    """An event described as a photo group: its 题名, 总说明, 保管期限, 密级 and 档号."""

    __tablename__ = "record_group"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), unique=True)
    title: Mapped[str] = mapped_column(String(500), default="")  # 题名
    cause: Mapped[str] = mapped_column(Text, default="")  # 事由
    time_text: Mapped[str] = mapped_column(String(200), default="")  # 时间
    place: Mapped[str] = mapped_column(String(500), default="")  # 地点
    people: Mapped[str] = mapped_column(Text, default="")  # 人物: 单位、职务、姓名
    background: Mapped[str] = mapped_column(Text, default="")  # 背景
    retention: Mapped[str] = mapped_column(String(20), default="")  # 保管期限 key
    secrecy: Mapped[str] = mapped_column(String(20), default="")  # 密级
    cataloguer: Mapped[str] = mapped_column(String(200), default="")  # 著录者
    reviewer: Mapped[str] = mapped_column(String(200), default="")  # 审核者
    # Assigned once, never changed: the year and number the archival code is built from.
    year: Mapped[int | None]
    number: Mapped[int | None]  # 组号
    code: Mapped[str | None] = mapped_column(String(120), unique=True)  # 档号
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    event: Mapped[Event] = relationship()
    items: Mapped[list[RecordItem]] = relationship(
        back_populates="group", order_by="RecordItem.position", cascade="all, delete-orphan"
    )


class RecordItem(Base):
    """A photo selected for the archives: its own 说明 where it differs from the group's."""

    __tablename__ = "record_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(
        ForeignKey("record_group.id", ondelete="CASCADE"), index=True
    )
    photo_id: Mapped[int] = mapped_column(ForeignKey("photo.id", ondelete="CASCADE"), unique=True)
    position: Mapped[int] = mapped_column(default=0)  # order in the group before numbering
    see_also: Mapped[str] = mapped_column(String(200), default="")  # 参见号
    background: Mapped[str] = mapped_column(Text, default="")  # 背景 of this photo, if its own
    number: Mapped[int | None]  # 张号, assigned once
    code: Mapped[str | None] = mapped_column(String(160), unique=True)  # 照片号

    group: Mapped[RecordGroup] = relationship(back_populates="items")
    photo: Mapped[Photo] = relationship()


class PhotoPerson(Base):
    """Someone shown in a photo, in order from the left (左起), with their unit and post."""

    __tablename__ = "photo_person"
    __table_args__ = (UniqueConstraint("photo_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    photo_id: Mapped[int] = mapped_column(ForeignKey("photo.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    unit: Mapped[str] = mapped_column(String(200), default="")  # 单位
    post: Mapped[str] = mapped_column(String(200), default="")  # 职务

    person: Mapped[Person] = relationship()
