"""Keep the import direction of ARCHITECTURE.md: views, cli → archive → parts → errors, config."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).parent.parent / "gallery"

# What each module may import from the gallery itself, listed by layer.
BASE = {"errors", "config"}
PARTS = {
    "analysis",
    "pg_search",
    "pg_statements",
    "catalog",
    "metadata",
    "images",
    "vips",
    "media_store",
    "search_index",
    "text",
    "highlight",
    "article",
    "ingest",
    "people",
    "shapes",
    "workers",
    "qr",
    "limits",
}
SERVICES = {
    "events",
    "importer",
    "photos",
    "browsing",
    "indexing",
    "exhibitions",
    "accounts",
    "derived",
    "exports",
    "records",
    "shares",
    "media_check",
}
ALLOWED = {
    "errors": set(),
    "config": set(),
    "text": BASE,
    "qr": set(),
    "media_store": BASE,
    "images": BASE,
    "vips": BASE,
    "metadata": BASE,
    "catalog": BASE | {"catalog"},
    "highlight": BASE | {"text"},
    "article": BASE | {"text"},
    "analysis": BASE | {"text"},
    "search_index": BASE | {"analysis", "text", "highlight"},
    "pg_statements": BASE | {"analysis", "catalog", "text"},
    "pg_search": BASE
    | {"analysis", "catalog", "highlight", "pg_statements", "search_index", "text"},
    "ingest": BASE | {"images", "vips", "media_store", "metadata"},
    "workers": BASE | {"ingest", "media_store"},
    "people": BASE | {"catalog", "text"},
    "shapes": BASE | {"article", "catalog", "media_store", "text"},
    "limits": BASE,
    # Services use the parts, and a few use another service they are built with.
    **{service: BASE | PARTS for service in SERVICES},
    "photos": BASE | PARTS | {"derived"},
    "exports": BASE | PARTS | {"derived"},
    "shares": BASE | PARTS | {"exports", "importer"},
    "media_check": BASE | PARTS | {"derived"},
    "archive": BASE | PARTS | SERVICES,
    "demo": BASE | PARTS | SERVICES | {"archive"},
    "app": BASE | {"archive", "views"},
    # The outer layer: never the catalogue itself, always through the archive's services.
    "cli": BASE | (PARTS - {"catalog"}) | SERVICES | {"app", "archive", "cli", "demo"},
    "views": BASE | (PARTS - {"catalog"}) | SERVICES | {"app", "archive", "views"},
    "__init__": {"app"},
}

# Third-party libraries and the only modules that may import them.
OWNERS = {
    "exifread": {"metadata"},
    "PIL": {"images", "metadata"},
    "pillow_heif": {"images"},
    "rawpy": {"images"},
    "pyvips": {"vips"},
    "whoosh": {"search_index"},
    "sqlalchemy": {"catalog"},
    "alembic": {"catalog"},
    "flask": {"app", "views"},
    "opencc": {"text"},
    "rjieba": {"text"},
    "pypinyin": {"text"},
    "flask_login": {"views"},
    "flask_wtf": {"views"},
    "flask_babel": {"views"},
    "waitress": {"cli"},
    "segno": {"qr"},
}


def imports(path: Path) -> set[str]:
    """Return the top-level names a module imports, with gallery's own as ``gallery.x``."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            if node.module == "gallery":
                for alias in node.names:
                    is_module = (PACKAGE / f"{alias.name}.py").exists() or (
                        PACKAGE / alias.name
                    ).is_dir()
                    names.add(f"gallery.{alias.name if is_module else '__init__'}")
            else:
                names.add(node.module)
    return names


def area(path: Path) -> str:
    """Return the layer a file belongs to: its top module or package under gallery/."""
    relative = path.relative_to(PACKAGE)
    return relative.parts[0] if len(relative.parts) > 1 else relative.stem


def modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def test_every_module_has_a_layer() -> None:
    assert {area(p) for p in modules()} <= set(ALLOWED)


def test_gallery_imports_run_one_way() -> None:
    wrong = []
    for path in modules():
        for name in imports(path):
            if name.startswith("gallery."):
                target = name.split(".")[1]
                if target != area(path) and target not in ALLOWED[area(path)]:
                    wrong.append(f"{path.relative_to(PACKAGE)} imports {name}")
    assert wrong == []


def test_each_library_lives_in_its_module() -> None:
    wrong = []
    for path in modules():
        for name in imports(path):
            library = name.split(".")[0]
            if library in OWNERS and area(path) not in OWNERS[library]:
                wrong.append(f"{path.relative_to(PACKAGE)} imports {library}")
    assert wrong == []


def test_the_outer_layer_reaches_the_archive_only_through_its_services() -> None:
    """Views and commands call ``archive.<service>.<verb>()``, never its catalogue or media store."""
    wrong = []
    for path in modules():
        if area(path) not in ("views", "cli"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr in ("store", "catalog"):
                wrong.append(f"{path.relative_to(PACKAGE)}:{node.lineno} uses .{node.attr}")
    assert wrong == []


def test_the_layering_test_can_fail(tmp_path: Path) -> None:
    """A view importing the catalogue is caught (the rule above is not vacuous)."""
    view = tmp_path / "bad_view.py"
    view.write_text("from gallery.catalog import queries\n", encoding="utf-8")
    assert "gallery.catalog" in imports(view)
    assert "catalog" not in ALLOWED["views"]


def test_no_module_grows_past_what_one_module_should_own() -> None:
    """STYLE.md: split a module when it passes ~400 lines (450 is the hard stop)."""
    long = [
        f"{path.relative_to(PACKAGE)}: {n}"
        for path in modules()
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > 450
    ]
    assert long == []
