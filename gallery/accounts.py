"""Users, passwords, roles and API tokens: who may sign in, and what each role may do."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
import re
import secrets
from typing import Any

from werkzeug.security import check_password_hash, generate_password_hash

from gallery.catalog import USER_ROLES, ApiToken, Catalog, User

__all__ = ["USER_ROLES", "Account", "Accounts"]
from gallery.catalog import queries as q
from gallery.catalog.models import utcnow
from gallery.errors import Conflict, InvalidInput, NotFound
from gallery.people import person_for_name

#: What each role may do. Staff (admin, editor, photographer) see originals, GPS and the tag dump.
PERMISSIONS: dict[str, frozenset[str]] = {
    "admin": frozenset(
        {"view", "upload", "edit", "credit", "delete", "curate", "original", "staff", "users"}
    ),
    "editor": frozenset({"view", "upload", "edit", "credit", "curate", "original", "staff"}),
    "photographer": frozenset({"view", "upload", "edit_own", "original", "staff"}),
    "viewer": frozenset({"view"}),
}
assert set(PERMISSIONS) == set(USER_ROLES)

#: How stale "last used" may get before a request writes it again.
SEEN_EVERY = dt.timedelta(minutes=1)


@functools.cache
def _dummy_hash() -> str:
    """Return a hash checked when the user does not exist, so that a wrong name takes as long as a
    wrong password and sign-in time does not tell which names exist (made on first use: 0.1 s)."""
    return generate_password_hash(secrets.token_hex(8), "scrypt")


@dataclasses.dataclass(frozen=True)
class Account:
    """A signed-in user as the views see it: no password hash, just who and what role."""

    id: int
    username: str
    role: str
    person: str | None
    disabled: bool = False
    # The version of the user's sessions: a session begun under an older one no longer works.
    session_version: int = 0

    def can(self, permission: str) -> bool:
        """Tell whether this user's role grants ``permission``."""
        return permission in PERMISSIONS[self.role]


def _account(user: User) -> Account:
    """Return the view of a user row."""
    return Account(
        user.id,
        user.username,
        user.role,
        user.person.display_name if user.person else None,
        disabled=user.disabled_at is not None,
        session_version=user.session_version,
    )


def _token_hash(token: str) -> str:
    """Return the stored form of an API token (tokens are random, so a plain SHA-256 suffices)."""
    return hashlib.sha256(token.encode()).hexdigest()


