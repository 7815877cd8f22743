"""``make bench``: the image and import benchmark, then the web benchmark and the search benchmark
(``python -m tests.bench images [--json]``, ``web`` or ``search`` runs one section).

Every figure is a median over repeated runs, with its reference measured in the same run.
"""

from __future__ import annotations

import sys

if __name__ == "__main__":
    from tests.bench import images, search, web

    args = sys.argv[1:]
    as_json = "--json" in args
    sections = [a for a in args if a != "--json"] or ["images", "web", "search"]
    if "images" in sections:
        images.main(as_json)
    if "web" in sections:
        web.main(images.camera_like)
    if "search" in sections:
        search.main()
