"""Event photo archive and exhibition gallery."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask, jsonify

from gallery.archive import Archive
from gallery.config import load_config
from gallery.errors import GalleryError


def _template_folder() -> str:
    """Return the templates folder: packaged inside the wheel, or at the top of a checkout."""
    packaged = Path(__file__).parent / "templates"
    return str(packaged if packaged.is_dir() else Path(__file__).parent.parent / "templates")


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Create the gallery app: settings, then the archive, then commands and error handlers."""
    app = Flask(__name__, template_folder=_template_folder())
    app.config.update(load_config(test_config))
    archive = Archive(app.config).open()
    app.extensions["gallery"] = archive

    from gallery.cli import register_commands

    register_commands(app)

    @app.errorhandler(GalleryError)
    def gallery_error(error: GalleryError):
        return jsonify(error=str(error)), error.status

    return app


def get_archive(app: Flask) -> Archive:
    """Return the archive an app was created with."""
    return app.extensions["gallery"]
