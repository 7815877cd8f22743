"""``make bench``: the image and import benchmark, then the web benchmark and the search benchmark
(``python -m tests.bench images [--json]``, ``web`` or ``search`` runs one section); ``load [--seconds N]
[--json]`` runs readers and uploaders through ``gallery serve`` at once.

Every figure is a median over repeated runs, with its reference measured in the same run.
"""

from __future__ import annotations

import compileall
import sys
from pathlib import Path

if __name__ == "__main__":
    from tests.bench import images, load, search, web

    # Commands are timed as an installed package runs them, from compiled bytecode: an editable
    # checkout under PYTHONDONTWRITEBYTECODE=1 would compile every module at every start (0.2 s).
    compileall.compile_dir(Path(__file__).parents[2] / "gallery", quiet=1)

    if sys.argv[1:2] == ["search"]:
        search.cli(sys.argv[2:])  # search --docs N [--backend postgres] --json
        sys.exit()
    args = sys.argv[1:]
    as_json = "--json" in args
    seconds = (
        args[args.index("--seconds") : args.index("--seconds") + 2] if "--seconds" in args else []
    )
    sections = [a for a in args if a != "--json" and a not in seconds] or [
        "images",
        "web",
        "search",
        "load",
    ]
    if "images" in sections:
        images.main(as_json)
    if "web" in sections:
        web.main(images.camera_like)
    if "search" in sections:
        search.cli([])
    if "load" in sections:
        load.main(seconds, as_json)
