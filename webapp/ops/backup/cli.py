"""flask --app webapp backup DEST_DIR / restore SRC_DIR (see README, Operate)."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask

from webapp.core.audit.service import record as audit
from webapp.extensions import db
from webapp.ops.backup.database import BackupError
from webapp.ops.backup.service import create_backup, restore_backup, verify_backup


def photo_count(manifest: dict) -> int:  # type: ignore[type-arg]
    return len(manifest["photos"]) + len(manifest.get("stored_photos") or {})


def register_backup_commands(app: Flask) -> None:
    @app.cli.command("backup")
    @click.argument("dest", type=click.Path(file_okay=False, path_type=Path))
    def backup(dest: Path) -> None:
        """Back up the database and photos into the new folder DEST (with a checksum manifest)."""
        try:
            manifest = create_backup(dest)
        except BackupError as error:
            raise click.ClickException(str(error)) from None
        audit("backup.create", target_type="backup", actor_label="cli", folder=str(dest))
        db.session.commit()
        rows = sum(manifest["row_counts"].values())
        click.echo(
            f"Backup in {dest}: {manifest['database']['kind']} database "
            f"({rows} rows in {len(manifest['row_counts'])} tables), "
            f"{photo_count(manifest)} photo(s), manifest {dest / 'manifest.json'}."
        )

    @app.cli.command("restore")
    @click.argument("src", type=click.Path(exists=True, file_okay=False, path_type=Path))
    @click.option("--verify-only", is_flag=True, help="Only check the backup's checksums.")
    @click.option("--yes", is_flag=True, help="Do not ask before replacing the database.")
    def restore(src: Path, verify_only: bool, yes: bool) -> None:
        """Restore the database and photos from the backup folder SRC (stop the app first)."""
        try:
            manifest = verify_backup(src)
            click.echo(f"Backup of {manifest['created_at']} is complete and undamaged.")
            if verify_only:
                return
            if not yes:
                click.confirm("This replaces the whole database. Continue?", abort=True)
            report = restore_backup(src)
        except BackupError as error:
            raise click.ClickException(str(error)) from None
        audit("backup.restore", target_type="backup", actor_label="cli", folder=str(src))
        db.session.commit()
        for table, (expected, found) in report["row_counts"].items():
            click.echo(f"  table {table}: {found} rows, the backup had {expected}")
        for name in report["photos"]:
            click.echo(f"  photo {name} differs from the backup")
        if report["extra_photos"]:
            click.echo(f"  {len(report['extra_photos'])} newer photo file(s) left in place")
        if report["row_counts"] or report["photos"]:
            raise click.ClickException("the restored data does not match the backup")
        click.echo(
            f"Restored {sum(manifest['row_counts'].values())} rows and "
            f"{photo_count(manifest)} photo(s) from {src}."
        )
