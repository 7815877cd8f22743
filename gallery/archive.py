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

import functools
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gallery.catalog import Catalog
from gallery.limits import Limits, parse_limits
from gallery.media_store import MediaStore

if TYPE_CHECKING:
    from gallery.accounts import Accounts
    from gallery.browsing import Browser
    from gallery.derived import Derivatives
    from gallery.events import Events
    from gallery.exhibitions import Exhibitions
    from gallery.exports import Exports
    from gallery.importer import Importer
    from gallery.indexing import Indexer
    from gallery.media_check import MediaCheck
    from gallery.photos import Photos
    from gallery.records import Records
    from gallery.shares import Shares

#: A service built on first use: a command loads the libraries of the services it calls, no others
#: (``gallery import`` never loads the search side's numpy, the web's password hashing, the records).
service = functools.cached_property


class Archive:
    """The photo archive's services, built from the settings."""

    def __init__(self, config: Mapping[str, Any]) -> None:
        self.config = config
        self.sizes: dict[str, int] = dict(config["DERIVATIVE_SIZES"])
        self.max_pixels, self.quality = int(config["MAX_PIXELS"]), int(config["JPEG_QUALITY"])
        self.limits = Limits(parse_limits(config.get("TEXT_LIMITS") or ""))
        self.store = MediaStore(config["MEDIA_DIR"])
        self.catalog = Catalog(config["DATABASE_URL"])
        self.catalog.after_commit(self._follow)

    def _follow(self) -> None:
        """Bring the search index up to the catalogue after a commit (the catalogue's listener)."""
        self.search.sync()

    @service
    def search(self) -> Indexer:
        """Return the search index service, kept in step with the catalogue."""
        from gallery.indexing import Indexer

        synonyms = Path(self.config["SYNONYMS"]) if self.config.get("SYNONYMS") else None
        return Indexer(
            self.catalog, Path(self.config["INDEX_DIR"]), synonyms, self.config["SEARCH"]
        )

    @service
    def derivatives(self) -> Derivatives:
        """Return the service of the derived image files."""
        from gallery.derived import Derivatives

        return Derivatives(self.catalog, self.store, self.sizes, self.max_pixels, self.quality)

    @service
    def media(self) -> MediaCheck:
        """Return the check of the media folder against the catalogue."""
        from gallery.media_check import MediaCheck

        return MediaCheck(self.catalog, self.store, self.derivatives)

    @service
    def events(self) -> Events:
        """Return the events service."""
        from gallery.events import Events

        return Events(self.catalog, self.limits)

    @service
    def imports(self) -> Importer:
        """Return the importer of files and uploads."""
        from gallery.importer import Importer

        budget = int(self.config["DECODE_BUDGET"])
        return Importer(
            self.catalog, self.store, self.sizes, self.max_pixels, self.quality, budget, self.limits
        )

    @service
    def photos(self) -> Photos:
        """Return the photo edits and the trash."""
        from gallery.photos import Photos

        return Photos(self.catalog, self.derivatives, int(self.config["TRASH_DAYS"]), self.limits)

    @service
    def browse(self) -> Browser:
        """Return what the pages show."""
        from gallery.browsing import Browser

        return Browser(self.catalog)

    @service
    def exhibitions(self) -> Exhibitions:
        """Return the exhibitions and their display links."""
        from gallery.exhibitions import Exhibitions

        return Exhibitions(self.catalog, self.limits)

    @service
    def accounts(self) -> Accounts:
        """Return the users, roles, sign-in and API tokens."""
        from gallery.accounts import Accounts

        return Accounts(self.catalog)

    @service
    def exports(self) -> Exports:
        """Return the JSON backup, photo records and press packs."""
        from gallery.exports import Exports

        return Exports(self.catalog, self.store, self.sizes, self.derivatives)

    @service
    def records(self) -> Records:
        """Return the records for the archives office."""
        from gallery.records import CodeRules, Records, parse_retention

        config = self.config
        rules = CodeRules(
            fonds=str(config["ARCHIVE_FONDS"]).strip(),
            group_pattern=config["ARCHIVE_GROUP_CODE"],
            photo_pattern=config["ARCHIVE_PHOTO_CODE"],
            retention=parse_retention(config["ARCHIVE_RETENTION"]),
            secrecy=[s.strip() for s in config["ARCHIVE_SECRECY"].split(",") if s.strip()],
        )
        return Records(self.catalog, self.store, rules, self.max_pixels)

    @service
    def shares(self) -> Shares:
        """Return the share links, their visit log and guest uploads."""
        from gallery.shares import Shares

        return Shares(self.catalog, self.store, self.imports, self.exports, self.max_pixels)

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
        """Release the catalogue's connections and the index (if this run opened it)."""
        if "search" in self.__dict__:
            self.search.close()
        self.catalog.close()
