"""Highlighted snippets: a caption escaped for HTML, each matched word marked whole."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

from gallery.text import fold, is_cjk, segment


def highlight(text: str, needles: Iterable[str], limit: int = 160) -> str:
    """Return ``text`` escaped for HTML with each matched word, whole, in ``<mark>``.

    A match inside a word marks the word (检验 in 检验科 marks 检验科), so a reader sees what matched.
    """
    folded = fold(text)
    if len(folded) != len(text):
        # Folding changed the length somewhere: fold character by character to keep offsets.
        folded = "".join((fold(c) or c)[:1] for c in text)
    spans: list[tuple[int, int]] = []
    for needle in {n for n in needles if n}:
        needle = needle.replace(" ", "")
        for match in re.finditer(re.escape(needle), folded):
            spans.append((match.start(), match.end()))
    if not spans:
        return html.escape(text[:limit])
    words = segment(folded)
    widened = []
    for start, end in spans:
        for _word, w_start, w_end in words:
            if w_start < end and w_end > start and any(is_cjk(c) for c in _word):
                start, end = min(start, w_start), max(end, w_end)
        widened.append((start, end))
    widened.sort()
    merged: list[list[int]] = []
    for start, end in widened:
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    first = merged[0][0]
    window_start = max(0, min(first - 20, len(text) - limit))
    window_end = window_start + limit
    out, cursor = [], window_start
    for start, end in merged:
        if end <= window_start or start >= window_end:
            continue
        start, end = max(start, window_start), min(end, window_end)
        out.append(html.escape(text[cursor:start]))
        out.append(f"<mark>{html.escape(text[start:end])}</mark>")
        cursor = end
    out.append(html.escape(text[cursor:window_end]))
    prefix = "…" if window_start > 0 else ""
    suffix = "…" if window_end < len(text) else ""
    return prefix + "".join(out) + suffix
