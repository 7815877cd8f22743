"""QR codes of display links: an SVG whose dark modules are exactly those of the link's code."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import segno

from gallery import qr
from tests.conftest import login
from tests.test_exhibitions import show  # noqa: F401  (the fixture)

LINK = "http://192.168.1.20:8000/display/Zq3vR8yW1bT0pXo2kL5mN7cD9eF4gH6j"


def modules(svg: str) -> list[list[bool]]:
    """Redraw the modules an SVG of segno's shape paints: rows of 'M/m x y' moves and 'h n' runs."""
    root = ET.fromstring(svg)
    group = root.find("g")
    assert group is not None, "the modules are drawn scaled in one group"
    scale = float(re.fullmatch(r"scale\(([\d.]+)\)", group.get("transform")).group(1))
    light, path = group.findall(
        "path"
    )  # a light background (for scanning on a dark page), dark runs
    assert light.get("fill") == "#fff" and path.get("stroke") == "#000"
    size = round(float(root.get("width")) / scale)
    grid = [[False] * size for _ in range(size)]
    x = y = 0.0
    for op, a, b in re.findall(r"([Mmh])(-?[\d.]+)(?:\s+(-?[\d.]+))?", path.get("d")):
        if op == "M":
            x, y = float(a), float(b)
        elif op == "m":
            x, y = x + float(a), y + float(b)
        else:  # a run of dark modules along the row the stroke's centre line is on
            for column in range(round(x), round(x + float(a))):
                grid[int(y)][column] = True
            x += float(a)
    return grid


def expected(text: str, border: int = 4) -> list[list[bool]]:
    """Return the modules of ``text``'s code, quiet zone included, as segno makes them."""
    code = segno.make(text, error="m", micro=False)
    return [[bool(m) for m in row] for row in code.matrix_iter(border=border)]


def test_the_svg_paints_the_modules_of_the_link() -> None:
    svg = qr.svg(LINK, "展示链接二维码")
    assert svg.startswith("<svg") and "<title>展示链接二维码</title>" in svg
    assert modules(svg) == expected(LINK)
    assert modules(svg) != expected(LINK.replace("Zq3", "Zq4"))  # a different link, other modules


def test_the_code_holds_the_link_as_it_is() -> None:
    code = segno.make(LINK, error="m", micro=False)
    assert code.error == "M" and code.mode == "byte"
    assert not code.is_micro  # every phone camera reads a full QR code


def test_a_new_display_link_is_shown_as_a_qr_code(app, users, show) -> None:  # noqa: F811
    slug, _ids = show
    client = app.test_client()
    token = login(client, "editor")
    page = client.post(
        f"/exhibitions/{slug}/links", data={"name": "大厅", "csrf_token": token}
    ).get_data(as_text=True)
    link = re.search(r'value="([^"]+)" id="new-link"', page).group(1)
    svg = re.search(r'<svg[^>]*class="qr".*?</svg>', page, re.S).group(0)
    assert modules(svg) == expected(link)
    assert 'data-copy="new-link"' in page
    # Shown once, like the link: the editor's page afterwards has neither.
    later = client.get(f"/exhibitions/{slug}").get_data(as_text=True)
    assert 'class="qr"' not in later
