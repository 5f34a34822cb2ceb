"""flask --app webapp seed-demo: demo users of every role, patrols, a walk and observations."""

from __future__ import annotations

import click
from flask import Flask

from ..core.reference import seed_reference_data
from .data import DEMO_PASSWORD, seed_demo


def register_demo_commands(app: Flask) -> None:
    @app.cli.command("seed-reference")
    def seed_reference() -> None:
        """Add the Sunne promises, activity types, categories and areas if missing."""
        added = seed_reference_data()
        click.echo("Reference data: " + ", ".join(f"{k} +{v}" for k, v in added.items()))

    @app.cli.command("seed-demo")
    def seed_demo_command() -> None:
        """Fill a Sunne demo data set (idempotent) and print the demo logins."""
        seed_reference_data()
        users, created = seed_demo()
        click.echo("Demo data ready" + (" (already present)." if not created else "."))
        click.echo(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for user in users:
            click.echo(f"  {user.username:<14} {user.role}")
