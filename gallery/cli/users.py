"""``gallery user`` and ``gallery token``: accounts and their API tokens."""

from __future__ import annotations

import secrets

import click

from gallery.cli.common import domain_errors, get_archive


@click.group("user")
def user_group() -> None:
    """Manage users."""


@user_group.command("add")
@click.argument("username")
@click.option("--role", required=True, help="admin, editor, photographer or viewer.")
@click.option("--password", help="The password (default: a random one, printed once).")
@click.option("--person", help="The person this user is, for photo credits.")
@domain_errors
def user_add(username: str, role: str, password: str | None, person: str | None) -> None:
    """Create a user with a role."""
    generated = password is None
    password = password or secrets.token_urlsafe(12)
    get_archive().accounts.add(username, role, password, person)
    click.echo(f"user {username} ({role}) created")
    if generated:
        click.echo(f"password: {password}")


@user_group.command("passwd")
@click.argument("username")
@click.password_option(help="The new password (asked twice when not given).")
@domain_errors
def user_passwd(username: str, password: str) -> None:
    """Set a user's password."""
    get_archive().accounts.set_password(username, password)
    click.echo(f"password of {username} changed")


@user_group.command("list")
def user_list() -> None:
    """List users and their roles."""
    for account in get_archive().accounts.all():
        click.echo(f"{account.username}  {account.role}  {account.person or ''}".rstrip())


@click.group("token")
def token_group() -> None:
    """Manage API tokens for scripts."""


@token_group.command("create")
@click.argument("username")
@click.option("--name", default="", help="What the token is for (shown in lists).")
@domain_errors
def token_create(username: str, name: str) -> None:
    """Create an API token for a user and print it (shown only this once)."""
    click.echo(get_archive().accounts.create_token(username, name))


@token_group.command("list")
@click.option("--user", "username", help="Only this user's tokens.")
@domain_errors
def token_list(username: str | None) -> None:
    """List API tokens: id, user, name, created, last used, and whether revoked."""
    for t in get_archive().accounts.tokens(username):
        used = (
            f"last used {t['last_used_at']:%Y-%m-%d %H:%M}" if t["last_used_at"] else "never used"
        )
        state = f"revoked {t['revoked_at']:%Y-%m-%d %H:%M}" if t["revoked_at"] else "active"
        created = f"created {t['created_at']:%Y-%m-%d %H:%M}"
        click.echo(f"{t['id']}  {t['user']}  {t['name'] or '-'}  {created}  {used}  {state}")


@token_group.command("revoke")
@click.argument("token_id", type=int)
@domain_errors
def token_revoke(token_id: int) -> None:
    """Stop an API token at once (its id from `gallery token list`)."""
    owner = get_archive().accounts.revoke_token(token_id)
    click.echo(f"token {token_id} of {owner} revoked")


@user_group.command("disable")
@click.argument("username")
@domain_errors
def user_disable(username: str) -> None:
    """Disable a user: no sign-in, their sessions and tokens stop at once."""
    get_archive().accounts.set_disabled(username, True)
    click.echo(f"user {username} disabled")


@user_group.command("enable")
@click.argument("username")
@domain_errors
def user_enable(username: str) -> None:
    """Let a disabled user sign in again (their tokens work again too)."""
    get_archive().accounts.set_disabled(username, False)
    click.echo(f"user {username} enabled")


@user_group.command("signout")
@click.argument("username")
@domain_errors
def user_signout(username: str) -> None:
    """End every session of a user (they sign in again)."""
    get_archive().accounts.end_sessions(username)
    click.echo(f"every session of {username} ended")


@user_group.command("delete")
@click.argument("username")
@click.confirmation_option(prompt="Delete this user and their API tokens?")
@domain_errors
def user_delete(username: str) -> None:
    """Delete a user and their API tokens (their photos stay)."""
    get_archive().accounts.delete(username)
    click.echo(f"user {username} deleted")
