"""The few errors the gallery raises on purpose, each carrying the HTTP status it maps to."""

from __future__ import annotations


class GalleryError(Exception):
    """Base of every error the gallery raises on purpose; ``str()`` is the user-facing reason."""

    status = 500


class InvalidInput(GalleryError):
    """Raised when a request or command names something malformed (a bad date, an unknown role).

    ``field`` names the input at fault when there is one (``caption``), for forms and scripts.
    """

    status = 400

    def __init__(self, message: str = "", field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class Forbidden(GalleryError):
    """Raised when a user may not change some of what they asked to (another's photos)."""

    status = 403


class NotFound(GalleryError):
    """Raised when an event, photo, person or user does not exist."""

    status = 404


class Gone(GalleryError):
    """Raised when a link existed but no longer works: it expired or was revoked."""

    status = 410


class TooLong(InvalidInput):
    """Raised when a text (or a list of keywords) is longer than its limit (gallery.limits).

    ``limit`` is the most allowed, ``unit`` what is counted: ``"characters"`` or ``"keywords"``.
    """

    def __init__(self, field: str, limit: int, count: int, unit: str = "characters") -> None:
        super().__init__(f"{field}: at most {limit} {unit} (this one has {count})", field=field)
        self.limit, self.count, self.unit = limit, count, unit


class DiskFull(GalleryError):
    """Raised when the archive's disk has no room left for a file being written."""

    status = 507


class Conflict(GalleryError):
    """Raised when a change collides with what exists (a slug or user name already taken)."""

    status = 409


#: Why a file is refused: code → the reason in English. Views translate by code, never by wording.
REFUSALS: dict[str, str] = {
    "no_such_file": "no such file",
    "not_a_file": "not a file",
    "unreadable_file": "cannot read or write the file",
    "empty_file": "empty file (0 bytes)",
    "not_an_image": "not an image (content not recognised)",
    "unsupported_format": "unsupported image format",
    "too_many_pixels": "too many pixels",
    "too_large_to_decode": "too large to decode",
    "unreadable_image": "the image cannot be read",
    "truncated": "the image data is incomplete or damaged",
    "raw_damaged": "the camera RAW file is incomplete or damaged",
    "raw_no_preview": "the camera RAW file has no preview image",
    "out_of_memory": "not enough memory to decode this image",
    "decode_failed": "the image cannot be decoded",
    "catalogue_refused": "the catalogue refused the photo",
}


class RejectedFile(GalleryError):
    """Raised when a file is refused: not an image, truncated, too large, unsupported.

    ``code`` is one of :data:`REFUSALS`; ``detail`` says what exactly (a format, a size, the decoder's
    words) and is shown after the translated reason.
    """

    status = 422

    def __init__(self, code: str, detail: str = "") -> None:
        if code not in REFUSALS:
            raise ValueError(f"unknown refusal code {code!r}")
        self.code = code
        self.detail = detail
        super().__init__(f"{REFUSALS[code]}: {detail}" if detail else REFUSALS[code])

    def __reduce__(self) -> tuple[type[RejectedFile], tuple[str, str]]:
        """Pickle by code and detail, so a refusal crosses from an import worker intact."""
        return type(self), (self.code, self.detail)


class IndexUnavailable(GalleryError):
    """Raised when the search index cannot be read (a file lost or damaged) until it is rebuilt.

    Only search stops: the index is derived, and the outbox keeps every change for the rebuilt one.
    """

    status = 503
