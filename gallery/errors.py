"""The few errors the gallery raises on purpose, each carrying the HTTP status it maps to."""

from __future__ import annotations


class GalleryError(Exception):
    """Base of every error the gallery raises on purpose; ``str()`` is the user-facing reason."""

    status = 500


class InvalidInput(GalleryError):
    """Raised when a request or command names something malformed (a bad date, an unknown role)."""

    status = 400


class NotFound(GalleryError):
    """Raised when an event, photo, person or user does not exist."""

    status = 404


class Conflict(GalleryError):
    """Raised when a change collides with what exists (a slug or user name already taken)."""

    status = 409


class RejectedFile(GalleryError):
    """Raised when an uploaded file is refused: not an image, truncated, too large, unsupported."""

    status = 422
