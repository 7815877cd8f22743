"""Event photo archive and exhibition gallery.

Importing the package costs nothing: worker processes import :mod:`gallery.ingest` without Flask or
SQLAlchemy. ``create_app`` and ``get_archive`` load the web application on first use (``flask --app
gallery`` finds ``create_app`` through the module's ``__getattr__``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from gallery.app import create_app, get_archive

__all__ = ["create_app", "get_archive"]


def __getattr__(name: str) -> Any:
    """Return ``create_app`` or ``get_archive`` from :mod:`gallery.app`, imported on first use."""
    if name in __all__:
        from gallery import app

        return getattr(app, name)
    raise AttributeError(f"module 'gallery' has no attribute {name!r}")