class Accounts:
    """The users of one catalogue."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog

    def prepare_sign_in(self) -> None:
        """Make the unknown-name hash now (a server's start), so the first sign-in with a wrong
        name takes as long as every other."""
        _dummy_hash()

    def add(
        self, username: str, role: str, password: str | None = None, person: str | None = None
    ) -> Account:
        """Create a user with a role; the password is stored as a scrypt hash, never as given."""
        username = username.strip()
        if not re.fullmatch(r"[\w.@-]{1,100}", username):
            raise InvalidInput(
                f"a user name is letters, digits, '.', '@', '-' or '_': {username!r}"
            )
        self._check_role(role)
        if password is not None:
            self._check_password(password)
        with self.catalog.transaction() as session:
            if q.user_by_name(session, username):
                raise Conflict(f"a user named {username!r} already exists")
            user = User(
                username=username,
                role=role,
                password_hash=generate_password_hash(password, "scrypt") if password else None,
                person=person_for_name(session, person) if person else None,
            )
            session.add(user)
            session.flush()
            return _account(user)

    @staticmethod
    def _check_role(role: str) -> None:
        """Raise InvalidInput unless ``role`` is one of the user roles."""
        if role not in USER_ROLES:
            raise InvalidInput(f"unknown role {role!r} (one of {', '.join(USER_ROLES)})")

    @staticmethod
    def _check_password(password: str) -> None:
        """Raise InvalidInput for a password too short to protect anything."""
        if len(password) < 8:
            raise InvalidInput("a password has at least 8 characters")

    def authenticate(self, username: str, password: str) -> Account | None:
        """Return the account when the password is right, else None (in the same time either way)."""
        with self.catalog.reading() as session:
            user = q.user_by_name(session, username.strip())
            stored = user.password_hash if user and user.password_hash else _dummy_hash()
            if check_password_hash(stored, password) and user and user.password_hash:
                return None if user.disabled_at is not None else _account(user)
            return None

    def get(self, user_id: int) -> Account | None:
        """Return the account with this id, or None when it is gone."""
        with self.catalog.reading() as session:
            user = session.get(User, user_id)
            return _account(user) if user else None

    def for_session(self, user_id: int, version: int) -> Account | None:
        """Return the account a session belongs to, or None when that session has been ended.

        It has been ended when the user is gone or disabled, or when their session version moved
        on (a new password, signing out, "sign out everywhere").
        """
        with self.catalog.reading() as session:
            user = session.get(User, user_id)
            if user is None or user.disabled_at is not None or user.session_version != version:
                return None
            return _account(user)

    def for_session_of(self, username: str) -> Account:
        """Return a user's account as a new session of theirs would begin."""
        with self.catalog.reading() as session:
            return _account(self._require(session, username))

    def all(self) -> list[Account]:
        """Return every account, by name."""
        with self.catalog.reading() as session:
            return [_account(u) for u in q.users(session)]

    def set_password(self, username: str, password: str) -> None:
        """Replace a user's password; every session begun with the old one ends."""
        self._check_password(password)
        with self.catalog.transaction() as session:
            user = self._require(session, username)
            user.password_hash = generate_password_hash(password, "scrypt")
            user.session_version += 1

    def end_sessions(self, username: str) -> None:
        """Sign a user out everywhere: every session they have stops working at once."""
        with self.catalog.transaction() as session:
            self._require(session, username).session_version += 1

    def set_disabled(self, username: str, disabled: bool) -> None:
        """Disable a user (no sign-in; their sessions and tokens stop at once) or enable them again."""
        with self.catalog.transaction() as session:
            user = self._require(session, username)
            if disabled and user.disabled_at is None:
                user.disabled_at = utcnow()
                user.session_version += 1
            elif not disabled:
                user.disabled_at = None

    def delete(self, username: str) -> None:
        """Delete a user and their tokens; their photos stay, with no uploader."""
        with self.catalog.transaction() as session:
            user = self._require(session, username)
            q.forget_uploader(session, user.id)
            for token in q.tokens(session, user.id):
                session.delete(token)
            session.delete(user)

    def set_role(self, username: str, role: str) -> None:
        """Change a user's role."""
        self._check_role(role)
        with self.catalog.transaction() as session:
            self._require(session, username).role = role

    @staticmethod
    def _require(session, username: str) -> User:
        """Return the user named ``username`` or raise NotFound."""
        user = q.user_by_name(session, username)
        if user is None:
            raise NotFound(f"no user named {username!r}")
        return user

    def create_token(self, username: str, name: str = "") -> str:
        """Create an API token for a user and return it; it is shown once and stored hashed."""
        token = "gal_" + secrets.token_urlsafe(32)
        with self.catalog.transaction() as session:
            user = self._require(session, username)
            session.add(ApiToken(user=user, name=name.strip()[:100], token_hash=_token_hash(token)))
        return token

    def tokens(self, username: str | None = None) -> list[dict[str, Any]]:
        """Return the API tokens (of one user, or everyone's), newest first, revoked ones too."""
        with self.catalog.reading() as session:
            user_id = self._require(session, username).id if username else None
            return [
                {
                    "id": t.id,
                    "user": t.user.username,
                    "name": t.name,
                    "created_at": t.created_at,
                    "last_used_at": t.last_used_at,
                    "revoked_at": t.revoked_at,
                }
                for t in q.tokens(session, user_id)
            ]

    def revoke_token(self, token_id: int) -> str:
        """Stop an API token at once; return whose it was."""
        with self.catalog.transaction() as session:
            row = session.get(ApiToken, token_id)
            if row is None:
                raise NotFound(f"no API token with id {token_id}")
            if row.revoked_at is None:
                row.revoked_at = utcnow()
            return row.user.username

    def for_token(self, token: str) -> Account | None:
        """Return the account a live API token belongs to, or None (revoked, user disabled)."""
        with self.catalog.transaction() as session:
            row = q.token_by_hash(session, _token_hash(token))
            if row is None or row.revoked_at is not None or row.user.disabled_at is not None:
                return None
            now = utcnow()
            if row.last_used_at is None or now - row.last_used_at > SEEN_EVERY:
                row.last_used_at = now  # not on every request: each would be a write
            return _account(row.user)
