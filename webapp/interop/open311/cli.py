"""flask --app webapp open311-key create NAME | list | revoke NAME"""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from webapp.core.dbtypes import utcnow
from webapp.extensions import db
from webapp.interop.open311.keys import (
    KeyError_,
    active_key_named,
    all_keys,
    create_key,
    revoke_key,
)
from webapp.interop.open311.models import ApiKey


def register_commands(app: Flask) -> None:
    group = AppGroup("open311-key", help="API keys of the Open311 interface.")

    @group.command("create")
    @click.argument("name")
    def create(name: str) -> None:
        """Make a key for a partner's system; the key is printed once and never again."""
        try:
            _row, key = create_key(name, actor_label="cli")
        except KeyError_ as problem:
            taken = str(problem) == "taken"
            message = "The name is taken." if taken else "Give a name of 1-80 characters."
            raise click.ClickException(message) from None
        db.session.commit()
        click.echo(key)
        click.echo(f"Key {name!r} created. Store it now: it is not shown again.", err=True)

    @group.command("list")
    def list_keys() -> None:
        for row in all_keys():
            state = f"revoked {row.revoked_at:%Y-%m-%d}" if row.revoked_at else "active"
            used = f"{row.last_used_at:%Y-%m-%d %H:%M}" if row.last_used_at else "never"
            click.echo(f"{row.name}\t{row.prefix}…\t{state}\tlast used {used}")

    @group.command("revoke")
    @click.argument("name")
    def revoke(name: str) -> None:
        # A name may be on several revoked keys beside one active key (names are free again
        # once their key is revoked): revoke the active one.
        row = active_key_named(name)
        if row is None:
            revoked = db.session.execute(db.select(ApiKey.id).filter_by(name=name)).first()
            if revoked is None:
                raise click.ClickException(f"No key named {name!r}.")
            click.echo(f"Key {name!r} was already revoked.")
            return
        revoke_key(row, actor_label="cli")
        db.session.commit()
        click.echo(f"Key {name!r} revoked at {utcnow():%Y-%m-%d %H:%M} UTC.")

    app.cli.add_command(group)
