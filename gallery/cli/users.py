"""``gallery user`` and ``gallery token``: accounts and their API tokens."""

from __future__ import annotations

import secrets

import click
from flask.cli import with_appcontext

from gallery.accounts import USER_ROLES
from gallery.app import get_archive
from gallery.cli.common import domain_errors


@click.group("user")
def user_group() -> None:
    """Manage users."""


@user_group.command("add")
@click.argument("username")
@click.option("--role", type=click.Choice(USER_ROLES), required=True)
@click.option("--password", help="The password (default: a random one, printed once).")
@click.option("--person", help="The person this user is, for photo credits.")
@with_appcontext
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
@with_appcontext
@domain_errors
def user_passwd(username: str, password: str) -> None:
    """Set a user's password."""
    get_archive().accounts.set_password(username, password)
    click.echo(f"password of {username} changed")


@user_group.command("list")
@with_appcontext
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
@with_appcontext
@domain_errors
def token_create(username: str, name: str) -> None:
    """Create an API token for a user and print it (shown only this once)."""
    click.echo(get_archive().accounts.create_token(username, name))
