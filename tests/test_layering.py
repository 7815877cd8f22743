"""Keep the import direction of ARCHITECTURE.md: views, cli → archive → parts → errors, config."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).parent.parent / "gallery"

# What each module may import from the gallery itself, listed by layer.
BASE = {"errors", "config"}
PARTS = {
    "catalog",
    "metadata",
    "images",
    "vips",
    "media_store",
    "search_index",
    "text",
    "highlight",
}
ALLOWED = {
    "errors": set(),
    "config": set(),
    "text": BASE,
    "media_store": BASE,
    "images": BASE,
    "vips": BASE,
    "metadata": BASE,
    "catalog": BASE | {"catalog"},
    "highlight": BASE | {"text"},
    "article": BASE | {"text"},
    "press_pack": BASE,
    "search_index": BASE | {"text", "highlight"},
    "ingest": BASE | PARTS,
    "workers": BASE | {"ingest"},
    "indexing": BASE | PARTS,
    "people": BASE | PARTS,
    "accounts": BASE | PARTS | {"people"},
    "editing": BASE | PARTS | {"people"},
    "browsing": BASE | PARTS,
    "exhibitions": BASE | PARTS,
    "importer": BASE | PARTS | {"ingest", "indexing", "people", "workers"},
    "archive": BASE
    | PARTS
    | {
        "accounts",
        "article",
        "browsing",
        "editing",
        "exhibitions",
        "indexing",
        "importer",
        "people",
        "press_pack",
    },
    "demo": BASE | PARTS | {"archive"},
    "cli": BASE | PARTS | {"archive", "demo", "__init__"},
    "views": BASE | PARTS | {"archive", "views", "__init__"},
    "__init__": BASE | {"archive", "cli", "views", "app"},
    "app": BASE | {"archive", "cli", "views", "__init__"},
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
    "flask": {"__init__", "app", "views", "cli"},
    "opencc": {"text"},
    "rjieba": {"text"},
    "pypinyin": {"text"},
    "flask_login": {"__init__", "views"},
    "flask_wtf": {"__init__", "views"},
    "flask_babel": {"__init__", "views"},
    "waitress": {"cli"},
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
