"""Share links for partner hospitals: what they see, how long, with what password, and what comes back."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

import pytest

from gallery.archive import Archive
from gallery.catalog import ShareLink
from tests.conftest import GPS_TAGS, csrf_token, login, text_of
from tests.imagegen import photo


@pytest.fixture
def partner(app):
    """A browser with nobody signed in: the partner hospital's."""
    return app.test_client()


def _create(archive: Archive, event: str, **options) -> str:
    return archive.shares.create(event, label="海南州人民医院", user="editor", **options)


def test_the_partner_sees_photos_credits_and_nothing_staff_only(
    archive: Archive, partner, photos, event
) -> None:
    archive.photos.edit(photos[0], caption="专家在检验科交流")
    archive.events.set_credits(event, {"photo": ["李满桂"], "review": ["扎洛"]})
    token = _create(archive, event)
    page = partner.get(f"/s/{token}")
    assert page.status_code == 200
    body = text_of(page)
    assert "专家在检验科交流" in body and "扎洛" in body and "检验科学术交流" in body
    for secret in ("秘密文件名", "IMG_0427", "SN-0427718", "36.28", "100.61", "EOS R6"):
        assert secret not in body
    images = re.findall(r'src="(/s/[^"]+\.jpg)"', body)
    assert len(images) == 2
    assert partner.get(images[0]).status_code == 200
    # A derivative of a photo that is not shared is not reachable through the link.
    [other] = archive.imports.import_files(
        [photo(archive.store.root.parent / "x.jpg", seed=7)], event
    )
    sha = archive.exports.photo(other.photo_id)["sha256"]
    limited = _create(archive, event, photo_ids=[photos[0]])
    assert partner.get(f"/s/{limited}/img/thumb/{sha}.jpg").status_code == 404
    assert partner.get(f"/media/thumb/{sha}.jpg").status_code == 302  # the archive asks a sign-in
    assert page.headers["Referrer-Policy"] == "no-referrer"


def test_expiry_and_revocation_answer_410(
    archive: Archive, partner, photos, event, users, client
) -> None:
    token = _create(archive, event, days=1)
    assert partner.get(f"/s/{token}").status_code == 200
    with archive.catalog.transaction() as session:
        link = session.query(ShareLink).one()
        link.expires_at = dt.datetime(2020, 1, 1)
    assert partner.get(f"/s/{token}").status_code == 410
    assert "已过期" in text_of(partner.get(f"/s/{token}"))
    fresh = _create(archive, event)
    csrf = login(client, "editor")
    [link_id] = [link["id"] for link in archive.shares.links(event) if link["state"] == "active"]
    client.post(f"/events/{event}/shares/{link_id}/revoke", data={"csrf_token": csrf})
    assert partner.get(f"/s/{fresh}").status_code == 410
    assert partner.get(f"/s/{fresh}/all.zip").status_code == 410
    assert partner.get("/s/not-a-token").status_code == 404


def test_a_password_is_asked_once_per_browser(archive: Archive, app, photos, event) -> None:
    token = _create(archive, event, password="hainan-2024")
    browser = app.test_client()
    asked = browser.get(f"/s/{token}")
    assert "密码" in text_of(asked) and "/img/" not in text_of(asked)
    csrf = csrf_token(browser, f"/s/{token}")
    assert browser.get(f"/s/{token}/all.zip").status_code == 404
    wrong = browser.post(f"/s/{token}", data={"csrf_token": csrf, "password": "guess"})
    assert wrong.status_code == 401
    right = browser.post(f"/s/{token}", data={"csrf_token": csrf, "password": "hainan-2024"})
    assert right.status_code == 302
    assert "/img/" in text_of(browser.get(f"/s/{token}"))  # no second question
    assert "密码" in text_of(app.test_client().get(f"/s/{token}"))  # another browser is asked
    assert [v["action"] for v in archive.shares.visits(event)][-1] == "password"


def test_download_all_and_originals(archive: Archive, partner, photos, event) -> None:
    archive.photos.edit(photos[0], caption="专家交流")
    display_only = _create(archive, event)
    with zipfile.ZipFile(io.BytesIO(partner.get(f"/s/{display_only}/all.zip").data)) as pack:
        names = pack.namelist()
        assert "captions.txt" in names and len(names) == 3
        assert "专家交流" in pack.read("captions.txt").decode()
    assert partner.get(f"/s/{display_only}/original/{photos[0]}").status_code == 404
    with_originals = _create(archive, event, originals=True)
    answer = partner.get(f"/s/{with_originals}/original/{photos[0]}")
    assert answer.status_code == 200
    assert (
        answer.data
        == archive.store.original_path(
            archive.exports.photo(photos[0])["sha256"], "jpg"
        ).read_bytes()
    )
    assert "秘密文件名" not in answer.headers["Content-Disposition"]
    with zipfile.ZipFile(io.BytesIO(partner.get(f"/s/{with_originals}/all.zip").data)) as pack:
        assert sorted(pack.namelist()) == ["captions.txt", f"{event}-001.jpg", f"{event}-002.jpg"]
    actions = [v["action"] for v in archive.shares.visits(event)]
    assert actions.count("zip") == 2 and actions.count("original") == 1


def test_guest_upload_waits_in_quarantine_until_accepted(
    archive: Archive, partner, client, photos, event, tmp_path
) -> None:
    closed = _create(archive, event)
    token = _create(archive, event, guest_upload=True)
    csrf = csrf_token(partner, f"/s/{token}")
    sent = photo(tmp_path / "guest.jpg", GPS_TAGS, seed=42).read_bytes()

    def send(link: str, data: bytes, name: str = "马医生"):
        return partner.post(
            f"/s/{link}/upload",
            data={"csrf_token": csrf, "name": name, "file": (io.BytesIO(data), "DSC_0001.jpg")},
        )

    assert send(closed, sent).status_code == 404
    assert send(token, b"not a photo").status_code == 422
    assert send(token, sent).status_code == 302
    assert archive.browse.photo_count() == 2  # not in the event yet
    assert archive.search.search("马医生").total == 0
    [waiting] = archive.shares.pending(event)
    assert waiting["photographer"] == "马医生"
    csrf_editor = login(client, "editor")
    page = text_of(client.get(f"/events/{event}/shares"))
    assert "马医生" in page
    assert (
        client.get(f"/events/{event}/guest-uploads/{waiting['id']}/preview.jpg").status_code == 200
    )
    client.post(
        f"/events/{event}/guest-uploads/{waiting['id']}",
        data={"csrf_token": csrf_editor, "action": "accept"},
    )
    assert archive.browse.photo_count() == 3 and archive.shares.pending(event) == []
    added = [p for p in archive.exports.catalogue(event)["photos"] if p["photographer"] == "马医生"]
    assert len(added) == 1
    assert not list((archive.store.root / "quarantine").iterdir())
    assert "upload" in [v["action"] for v in archive.shares.visits(event)]


def test_only_editors_manage_shares(client, photos, event) -> None:
    for role, status in (("viewer", 403), ("photographer", 403), ("editor", 200)):
        login(client, role)
        assert client.get(f"/events/{event}/shares").status_code == status
