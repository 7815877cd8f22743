"""Who may do what: the role matrix of pages and API, and what viewers never receive."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from gallery.archive import Archive
from tests.conftest import HOSTILE, ROLES, login, text_of
from tests.imagegen import photo


def _actions(photo_id: int, other_id: int):
    return {
        "view home": (("GET", "/", None), set(ROLES)),
        "view photo": (("GET", f"/photos/{photo_id}", None), set(ROLES)),
        "upload page": (("GET", "/upload", None), {"admin", "editor", "photographer"}),
        "edit own upload": (
            ("POST", f"/photos/{photo_id}/edit", {"caption": "x"}),
            {"admin", "editor", "photographer"},
        ),
        "edit someone else's": (
            ("POST", f"/photos/{other_id}/edit", {"caption": "y"}),
            {"admin", "editor"},
        ),
        "download original": (
            ("GET", f"/photos/{photo_id}/original", None),
            {"admin", "editor", "photographer"},
        ),
        "press pack": (
            ("GET", "/events/exchange/press-pack.zip", None),
            {"admin", "editor", "photographer"},
        ),
        "import article page": (("GET", "/events/import-article", None), {"admin", "editor"}),
        "trash": (("GET", "/admin/trash", None), {"admin"}),
        "users": (("GET", "/admin/users", None), {"admin"}),
        "delete": (("POST", f"/photos/{other_id}/delete", {}), {"admin"}),
    }


@pytest.mark.parametrize("role", ROLES)
def test_role_matrix(app, archive: Archive, event: str, users, tmp_path: Path, role: str) -> None:
    [own] = archive.imports.import_files(
        [photo(tmp_path / "a.jpg", seed=1)], event, uploader="photographer"
    )
    [other] = archive.imports.import_files(
        [photo(tmp_path / "b.jpg", seed=2)], event, uploader="editor"
    )
    client = app.test_client()
    token = login(client, role)
    for name, ((method, url, data), allowed) in _actions(own.photo_id, other.photo_id).items():
        if data is not None:
            data = {**data, "csrf_token": token}
        answer = client.open(url, method=method, data=data)
        expected = "allowed" if role in allowed else "forbidden"
        got = "forbidden" if answer.status_code == 403 else "allowed"
        assert answer.status_code in (200, 302, 403), (name, answer.status_code)
        assert got == expected, f"{role} / {name}: {answer.status_code}"


@pytest.mark.parametrize("role", ROLES)
def test_api_role_matrix(app, archive: Archive, event: str, users, tmp_path: Path, role) -> None:
    [mine] = archive.imports.import_files(
        [photo(tmp_path / "a.jpg", seed=3)], event, uploader="editor"
    )
    client = app.test_client()
    token = login(client, role)
    headers = {"X-CSRFToken": token}
    upload = client.post(
        "/api/v1/photos",
        data={
            "file": (io.BytesIO(photo(tmp_path / "u.jpg", seed=9).read_bytes()), "u.jpg"),
            "event": event,
        },
        headers=headers,
    )
    assert (upload.status_code == 201) == (role != "viewer"), upload.json
    edit = client.patch(f"/api/v1/photos/{mine.photo_id}", json={"caption": "新"}, headers=headers)
    assert (edit.status_code == 200) == (role in ("admin", "editor")), edit.json
    created = client.post(
        "/api/v1/events", json={"title": "新活动", "date": "2024-12-01"}, headers=headers
    )
    assert (created.status_code == 201) == (role != "viewer")
    delete = client.delete(f"/api/v1/photos/{mine.photo_id}", headers=headers)
    assert (delete.status_code == 204) == (role == "admin")


def test_viewers_never_receive_gps_serials_or_file_names(client, archive, photos) -> None:
    archive.photos.edit(photos[0], caption="合影留念")
    login(client, "viewer")
    urls = [
        "/",
        "/events/exchange",
        f"/photos/{photos[0]}",
        "/search?q=合影",
        "/api/v1/events",
        "/api/v1/events/exchange",
        f"/api/v1/photos/{photos[0]}",
        "/api/v1/search?q=合影",
        "/people/1",
    ]
    for url in urls:
        answer = client.get(url)
        assert answer.status_code == 200, url
        body = text_of(answer)
        assert "36.28" not in body and "100.61" not in body and "GPS" not in body, url
        assert "SN-0427718" not in body and "秘密文件名" not in body, url
        assert '"gps"' not in body and '"tags"' not in body, url
    # Staff do see them.
    staff = client.application.test_client()
    login(staff, "editor")
    page = text_of(staff.get(f"/photos/{photos[0]}"))
    assert "36.280556" in page and "SN-0427718" in page and "秘密文件名-IMG_0427.jpg" in page


def test_hostile_captions_are_escaped_everywhere(client, archive, photos) -> None:
    archive.photos.edit(photos[0], caption=HOSTILE + " 合影")
    archive.photos.edit(photos[1], keywords=[HOSTILE])
    login(client, "editor")
    for url in (
        "/",
        "/events/exchange",
        f"/photos/{photos[0]}",
        f"/photos/{photos[1]}",
        "/search?q=合影",
    ):
        body = text_of(client.get(url))
        assert "<script>alert" not in body and "<img src=x" not in body, url
        assert "&lt;script&gt;" in body or "&lt;img" in body or url == "/", url
