"""How much text each field may hold: one definition, read from the settings (``TEXT_LIMITS``).

An import keeps what fits and records a warning on the photo (a file's metadata is lenient); an edit
that does not fit is refused with :class:`InvalidInput` naming the field (a person's input is strict).
Without limits, one 1 MB caption or 10,000 keywords made every page showing them weigh megabytes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from gallery.errors import TooLong

#: Characters (or, for ``keywords``, entries) each kind of field may hold.
DEFAULT_LIMITS: dict[str, int] = {
    "caption": 2000,  # a photo's caption, an exhibition item's caption
    "keyword": 1000,  # one keyword: archives catalogue whole addresses in one (312 in the corpus)
    "keywords": 100,  # how many keywords a photo or an event has
    "title": 300,  # an event's or an exhibition's title
    "place": 300,  # an event's place (several, joined by 、)
    "name": 200,  # a person, an organiser, a kind of event
    "text": 20_000,  # a description, an exhibition's introduction, rights and credits read from a file
    "article": 200_000,  # the publicity article as pasted
}


def parse_limits(spec: str | Mapping[str, int]) -> dict[str, int]:
    """Return the limits with ``"caption:1000,keywords:50"`` (or a mapping) over the defaults."""
    limits = dict(DEFAULT_LIMITS)
    pairs = (
        spec.items()
        if isinstance(spec, Mapping)
        else (part.strip().partition(":")[::2] for part in spec.split(",") if part.strip())
    )
    for name, value in pairs:
        if name not in DEFAULT_LIMITS or not str(value).strip().isdigit() or int(value) <= 0:
            raise ValueError(f"bad text limit {name}:{value} (one of {', '.join(DEFAULT_LIMITS)})")
        limits[name] = int(value)
    return limits


@dataclass(frozen=True)
class Limits:
    """The text limits of one archive: check an edit, or fit what an import read."""

    sizes: Mapping[str, int] = field(default_factory=lambda: dict(DEFAULT_LIMITS))

    def check(self, name: str, value: str, kind: str | None = None) -> str:
        """Return ``value`` when it fits the limit of ``kind`` (default: the field's name); else raise.

        The error names the field, so a form or a script can say which one is too long.
        """
        limit = self.sizes[kind or name]
        if len(value) > limit:
            raise TooLong(name, limit, len(value))
        return value

    def check_keywords(self, name: str, words: Iterable[str]) -> list[str]:
        """Return the keywords when there are few enough and each one fits; else raise."""
        words = list(words)
        if len(words) > self.sizes["keywords"]:
            raise TooLong(name, self.sizes["keywords"], len(words), "keywords")
        for word in words:
            self.check(name, word, "keyword")
        return words

    def fit(self, name: str, value: str, warnings: list[str], kind: str | None = None) -> str:
        """Return ``value`` cut to its limit, noting in ``warnings`` when it had to be cut."""
        limit = self.sizes[kind or name]
        if len(value) <= limit:
            return value
        warnings.append(f"{name} cut to {limit} characters (it had {len(value)})")
        return value[:limit]

    def fit_keywords(self, name: str, words: Iterable[str], warnings: list[str]) -> list[str]:
        """Return at most the allowed number of keywords, each cut to fit, noting what was cut."""
        words = list(words)
        limit, longest = self.sizes["keywords"], self.sizes["keyword"]
        if len(words) > limit:
            warnings.append(f"{name}: kept the first {limit} of {len(words)} keywords")
            words = words[:limit]
        if any(len(w) > longest for w in words):
            warnings.append(f"{name}: keywords cut to {longest} characters")
            words = list(dict.fromkeys(w[:longest] for w in words))
        return words
