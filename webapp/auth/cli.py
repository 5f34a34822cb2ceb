"""flask --app webapp create-user USERNAME --role ROLE (password on stdin)."""

from __future__ import annotations

import re
import sys

import click
from flask import Flask

from webapp.auth.models import ORGANISATION_BY_ROLE, User
from webapp.auth.passwords import password_problem
from webapp.core.access import Role
from webapp.core.audit.service import record as audit
from webapp.core.dbtypes import utcnow
from webapp.extensions import db

# The same rule as the admin form; the column holds 64 characters.
USERNAME_PATTERN = re.compile(r"^[a-z0-9._-]{1,64}$")


def _check_new_user(username: str, role: str, organisation: str | None, display_name: str) -> None:
    """Refuse (ClickException) what create-user must not make, before it asks for a password."""
    if not USERNAME_PATTERN.match(username):
        raise click.ClickException(
            "The user name must be 1-64 characters: letters a-z, digits, dot, dash or underscore."
        )
    fixed = ORGANISATION_BY_ROLE.get(Role(role))
    if organisation and fixed and organisation != fixed:
        # Officers are police and staff are municipal: the role decides what they may read.
        raise click.ClickException(f"A user with role {role} belongs to {fixed}.")
    if len(display_name) > 120:
        raise click.ClickException("The display name must be at most 120 characters.")


def register_auth_commands(app: Flask) -> None:
    @app.cli.command("create-user")
    @click.argument("username")
    @click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
    @click.option(
        "--organisation",
        type=click.Choice(["police", "municipality"]),
        help="Data controller for coordinators and admins (default: police).",
    )
    @click.option("--name", "display_name", default="", help="Display name.")
    def create_user(username: str, role: str, organisation: str | None, display_name: str) -> None:
        """Create a user; the password is read from standard input.

        A server-console action (e.g. the first coordinator): the account is ready at once,
        without the coordinator confirmation the web admin's new accounts need.
        """
        username = username.strip().lower()
        _check_new_user(username, role, organisation, display_name)
        password = read_password()
        problem = password_problem(password, username)
        if problem:
            raise click.ClickException(str(problem))
        if db.session.execute(db.select(User).filter_by(username=username)).scalar():
            raise click.ClickException(f"User {username!r} already exists.")
        user = new_user(username, Role(role), password, organisation, display_name)
        db.session.add(user)
        db.session.flush()
        audit("user.create", user, actor_label="cli", role=role)
        db.session.commit()
        click.echo(f"Created {username} ({role}).")

    @app.cli.command("set-password")
    @click.argument("username")
    def set_password(username: str) -> None:
        """Set a user's password from standard input and confirm the account.

        A server-console action for when no coordinator is left to confirm (e.g. the only
        coordinator of an organisation forgot the password). Ends the user's sessions.
        """
        user = db.session.execute(
            db.select(User).filter_by(username=username.strip().lower())
        ).scalar_one_or_none()
        if user is None:
            raise click.ClickException(f"No user {username!r}.")
        password = read_password()
        problem = password_problem(password, user.username)
        if problem:
            raise click.ClickException(str(problem))
        user.set_password(password)
        if user.confirmed_at is None:
            user.confirmed_at = utcnow()
        audit("user.password_set", user, actor_label="cli")
        db.session.commit()
        click.echo(f"New password set for {user.username}.")


def read_password() -> str:
    if sys.stdin.isatty():
        return click.prompt("Password", hide_input=True, confirmation_prompt=True)
    return sys.stdin.readline().rstrip("\r\n")


def new_user(
    username: str,
    role: Role,
    password: str | None,
    organisation: str | None = None,
    display_name: str = "",
) -> User:
    """A new account. With a password it is ready to use: only the server console (this CLI,
    the demo) and tests make those. Without one, its owner sets it with a one-time code, and a
    data role waits for a coordinator's confirmation (webapp/admin)."""
    user = User(
        username=username,
        role=role.value,
        organisation=organisation or ORGANISATION_BY_ROLE.get(role, "police"),
        display_name=display_name or username,
    )
    if password is None:
        user.clear_password()
    else:
        user.set_password(password)
        user.confirmed_at = utcnow()
    return user
