"""The two ways in: from the police's API (the worker calls `import_from_feed` hourly) and from
a saved answer (`import_file`)."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from webapp.core.dbtypes import utcnow
from webapp.extensions import db
from webapp.interop.police_events.client import fetch
from webapp.interop.police_events.models import PoliceImport
from webapp.interop.police_events.parse import ParseError, parse_events
from webapp.interop.police_events.service import Counts, import_events


def import_body(body: bytes, row: PoliceImport) -> Counts | None:
    try:
        events, skipped = parse_events(body)
    except ParseError as problem:
        row.outcome, row.message, row.finished_at = "parse", str(problem)[:300], utcnow()
        db.session.commit()
        return None
    return import_events(events, skipped, row)


def import_now() -> tuple[PoliceImport, Counts | None]:
    """Fetch (if the publisher's rules allow a call now) and import. Needs an app context."""
    fetched = fetch()
    if fetched.body is None:
        return fetched.row, None
    return fetched.row, import_body(fetched.body, fetched.row)


def import_file(path: Path) -> tuple[PoliceImport, Counts | None]:
    row = PoliceImport(source="file", url=str(path.name)[:500], started_at=utcnow())
    db.session.add(row)
    return row, import_body(path.read_bytes(), row)


def import_from_feed(app: Flask) -> str:
    """The worker's hourly job: idempotent (a run too soon after another makes no call).
    Returns the outcome of the run."""
    with app.app_context():
        row, _counts = import_now()
        return row.outcome
