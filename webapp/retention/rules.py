"""What each retention setting removes: the one place that knows the record types and their ages.

Every rule selects rows by the time they were stored (`created_at`, or `at` for the audit trail)
and either blanks their free text or deletes them, returning the ids and the photo files to
delete. Changes use the same condition as the selection in the same transaction, so what is
reported is what goes; a dry run makes the same changes and rolls them back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, delete, select, update

from ..audit.models import AuditEntry
from ..extensions import db
from ..observations.models import Observation, Photo
from ..promises.models import Activity, ActivityRevision
from ..walks.models import WalkMeasureCheck, WalkRating, WalkSpot, WalkSpotPhoto

# (ids of the rows found, storage names of the photo files to delete)
Found = tuple[list[str], list[str]]


@dataclass(frozen=True)
class Rule:
    key: str
    action: str  # "blanked" or "deleted"
    what: str
    run: Callable[[datetime], Found]


def _ids(model: Any, condition: ColumnElement[bool]) -> list[str]:
    return [str(value) for value in db.session.execute(select(model.id).where(condition)).scalars()]


def _blank(model: Any, column: Any, cutoff: datetime) -> list[str]:
    condition = (model.created_at < cutoff) & (column != "")
    ids = _ids(model, condition)
    if ids:
        db.session.execute(update(model).where(condition).values({column.key: ""}))
    return ids


def blank_observation_notes(cutoff: datetime) -> Found:
    return _blank(Observation, Observation.note, cutoff), []


def blank_activity_notes(cutoff: datetime) -> Found:
    ids = _blank(Activity, Activity.note, cutoff)
    # An edit keeps the previous note in the activity's history: that copy goes too.
    old = db.session.execute(
        select(ActivityRevision)
        .join(Activity, Activity.id == ActivityRevision.activity_id)
        .where(Activity.created_at < cutoff)
    ).scalars()
    for revision in old:
        if (revision.previous or {}).get("note"):
            revision.previous = {**revision.previous, "note": ""}
    return ids, []


def blank_walk_notes(cutoff: datetime) -> Found:
    ids: list[str] = []
    for model in (WalkSpot, WalkRating, WalkMeasureCheck):
        ids += _blank(model, model.note, cutoff)
    return ids, []


def _delete_photos(model: Any, condition: ColumnElement[bool]) -> Found:
    rows = db.session.execute(select(model.id, model.storage_name).where(condition)).all()
    if rows:
        db.session.execute(delete(model).where(condition))
    return [row.id for row in rows], [row.storage_name for row in rows]


def delete_observations(cutoff: datetime) -> Found:
    old = Observation.created_at < cutoff
    ids = _ids(Observation, old)
    old_ids = select(Observation.id).where(old).scalar_subquery()
    _photo_ids, files = _delete_photos(Photo, Photo.observation_id.in_(old_ids))
    if ids:
        # A newer record marked as a duplicate of a deleted one only loses that pointer.
        db.session.execute(
            update(Observation)
            .where(Observation.duplicate_of_id.in_(old_ids))
            .values(duplicate_of_id=None)
        )
        db.session.execute(delete(Observation).where(old))
    return ids, files


def delete_photos(cutoff: datetime) -> Found:
    return _delete_photos(Photo, Photo.created_at < cutoff)


def delete_walk_photos(cutoff: datetime) -> Found:
    return _delete_photos(WalkSpotPhoto, WalkSpotPhoto.created_at < cutoff)


def delete_audit_entries(cutoff: datetime) -> Found:
    old = AuditEntry.at < cutoff
    ids = _ids(AuditEntry, old)
    if ids:
        # In bulk on purpose: the ORM refuses to delete single entries (append-only).
        db.session.execute(delete(AuditEntry).where(old))
    return ids, []


# In order: whole records before their parts, so nothing is counted twice.
RULES: tuple[Rule, ...] = (
    Rule("observations", "deleted", "observations, with their photos", delete_observations),
    Rule("photos", "deleted", "observation photos", delete_photos),
    Rule("walk_photos", "deleted", "photos of walk spots", delete_walk_photos),
    Rule("observation_note", "blanked", "observation notes", blank_observation_notes),
    Rule("activity_note", "blanked", "activity notes, with earlier versions", blank_activity_notes),
    Rule("walk_note", "blanked", "notes of walk spots, ratings and checks", blank_walk_notes),
    Rule("audit", "deleted", "audit entries", delete_audit_entries),
)
RULE_KEYS = frozenset(rule.key for rule in RULES)
