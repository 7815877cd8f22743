"""The catalogue: SQLAlchemy models, sessions, queries and migrations. SQLAlchemy stays in here."""

from gallery.catalog import queries
from gallery.catalog.db import Catalog
from gallery.catalog.models import CREDIT_ROLES, USER_ROLES, Credit, Event, Person, Photo, User

__all__ = [
    "CREDIT_ROLES",
    "USER_ROLES",
    "Catalog",
    "Credit",
    "Event",
    "Person",
    "Photo",
    "User",
    "queries",
]
