"""The catalogue: SQLAlchemy models, sessions, queries and migrations. SQLAlchemy stays in here."""

from gallery.catalog import outbox, queries
from gallery.catalog.db import Catalog
from gallery.catalog.models import (
    CREDIT_ROLES,
    USER_ROLES,
    ApiToken,
    Change,
    Credit,
    DisplayLink,
    Event,
    EventSlug,
    Exhibition,
    ExhibitionItem,
    Person,
    Photo,
    User,
)
from gallery.catalog.records import PhotoPerson, RecordGroup, RecordItem
from gallery.catalog.shares import GuestUpload, ShareLink, ShareVisit

__all__ = [
    "CREDIT_ROLES",
    "USER_ROLES",
    "ApiToken",
    "Change",
    "Catalog",
    "Credit",
    "DisplayLink",
    "Exhibition",
    "ExhibitionItem",
    "Event",
    "EventSlug",
    "Person",
    "GuestUpload",
    "Photo",
    "PhotoPerson",
    "RecordGroup",
    "RecordItem",
    "ShareLink",
    "ShareVisit",
    "User",
    "outbox",
    "queries",
]
