"""What every command shares: one clear line for a refused request, JSON that keeps Chinese readable."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from typing import Any

import click

from gallery.errors import GalleryError


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
