"""The archive, set up: a catalogue, a media folder and a search index, and the services over them.

Nothing here does work of its own. Views and the CLI call ``archive.<service>.<verb>()``:

* ``events``       events, their slugs and credits, saving a publicity article (:mod:`gallery.events`)
* ``imports``      files and uploads into an event (:mod:`gallery.importer`)
* ``photos``       edits with their history, the trash (:mod:`gallery.photos`)
* ``browse``       what the pages show (:mod:`gallery.browsing`)
* ``search``       the search index: query, rebuild, check (:mod:`gallery.indexing`)
* ``exhibitions``  exhibitions and display links (:mod:`gallery.exhibitions`)
* ``accounts``     users, roles, sign-in, API tokens (:mod:`gallery.accounts`)
* ``derivatives``  the derived image files (:mod:`gallery.derived`)
* ``media``        the media folder checked against the catalogue (:mod:`gallery.media_check`)
* ``exports``      the JSON backup, a photo's record, press packs (:mod:`gallery.exports`)
* ``records``      records for the archives office and their transfer (:mod:`gallery.records`)
* ``shares``       share links for partners, their visit log, guest uploads (:mod:`gallery.shares`)

The search index follows the catalogue by itself: every commit that leaves outbox rows runs
``search.sync`` through the catalogue's after-commit hook.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from gallery.accounts import Accounts
from gallery.browsing import Browser
from gallery.catalog import Catalog
from gallery.derived import Derivatives
from gallery.events import Events
from gallery.exhibitions import Exhibitions
from gallery.exports import Exports
from gallery.importer import Importer
from gallery.indexing import Indexer
from gallery.limits import Limits, parse_limits
from gallery.media_check import MediaCheck
from gallery.media_store import MediaStore
from gallery.photos import Photos
from gallery.records import CodeRules, Records, parse_retention
from gallery.shares import Shares


class Archive:
    """The photo archive's services, built from the settings."""

    def __init__(self, config: Mapping[str, Any]) -> None:
        self.config = config
        sizes: dict[str, int] = dict(config["DERIVATIVE_SIZES"])
        max_pixels, quality = int(config["MAX_PIXELS"]), int(config["JPEG_QUALITY"])
        limits = Limits(parse_limits(config.get("TEXT_LIMITS") or ""))
        self.store = store = MediaStore(config["MEDIA_DIR"])
        self.catalog = catalog = Catalog(config["DATABASE_URL"])
        synonyms = Path(config["SYNONYMS"]) if config.get("SYNONYMS") else None
        self.search = Indexer(catalog, Path(config["INDEX_DIR"]), synonyms, config["SEARCH"])
        catalog.after_commit(self.search.sync)
        self.derivatives = Derivatives(catalog, store, sizes, max_pixels, quality)
        self.media = MediaCheck(catalog, store, self.derivatives)
        self.events = Events(catalog, limits)
        self.imports = Importer(
            catalog, store, sizes, max_pixels, quality, int(config["DECODE_BUDGET"]), limits
        )
        self.photos = Photos(catalog, self.derivatives, int(config["TRASH_DAYS"]), limits)
        self.browse = Browser(catalog)
        self.exhibitions = Exhibitions(catalog, limits)
        self.accounts = Accounts(catalog)
        self.exports = Exports(catalog, store, sizes, self.derivatives)
        rules = CodeRules(
            fonds=str(config["ARCHIVE_FONDS"]).strip(),
            group_pattern=config["ARCHIVE_GROUP_CODE"],
            photo_pattern=config["ARCHIVE_PHOTO_CODE"],
            retention=parse_retention(config["ARCHIVE_RETENTION"]),
            secrecy=[s.strip() for s in config["ARCHIVE_SECRECY"].split(",") if s.strip()],
        )
        self.records = Records(catalog, store, rules, max_pixels)
        self.shares = Shares(catalog, store, self.imports, self.exports, max_pixels)

    def open(self) -> Archive:
        """Bring the schema up to date and clear what killed imports left.

        The index is not touched here: a search applies what waits in the outbox first (changes
        a killed process committed but never indexed), so a damaged index stops no command from
        starting, and ``gallery index check`` reads without writing.
        """
        self.store.root.mkdir(parents=True, exist_ok=True)
        self.catalog.migrate()
        self.store.sweep(self.media.held)  # files of a dead import whose row never committed
        return self

    def close(self) -> None:
        """Release the catalogue's connections and the index."""
        self.search.close()
        self.catalog.close()
