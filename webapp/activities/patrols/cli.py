"""flask --app webapp close-stale-patrols: run from cron, e.g. every 15 minutes."""

from __future__ import annotations

import click
from flask import Flask

from webapp.activities.patrols.service import close_stale_patrols


def register_patrol_commands(app: Flask) -> None:
    @app.cli.command("close-stale-patrols")
    def close_stale() -> None:
        """Close patrols left open past PATROL_MAX_HOURS, at that limit, flagged as auto-closed."""
        closed = close_stale_patrols()
        for patrol in closed:
            click.echo(f"closed {patrol.id} (started {patrol.started_at.isoformat()})")
        click.echo(f"{len(closed)} stale patrol(s) closed.")
