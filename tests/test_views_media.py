"""The web archive through Flask's test client. Serving images: derivatives, originals, press packs."""

from __future__ import annotations

import io
import zipfile

from tests.conftest import login


def test_derivatives_are_cached_forever_and_regenerated(client, archive, photos) -> None:
    login(client, "viewer")
    sha = archive.exports.photo(photos[0])["sha256"]
    archive.store.derived_path("thumb", sha).unlink()
    answer = client.get(f"/media/thumb/{sha}.jpg")
    assert answer.status_code == 200 and answer.mimetype == "image/jpeg"
    assert answer.headers["Cache-Control"] == "private, max-age=31536000, immutable"
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert b"Exif" not in answer.data[:2000]
    again = client.get(f"/media/thumb/{sha}.jpg", headers={"If-None-Match": answer.headers["ETag"]})
    assert again.status_code == 304
    assert client.get(f"/media/huge/{sha}.jpg").status_code == 404
    assert client.get("/media/thumb/../../catalog.sqlite3.jpg").status_code == 404
    assert client.get(f"/media/thumb/{'0' * 64}.jpg").status_code == 404


def test_trashed_and_unknown_photos_have_no_images(app, archive, photos) -> None:
    sha = archive.exports.photo(photos[0])["sha256"]
    archive.photos.delete(photos[0], user="admin")
    viewer, admin = app.test_client(), app.test_client()
    login(viewer, "viewer")
    login(admin, "admin")
    for size in ("thumb", "display", "screen"):
        assert viewer.get(f"/media/{size}/{sha}.jpg").status_code == 404
    in_trash = admin.get(f"/media/thumb/{sha}.jpg")  # the trash page shows it to those who restore
    assert in_trash.status_code == 200 and in_trash.headers["Cache-Control"] == "private, no-store"
    assert f"/media/thumb/{sha}.jpg" in admin.get("/admin/trash").get_data(as_text=True)
    # A derivative on disk with no catalogue row (a dead import's leftover, a purged photo) is 404.
    stray = "ab" * 32
    archive.store.write(
        archive.store.derived_path("thumb", stray),
        archive.store.derived_path("thumb", sha).read_bytes(),
    )
    assert admin.get(f"/media/thumb/{stray}.jpg").status_code == 404
    archive.photos.restore(photos[0], user="admin")
    assert viewer.get(f"/media/thumb/{sha}.jpg").status_code == 200


def test_originals_only_to_staff_as_attachments(app, archive, photos) -> None:
    viewer = app.test_client()
    login(viewer, "viewer")
    assert viewer.get(f"/photos/{photos[0]}/original").status_code == 403
    staff = app.test_client()
    login(staff, "photographer")
    answer = staff.get(f"/photos/{photos[0]}/original")
    assert answer.status_code == 200
    disposition = answer.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and "IMG_0427.jpg" in disposition
    sha = archive.exports.photo(photos[0])["sha256"]
    assert answer.data == archive.store.original_path(sha, "jpg").read_bytes()


def test_press_pack_download(client, archive, photos) -> None:
    login(client, "editor")
    answer = client.get("/events/exchange/press-pack.zip")
    assert answer.status_code == 200 and answer.mimetype == "application/zip"
    with zipfile.ZipFile(io.BytesIO(answer.data)) as pack:
        assert sorted(pack.namelist()) == ["2024-11-01-01.jpg", "2024-11-01-02.jpg", "captions.txt"]
    assert not list((archive.store.root / "tmp").iterdir())


def test_an_original_downloads_with_the_extension_of_its_content(app, archive, event, users):
    from tests.imagegen import encode, upright

    client = app.test_client()
    token = login(client, "editor")
    for sent, content, expected in (
        ("invoice.html", encode(upright()), "invoice.jpg"),
        ("照片.jpg", encode(upright((64, 48)), "PNG"), "照片.png"),
        ("noext", encode(upright(), quality=50), "noext.jpg"),
    ):
        answer = client.post(
            "/api/v1/photos",
            data={"event": event, "file": (io.BytesIO(content), sent)},
            headers={"X-CSRFToken": token},
        )
        assert answer.status_code == 201, answer.json
        download = client.get(f"/photos/{answer.json['photo_id']}/original")
        disposition = download.headers["Content-Disposition"]
        assert download.data == content
        assert disposition.startswith("attachment;") and ".html" not in disposition
        assert expected in disposition or f"filename*=UTF-8''{_quote(expected)}" in disposition
        assert download.mimetype == "application/octet-stream"


def _quote(name: str) -> str:
    """Return a file name as RFC 5987 puts it in a header."""
    from urllib.parse import quote

    return quote(name)
