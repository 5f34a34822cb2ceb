"""Everything linked to one user account, for a data subject request (GDPR art. 15 and 20).

JSON (one document) or a ZIP with the same JSON, one CSV per table and the photo files the user
took. Only the coordinator exports: the export holds police and municipal records alike.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import date, datetime
from typing import Any

from sqlalchemy import inspect, or_

from webapp.activities.models import Activity, ActivityRevision, FollowUp
from webapp.auth.models import User
from webapp.citizen.models import PublicReport, Survey
from webapp.core.audit.models import AuditEntry
from webapp.core.blobs import store
from webapp.core.spreadsheet import neutralise
from webapp.extensions import db
from webapp.measures.models import Measure, MeasureEvent
from webapp.observations.models import Observation, Photo
from webapp.walks.models import SafetyWalk

# Never exported: secrets that would let the file's reader act as the user.
ACCOUNT_FIELDS = (
    "id", "username", "display_name", "role", "organisation", "active", "locale", "created_at",
    "last_login_at",
)  # fmt: skip
# Internal bookkeeping that says nothing about the person.
SKIPPED_COLUMNS = {"content_hash", "stop_hash", "upload_sha256", "storage_name"}
# A report the user moderated is the resident's: what they wrote and how to reach them are a
# third party's data (GDPR art. 15(4)). The coordinator's decision and published text stay.
RESIDENT_COLUMNS = {"text", "contact"}
# Audit actions that are a moderation decision (or its follow-up) on a citizen report.
MODERATION_ACTIONS = (
    "citizen_report.publish", "citizen_report.hide", "citizen_report.merge",
    "citizen_report.convert", "citizen_report.erase_contact",
)  # fmt: skip


def _value(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _row(obj: Any, skip: set[str] = SKIPPED_COLUMNS) -> dict[str, Any]:
    return {
        column.key: _value(getattr(obj, column.key))
        for column in inspect(obj).mapper.column_attrs
        if column.key not in skip
    }


def _rows(query: Any, skip: set[str] = SKIPPED_COLUMNS) -> list[dict[str, Any]]:
    return [_row(obj, skip) for obj in db.session.execute(query).scalars()]


def _owned(user_column: Any, user: User, order: Any) -> list[dict[str, Any]]:
    """The rows of `user_column`'s table whose `user_column` is the user, in `order`."""
    return _rows(db.select(user_column.class_).where(user_column == user.id).order_by(order))


def _moderated_reports(user: User) -> list[dict[str, Any]]:
    """Reports the user decided on: the last decision is on the row, earlier ones in the trail."""
    acted_on = db.select(AuditEntry.target_id).where(
        AuditEntry.actor_id == user.id,
        AuditEntry.target_type == PublicReport.__tablename__,
        AuditEntry.action.in_(MODERATION_ACTIONS),
    )
    query = (
        db.select(PublicReport)
        .where(or_(PublicReport.moderated_by_id == user.id, PublicReport.id.in_(acted_on)))
        .order_by(PublicReport.received_at, PublicReport.id)
    )
    return _rows(query, SKIPPED_COLUMNS | RESIDENT_COLUMNS)


def _walks(user: User, activities: Any) -> list[dict[str, Any]]:
    """Walks the user planned, and walks they took part in and logged as their own activity.

    Participants who joined with the walk's code have no account, so nothing else ties a walk
    to a person.
    """
    rows = []
    query = (
        db.select(SafetyWalk)
        .where(or_(SafetyWalk.created_by_id == user.id, SafetyWalk.activity_id.in_(activities)))
        .order_by(SafetyWalk.id)
    )
    for walk in db.session.execute(query).scalars():
        link = "created" if walk.created_by_id == user.id else "logged_activity"
        rows.append({**_row(walk), "link": link})
    return rows


def user_data(user: User) -> dict[str, list[dict[str, Any]]]:
    """The account and every record made by, changed by or about the user, table by table."""
    activities = db.select(Activity.id).where(Activity.author_id == user.id)
    return {
        "account": [{name: _value(getattr(user, name)) for name in ACCOUNT_FIELDS}],
        "observations": _owned(Observation.author_id, user, Observation.created_at),
        "photos": _owned(Photo.author_id, user, Photo.created_at),
        "activities": _owned(Activity.author_id, user, Activity.created_at),
        "follow_ups": _rows(
            db.select(FollowUp).where(FollowUp.activity_id.in_(activities)).order_by(FollowUp.id)
        ),
        "activity_revisions": _owned(ActivityRevision.user_id, user, ActivityRevision.at),
        "measures": _owned(Measure.created_by_id, user, Measure.id),
        "measure_events": _owned(MeasureEvent.user_id, user, MeasureEvent.at),
        "safety_walks": _walks(user, activities),
        "citizen_report_moderation": _moderated_reports(user),
        "surveys": _owned(Survey.created_by_id, user, Survey.id),
        # What the user did, what was done to the account, and failed logins under its name.
        "audit_entries": _rows(
            db.select(AuditEntry)
            .where(
                or_(
                    AuditEntry.actor_id == user.id,
                    (AuditEntry.target_type == "users") & (AuditEntry.target_id == str(user.id)),
                    (AuditEntry.actor_id.is_(None)) & (AuditEntry.actor_label == user.username),
                )
            )
            .order_by(AuditEntry.at)
        ),
    }


def as_json(data: dict[str, Any]) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True).encode("utf-8")


def as_csv(rows: list[dict[str, Any]]) -> bytes:
    """One table; nested values (details, routes) as JSON text in their cell."""
    buffer = io.StringIO()
    columns = sorted({key for row in rows for key in row})
    writer = csv.DictWriter(buffer, fieldnames=columns, extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        # Every cell, not only notes: any text here may have been typed by someone.
        writer.writerow({key: neutralise(_cell(value)) for key, value in row.items()})
    # A byte order mark, so that spreadsheet programs read the Swedish letters right.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _cell(value: Any) -> Any:
    return json.dumps(value, ensure_ascii=False) if isinstance(value, dict | list) else value


def as_zip(user: User, data: dict[str, list[dict[str, Any]]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{user.username}.json", as_json(data))
        for table, rows in data.items():
            archive.writestr(f"csv/{table}.csv", as_csv(rows))
        blobs = store()
        photos = db.session.execute(
            db.select(Photo.id, Photo.storage_name).where(Photo.author_id == user.id)
        ).all()
        for photo_id, storage_name in photos:
            try:
                chunks = blobs.open(storage_name)
            except KeyError:  # removed by retention: the row says so, the file is gone
                continue
            with archive.open(f"photos/{photo_id}.jpg", "w") as member:
                for chunk in chunks:  # one chunk in memory at a time
                    member.write(chunk)
    return buffer.getvalue()
