"""Keeping the kommun's events, de-duplicated on the police's id, and reading them back for
the weekly picture (from the database only: the page never waits for the police's server)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from webapp.core.audit.service import record as audit
from webapp.core.dbtypes import utcnow
from webapp.extensions import db
from webapp.interop.police_events.models import PoliceEvent, PoliceImport
from webapp.interop.police_events.parse import Event
from webapp.interop.police_events.settings import setting

COUNTY_SUFFIX = " län"


@dataclass(frozen=True)
class Counts:
    received: int
    kept: int
    new: int
    updated: int
    skipped: int


def locations() -> list[str]:
    return [p.strip() for p in str(setting("POLICE_EVENTS_LOCATIONS")).split(";") if p.strip()]


def keeps(event: Event, kommun: str, places: list[str]) -> bool:
    """The kommun's own events; county-level ones only when they name the kommun as a word
    ("Sunne", not "Sunnemo")."""
    where = event.location_name.casefold()
    if where == kommun.casefold():
        return True
    counties = {p.casefold() for p in places if p.casefold().endswith(COUNTY_SUFFIX)}
    if where not in counties:
        return False
    word = re.compile(rf"\b{re.escape(kommun)}\b", re.IGNORECASE | re.UNICODE)
    return bool(word.search(event.name) or word.search(event.summary))


FIELDS = ("occurred_at", "raw_datetime", "name", "summary", "url", "type", "location_name")


def import_events(events: list[Event], skipped: int, row: PoliceImport) -> Counts:
    """Insert new events, update edited ones, leave the rest; fill in and finish `row`, audit,
    and commit."""
    kommun, places = str(setting("POLICE_EVENTS_KOMMUN")), locations()
    kept = [e for e in events if keeps(e, kommun, places)]
    unique = {e.id: e for e in kept}  # a file may hold an event twice
    existing = {
        p.id: p
        for p in db.session.execute(
            db.select(PoliceEvent).where(PoliceEvent.id.in_(list(unique)))
        ).scalars()
    }
    new = updated = 0
    now = utcnow()
    for event in unique.values():
        stored = existing.get(event.id)
        if stored is None:
            db.session.add(PoliceEvent(id=event.id, first_imported_at=now, **_values(event)))
            new += 1
        elif any(getattr(stored, f) != v for f, v in _values(event).items()):
            for field, value in _values(event).items():
                setattr(stored, field, value)
            stored.updated_at = now
            updated += 1
    counts = Counts(len(events) + skipped, len(unique), new, updated, skipped)
    row.received, row.kept, row.new, row.updated = counts.received, counts.kept, new, updated
    row.outcome, row.finished_at = "ok", utcnow()
    row.message = f"skipped {skipped} malformed" if skipped else ""
    audit(
        "police_events.import",
        row,
        actor_label="import",
        source=row.source,
        kept=counts.kept,
        new=new,
        updated=updated,
    )
    db.session.commit()
    return counts


def _values(event: Event) -> dict[str, object]:
    return {f: getattr(event, f) for f in FIELDS}


@dataclass(frozen=True)
class EventLine:
    occurred_at: datetime
    type: str
    title: str
    url: str


def events_between(start: datetime, end: datetime) -> list[EventLine]:
    rows = db.session.execute(
        db.select(PoliceEvent)
        .where(PoliceEvent.occurred_at >= start, PoliceEvent.occurred_at < end)
        .order_by(PoliceEvent.occurred_at.desc(), PoliceEvent.id.desc())
    ).scalars()
    return [EventLine(r.occurred_at, r.type, r.name, r.url) for r in rows]


@dataclass(frozen=True)
class ImportState:
    last_ok: datetime | None  # when the last successful import finished
    problem: str | None  # the outcome of the last attempt, if it failed
    problem_status: int | None


def import_state() -> ImportState:
    last_ok = db.session.execute(
        db.select(db.func.max(PoliceImport.finished_at)).where(PoliceImport.outcome == "ok")
    ).scalar()
    last = db.session.execute(
        db.select(PoliceImport)
        .where(PoliceImport.outcome.not_in(("skipped", "running")))
        .order_by(PoliceImport.started_at.desc(), PoliceImport.id.desc())
        .limit(1)
    ).scalar_one_or_none()
    if last is None or last.outcome == "ok":
        return ImportState(last_ok, None, None)
    return ImportState(last_ok, last.outcome, last.http_status)
