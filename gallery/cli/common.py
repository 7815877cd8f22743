"""What every command shares: the archive of the run, one clear line for a refused request, JSON
that keeps Chinese readable."""

from __future__ import annotations

import functools
import gc
import json
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import click

from gallery.config import load_config
from gallery.errors import GalleryError

if TYPE_CHECKING:
    from gallery.archive import Archive


class Setup:
    """The archive one run of ``gallery`` works on: given (tests), or built on first use.

    Built from the ``GALLERY_*`` settings only when a command needs it, so ``gallery --help`` and
    a mistyped option cost no catalogue connection, and only ``serve`` loads the web application.
    """

    def __init__(self, archive: Archive | None = None) -> None:
        self._archive = archive
        self._owned = archive is None
        self._settings = archive.config if archive is not None else None

    def settings(self) -> Mapping[str, Any]:
        """Return the settings (read once), without opening the archive."""
        if self._settings is None:
            self._settings = load_config()
        return self._settings

    def archive(self) -> Archive:
        """Return the archive, opening it (migrations, start-up sweep) the first time."""
        if self._archive is None:
            from gallery.archive import Archive  # the catalogue's libraries, for commands only

            self._archive = Archive(self.settings())
            self._archive.open()
            # The libraries' objects live as long as the command: no collection walks them again,
            # the one at the interpreter's exit included (0.15 s with SQLAlchemy's).
            gc.freeze()
        return self._archive

    def close(self) -> None:
        """Close the archive if this run opened it."""
        if self._owned and self._archive is not None:
            self._archive.close()
            self._archive = None


def get_setup() -> Setup:
    """Return the setup of the running command."""
    return click.get_current_context().ensure_object(Setup)


def get_archive() -> Archive:
    """Return the archive of the running command."""
    return get_setup().archive()


def domain_errors(command: Callable[..., Any]) -> Callable[..., Any]:
    """Turn a GalleryError into one clear line and exit status 1."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except GalleryError as exc:
            raise click.ClickException(str(exc)) from exc

    return wrapper


def echo_json(data: Any) -> None:
    """Print ``data`` as JSON, keeping Chinese text readable."""
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))
