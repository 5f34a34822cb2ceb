"""flask --app webapp seed-demo: users of every role, patrols, a walk, observations, residents'
reports and two safety surveys."""

from __future__ import annotations

import click
from flask import Flask, current_app

from webapp.ops.demo.data import DEMO_PASSWORD, seed_demo
from webapp.ops.reference import seed_reference_data


def register_demo_commands(app: Flask) -> None:
    @app.cli.command("seed-reference")
    def seed_reference() -> None:
        """Add the Sunne promises, activity types, categories and areas if missing."""
        added = seed_reference_data()
        click.echo("Reference data: " + ", ".join(f"{k} +{v}" for k, v in added.items()))

    @app.cli.command("seed-demo")
    @click.option(
        "--allow-production",
        is_flag=True,
        help="Seed even with production settings (e.g. a public demo server).",
    )
    def seed_demo_command(allow_production: bool) -> None:
        """Fill a Sunne demo data set (idempotent) and print the demo logins."""
        if current_app.config.get("ENV_NAME") == "production" and not allow_production:
            # The demo accounts, admin included, share a password printed here and in the code.
            raise click.ClickException(
                "seed-demo creates accounts with a published password and refuses to run in "
                "production; pass --allow-production for a demo server."
            )
        seed_reference_data()
        users, created = seed_demo()
        click.echo("Demo data ready" + (" (already present)." if not created else "."))
        click.echo(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for user in users:
            click.echo(f"  {user.username:<14} {user.role}")
