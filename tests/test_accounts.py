"""Accounts: roles and their permissions, passwords, API tokens."""

from __future__ import annotations

import pytest

from gallery.accounts import PERMISSIONS, USER_ROLES
from gallery.archive import Archive
from gallery.errors import Conflict, InvalidInput, NotFound


def test_roles_grant_what_the_readme_table_says() -> None:
    assert set(USER_ROLES) == {"admin", "editor", "photographer", "viewer"}
    assert PERMISSIONS["viewer"] == {"view"}
    assert "upload" in PERMISSIONS["photographer"] and "edit" not in PERMISSIONS["photographer"]
    assert "delete" in PERMISSIONS["admin"] and "delete" not in PERMISSIONS["editor"]
    assert all(PERMISSIONS["viewer"] <= PERMISSIONS[role] for role in USER_ROLES)


def test_passwords_and_roles(archive: Archive) -> None:
    accounts = archive.accounts
    accounts.add("yangjun", "photographer", "password-1", "杨军")
    assert accounts.authenticate("yangjun", "password-1").person == "杨军"
    assert accounts.authenticate("yangjun", "wrong-password") is None
    assert accounts.authenticate("nobody", "password-1") is None
    with pytest.raises(Conflict):
        accounts.add("yangjun", "viewer", "password-2")
    with pytest.raises(InvalidInput):
        accounts.add("short", "viewer", "1234")
    with pytest.raises(InvalidInput):
        accounts.add("odd", "owner", "password-2")
    accounts.set_password("yangjun", "password-new")
    assert accounts.authenticate("yangjun", "password-1") is None
    assert accounts.authenticate("yangjun", "password-new") is not None
    accounts.set_role("yangjun", "editor")
    assert accounts.authenticate("yangjun", "password-new").can("edit")
    with pytest.raises(NotFound):
        accounts.set_role("nobody", "viewer")


def test_tokens_are_stored_hashed_and_name_their_user(archive: Archive) -> None:
    archive.accounts.add("script", "viewer", "password-1")
    token = archive.accounts.create_token("script", "nightly export")
    assert archive.accounts.for_token(token).username == "script"
    assert archive.accounts.for_token(token + "x") is None
    assert archive.accounts.for_token("") is None
    from gallery.catalog.models import ApiToken

    with archive.catalog.reading() as session:
        stored = [t.token_hash for t in session.query(ApiToken)]
    assert token not in stored and len(stored) == 1


def test_revoked_tokens_and_disabled_users_stop_at_once(archive: Archive, photos) -> None:
    accounts = archive.accounts
    first = accounts.create_token("photographer", "uploads")
    second = accounts.create_token("photographer", "nightly")
    assert accounts.for_token(first).username == "photographer"
    listed = accounts.tokens("photographer")
    assert [t["name"] for t in listed] == ["nightly", "uploads"]
    assert listed[1]["last_used_at"] is not None and listed[0]["last_used_at"] is None
    assert accounts.revoke_token(listed[1]["id"]) == "photographer"
    assert accounts.for_token(first) is None and accounts.for_token(second) is not None
    assert accounts.tokens()[1]["revoked_at"] is not None
    with pytest.raises(NotFound):
        accounts.revoke_token(999)

    version = accounts.authenticate("photographer", "password-photographer").session_version
    assert accounts.for_session(accounts.for_session_of("photographer").id, version)
    accounts.set_disabled("photographer", True)
    me = accounts.for_session_of("photographer")
    assert me.disabled and accounts.for_token(second) is None
    assert accounts.for_session(me.id, version) is None
    assert accounts.authenticate("photographer", "password-photographer") is None
    accounts.set_disabled("photographer", False)
    assert accounts.for_token(second) is not None
    again = accounts.authenticate("photographer", "password-photographer")
    assert again.session_version > version  # the sessions before disabling stay ended

    accounts.set_password("photographer", "a-new-password")
    assert accounts.for_session(again.id, again.session_version) is None
    accounts.end_sessions("photographer")
    assert accounts.for_session_of("photographer").session_version == again.session_version + 2

    # Deleting a user keeps their photos, without an uploader, and ends their tokens.
    accounts.delete("photographer")
    assert accounts.for_token(second) is None and accounts.tokens() == []
    assert archive.browse.photo(photos[0], staff=True)["id"] == photos[0]
    with pytest.raises(NotFound):
        accounts.delete("photographer")
