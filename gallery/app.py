"""The Flask application factory: settings, then the archive, then commands and the web interface."""

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


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Create the gallery app: settings, then the archive, then commands and the web interface."""
    app = Flask(__name__, template_folder=_template_folder())
    app.config.update(load_config(test_config))
    archive = Archive(app.config).open()
    app.extensions["gallery"] = archive

    from gallery.cli import register_commands
    from gallery.views import init_app

    register_commands(app)
    init_app(app)
    return app


def get_archive(app: Flask | None = None) -> Archive:
    """Return the archive an app was created with: the running app's when none is given.

    The one way views, commands and tests reach the archive.
    """
    return (app or current_app).extensions["gallery"]
