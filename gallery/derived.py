"""The derived images of the media folder: made from the originals, remade when missing."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

from gallery import images
from gallery.catalog import Catalog
from gallery.catalog import queries as q
from gallery.errors import GalleryError, NotFound, RejectedFile
from gallery.media_store import MediaStore


class Derivatives:
    """Each photo's named sizes (``thumb``, ``display``, ``screen``) as files beside the originals."""

    def __init__(
        self,
        catalog: Catalog,
        store: MediaStore,
        sizes: Mapping[str, int],
        max_pixels: int,
        quality: int,
    ) -> None:
        self.catalog = catalog
        self.store = store
        self.sizes = dict(sizes)
        self.max_pixels = max_pixels
        self.quality = quality

    def rebuild(
        self, on_photo: Callable[[int, str | None], None] | None = None
    ) -> tuple[int, list[str]]:
        """Regenerate every photo's derivatives from its original; return (done, failures)."""
        with self.catalog.reading() as session:
            originals = [(p.id, p.sha256, p.ext, p.orientation) for p in q.photos(session)]
        failures: list[str] = []
        for photo_id, sha, ext, orientation in originals:
            error = self._derive(sha, ext, orientation)
            if error:
                failures.append(f"photo {photo_id}: {error}")
            if on_photo:
                on_photo(photo_id, error)
        return len(originals) - len(failures), failures

    def visible(self, sha256: str, size: str, *, trashed: bool = False) -> tuple[Path, bool]:
        """Return a photo's derivative and whether the photo is in the trash.

        Only a photo the catalogue holds is served: NotFound for a hash no row names (a file a dead
        import left, a purged photo), and for a trashed photo unless ``trashed`` allows it.
        """
        with self.catalog.reading() as session:
            photo = q.photo_by_sha(session, sha256)
            in_trash = photo is not None and photo.deleted_at is not None
            if photo is None or (in_trash and not trashed):
                raise NotFound(f"no photo {sha256}")
        return self.path(sha256, size), in_trash

    def path(self, sha256: str, size: str) -> Path:
        """Return the path of a photo's derivative, regenerating it when it is missing."""
        if size not in self.sizes:
            raise NotFound(f"no derivative size {size!r}")
        path = self.store.derived_path(size, sha256)
        if not path.is_file():
            with self.catalog.reading() as session:
                photo = q.photo_by_sha(session, sha256)
                if photo is None:
                    raise NotFound(f"no photo {sha256}")
                ext, orientation = photo.ext, photo.orientation
            error = self._derive(sha256, ext, orientation)
            if error:
                raise GalleryError(f"cannot make the {size} image of {sha256[:12]}: {error}")
        return path

    def make(self, sha256: str, ext: str, orientation: int) -> str | None:
        """Write every derivative of one stored original; return the reason when it cannot."""
        return self._derive(sha256, ext, orientation)

    def remove(self, sha256: str, ext: str) -> None:
        """Delete a photo's original and derivatives for good."""
        self.store.remove(
            self.store.original_path(sha256, ext),
            *(self.store.derived_path(name, sha256) for name in self.sizes),
        )

    def _derive(self, sha: str, ext: str, orientation: int) -> str | None:
        """Write the derivatives of one stored original; return the reason when it cannot."""
        original = self.store.original_path(sha, ext)
        if not original.is_file():
            return f"original missing: {self.store.relative(original)}"
        try:
            try:
                with images.open_image(original, self.max_pixels) as im:
                    derived = images.make_derivatives(im, self.sizes, orientation, self.quality)
            except RejectedFile as exc:
                if exc.code != "truncated":
                    raise
                # A damaged picture was archived with what decodes: rebuild it the same way.
                with images.open_damaged(original, self.max_pixels) as im:
                    derived = images.make_derivatives(im, self.sizes, orientation, self.quality)
        except RejectedFile as exc:
            return str(exc)
        for name, derivative in derived.items():
            self.store.write(self.store.derived_path(name, sha), derivative.data)
        return None
