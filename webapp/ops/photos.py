"""flask --app webapp photos move|check: photos between the folder and the database backend.

`move` walks every photo row (observation and walk-spot photos, in pages by key), copies its
bytes from one backend to the other and verifies them against the row's SHA-256 before and
after. A photo already in the target with the right checksum is skipped, so a stopped or
killed move is simply run again. One transaction per photo on the database side; sources are
deleted only with --delete-source and only after reading the copy back.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import click
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy import select

from webapp.core.audit.service import record as audit
from webapp.core.blobs import BACKENDS, BlobStore, digest, make_store, store
from webapp.extensions import db
from webapp.observations.models import Photo
from webapp.walks.models import WalkSpotPhoto

PAGE = 200


def referenced() -> Iterator[tuple[str, str]]:
    """(key, SHA-256 of the stored bytes) of every photo row, in pages: never all at once."""
    for model in (Photo, WalkSpotPhoto):
        last = ""
        while True:
            rows = db.session.execute(
                select(model.storage_name, model.sha256)
                .where(model.storage_name > last)
                .order_by(model.storage_name)
                .limit(PAGE)
            ).all()
            db.session.commit()  # no read transaction held while the page is worked through
            if not rows:
                break
            yield from ((row.storage_name, row.sha256) for row in rows)
            last = rows[-1].storage_name


def checksum(blobs: BlobStore, key: str) -> str | None:
    """The blob's SHA-256 (hashed from its bytes), None if it is not there."""
    try:
        return digest(blobs.open(key))[0]
    except KeyError:
        return None


@dataclass
class MoveCounts:
    copied: int = 0
    already: int = 0
    missing: int = 0
    bad_source: int = 0
    deleted: int = 0
    problems: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"copied {self.copied}, already there {self.already}, missing {self.missing}, "
            f"checksum differs {self.bad_source}, sources deleted {self.deleted}"
        )


def move(
    source: BlobStore,
    target: BlobStore,
    *,
    delete_source: bool = False,
    limit: int | None = None,
    echo: Callable[[str], None] = lambda _line: None,
) -> MoveCounts:
    """Copy every referenced photo from `source` to `target`, checked against the row's
    checksum; `limit` stops after that many copies (the rest on the next run)."""
    counts = MoveCounts()
    for key, expected in referenced():
        if limit is not None and counts.copied >= limit:
            break
        if checksum(target, key) == expected:
            counts.already += 1
        else:
            got = checksum(source, key)
            if got is None:
                counts.missing += 1
                counts.problems.append(f"missing in {source.name}: {key}")
                echo(counts.problems[-1])
                db.session.commit()
                continue
            if got != expected:
                counts.bad_source += 1
                counts.problems.append(f"checksum differs in {source.name}: {key} (left alone)")
                echo(counts.problems[-1])
                db.session.commit()
                continue
            info = target.put(key, source.open(key))
            if info.sha256 != expected:  # changed between the check and the copy
                db.session.rollback()
                target.delete(key) if not target.transactional else None
                raise click.ClickException(f"{key}: the copy does not match its checksum")
            db.session.commit()
            counts.copied += 1
        if delete_source and source.info(key) is not None:
            if checksum(target, key) != expected:  # read back before the source goes
                raise click.ClickException(f"{key}: reading back from {target.name} failed")
            source.delete(key)
            db.session.commit()
            counts.deleted += 1
    return counts


@dataclass
class CheckResult:
    referenced: int = 0
    bad: list[str] = field(default_factory=list)
    unreferenced: list[str] = field(default_factory=list)


def check(blobs: BlobStore) -> CheckResult:
    """Every referenced photo present with its checksum; blobs no row names listed."""
    result, seen = CheckResult(), set()
    for key, expected in referenced():
        seen.add(key)
        result.referenced += 1
        got = checksum(blobs, key)
        if got != expected:
            result.bad.append(f"{'missing' if got is None else 'checksum differs'}: {key}")
    # report-*.pdf: council PDFs made by background jobs (webapp/reports/pdf_jobs.py), named by
    # their job rows, not by a photo row.
    result.unreferenced = [
        key for key in blobs.iter_keys() if key not in seen and not key.startswith("report-")
    ]
    db.session.commit()
    return result


def register_photo_commands(app: Flask) -> None:
    group = AppGroup("photos", help="The photo store (TRYGG_PHOTO_BACKEND).")

    @group.command("move")
    @click.option("--from", "from_", type=click.Choice(BACKENDS), required=True)
    @click.option("--to", "to", type=click.Choice(BACKENDS), required=True)
    @click.option(
        "--delete-source", is_flag=True, help="Remove each source once its copy is read back."
    )
    @click.option("--limit", type=click.IntRange(min=1), help="Stop after copying this many.")
    def move_command(from_: str, to: str, delete_source: bool, limit: int | None) -> None:
        """Copy photos between backends with checksums; safe to stop and run again."""
        if from_ == to:
            raise click.UsageError("--from and --to name the same backend")
        counts = move(
            make_store(app, from_),
            make_store(app, to),
            delete_source=delete_source,
            limit=limit,
            echo=click.echo,
        )
        audit(
            "photos.move",
            target_type="photo_store",
            actor_label="cli",
            from_backend=from_,
            to_backend=to,
            copied=counts.copied,
            already=counts.already,
            missing=counts.missing,
            bad_source=counts.bad_source,
            deleted=counts.deleted,
        )
        db.session.commit()
        click.echo(f"Photos {from_} -> {to}: {counts.summary()}.")
        if counts.missing or counts.bad_source:
            raise click.ClickException("some photos could not be moved (listed above)")

    @group.command("check")
    def check_command() -> None:
        """Every photo row's bytes present in the configured store with the right checksum."""
        blobs = store()
        result = check(blobs)
        for line in result.bad:
            click.echo(line)
        click.echo(
            f"Photo store {blobs.name}: {result.referenced} referenced, {len(result.bad)} bad, "
            f"{len(result.unreferenced)} unreferenced."
        )
        if result.bad:
            raise click.ClickException("some photos are missing or damaged")

    app.cli.add_command(group)
