"""QR codes as inline SVG (segno lives here only): a display link set up on a screen with a phone."""

from __future__ import annotations

import segno

#: Pixels per module: a 37-module code (a typical display link) is 180 px with its quiet zone.
SCALE = 4


def svg(text: str, title: str = "") -> str:
    """Return ``text`` as a QR code in SVG for embedding in a page (medium error correction)."""
    code = segno.make(text, error="m", micro=False)
    return code.svg_inline(
        scale=SCALE, border=4, title=title or None, light="#fff", svgclass="qr", lineclass=None
    )
