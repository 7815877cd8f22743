"""The Flask application factory: settings, then the archive, then the web interface."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask, current_app

from gallery.archive import Archive
from gallery.config import load_config


def _template_folder() -> str:
    """Return the templates folder: packaged inside the wheel, or at the top of a checkout."""
    packaged = Path(__file__).parent / "templates"
    return str(packaged if packaged.is_dir() else Path(__file__).parent.parent / "templates")


def create_app(
    test_config: Mapping[str, Any] | None = None, *, archive: Archive | None = None
) -> Flask:
    """Create the gallery app: settings, then the archive, then the web interface.

    ``archive`` serves an archive already opened (``gallery serve``'s); otherwise one is opened from
    the settings: ``GALLERY_*`` from the environment, or ``test_config`` instead of them.
    """
    app = Flask(__name__, template_folder=_template_folder())
    if archive is None:
        app.config.update(load_config(test_config))
        archive = Archive(app.config).open()
    elif test_config is not None:
        raise TypeError("give an opened archive or the settings to open one, not both")
    else:
        app.config.update(archive.config)
    app.extensions["gallery"] = archive

    from gallery.views import init_app

    init_app(app)
    return app


def get_archive(app: Flask | None = None) -> Archive:
    """Return the archive an app was created with: the running app's when none is given.

    The one way views and tests reach the archive (commands: :func:`gallery.cli.common.get_archive`).
    """
    return (app or current_app).extensions["gallery"]
