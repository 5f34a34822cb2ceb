"""flask --app webapp retention [--dry-run]: run daily from cron (see README, Operate)."""

from __future__ import annotations

import click
from flask import Flask

from webapp.ops.retention.service import RetentionConfigError, apply_retention, policy


def register_retention_commands(app: Flask) -> None:
    @app.cli.command("retention")
    @click.option("--dry-run", is_flag=True, help="Only report what would be removed.")
    def retention(dry_run: bool) -> None:
        """Blank free text, anonymise or delete records, files and audit entries past RETENTION."""
        try:
            kept = sorted(set(app.config.get("RETENTION") or {}) - set(policy()))
            outcomes = apply_retention(dry_run=dry_run)
        except RetentionConfigError as error:
            raise click.ClickException(str(error)) from None
        verb = (
            {"blanked": "would blank", "anonymised": "would anonymise", "deleted": "would delete"}
            if dry_run
            else {}
        )
        click.echo("Retention" + (" (dry run: nothing changed)" if dry_run else "") + ":")
        for o in outcomes:
            action = verb.get(o.action, o.action)
            files = f", {len(o.files)} file(s)" if o.files else ""
            click.echo(
                f"  {o.key:<18} older than {o.days} days (before {o.cutoff:%Y-%m-%d}): "
                f"{action} {o.count} {o.what}{files}"
            )
        for key in kept:
            click.echo(f"  {key:<18} kept (no limit set)")
        total = sum(o.count for o in outcomes)
        click.echo(f"{total} record(s) {'would be ' if dry_run else ''}affected.")
