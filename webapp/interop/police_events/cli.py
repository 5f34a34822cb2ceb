"""flask --app webapp police-events import [--file events.json]"""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup

from webapp.interop.police_events.importer import import_file, import_now


def register_commands(app: Flask) -> None:
    group = AppGroup("police-events", help="The police's public events for the weekly picture.")

    @group.command("import")
    @click.option(
        "--file",
        "path",
        type=click.Path(exists=True, dir_okay=False, path_type=Path),
        help="A saved answer of the police's API (no network).",
    )
    def run_import(path: Path | None) -> None:
        """Fetch the events (by the publisher's rules) or read a saved answer, and keep the
        kommun's."""
        row, counts = import_file(path) if path else import_now()
        if counts is None and row.outcome == "skipped":
            click.echo(f"No call made: {row.message}")
            return
        if counts is None:
            status = f" (HTTP {row.http_status})" if row.http_status else ""
            raise click.ClickException(f"{row.outcome}{status}: {row.message}")
        click.echo(
            f"source={row.source} received={counts.received} kept={counts.kept} "
            f"new={counts.new} updated={counts.updated} skipped={counts.skipped}"
        )

    app.cli.add_command(group)
