"""The coordinator's decisions on public reports: publish, hide, merge, or make a review item.

Only "published" is public. Merging and making a review item are links into the situational
picture (observations, measures): they file an unpublished report as handled, and leave a
published one published, so the resident who reported it keeps seeing it on the map together
with what was done about it. Contact details never travel with a report into an observation.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import abort, current_app
from flask_babel import gettext as _
from sqlalchemy import func

from webapp.auth.models import User
from webapp.citizen.labels import HIDE_REASON
from webapp.citizen.models import REPORT_STATUSES, PublicReport
from webapp.citizen.settings import setting
from webapp.core.access import visibility_filter
from webapp.core.audit.service import record as audit
from webapp.core.fieldinput import canonical_uuid, free_text
from webapp.core.idempotency import content_digest
from webapp.core.outbox.service import emit
from webapp.extensions import db
from webapp.geo import distance_m
from webapp.measures.models import OPEN_STATUSES, Measure
from webapp.observations.models import Observation

NEARBY_M = 300


class ModerationError(ValueError):
    """An action that cannot be applied; the message is shown to the coordinator."""


class HideRefused(ModerationError):
    """The hide form needs another look: messages by field ("reason", "note"), shown at the
    fields with what was typed kept."""

    def __init__(self, fields: dict[str, str]) -> None:
        super().__init__(next(iter(fields.values())))
        self.fields = fields


# The reason given in the coordinator's own words: a short sentence, not a case file.
OTHER_REASON = "other"
HIDE_NOTE_MAX_LENGTH = 200


def get_report_or_404(report_id: str, *, reading: bool = False) -> PublicReport:
    """The report by its UUID (404 otherwise). Views reaching it are for coordinators only.

    `reading=True` (the page that shows it): contact details are personal data, so who opened
    a report carrying them is on record.
    """
    canonical = canonical_uuid(report_id)
    report = db.session.get(PublicReport, canonical) if canonical else None
    if report is None:
        abort(404)
    if reading and report.contact:
        audit("citizen_report.read", report, contact=True)
        db.session.commit()
    return report


def reports_with_status(status: str, limit: int = 200) -> list[PublicReport]:
    status = status if status in REPORT_STATUSES else "pending"
    return list(
        db.session.execute(
            db.select(PublicReport)
            .filter_by(status=status)
            .order_by(PublicReport.received_at.desc(), PublicReport.id)
            .limit(limit)
        ).scalars()
    )


def status_counts() -> dict[str, int]:
    """How many reports have each status: the tabs show them, as the review queue's do."""
    rows = db.session.execute(
        db.select(PublicReport.status, func.count()).group_by(PublicReport.status)
    )
    return {status: n for status, n in rows}


# Audit actions are noun.verb: the verb of each decision.
_VERBS = {"published": "publish", "hidden": "hide", "merged": "merge", "converted": "convert"}


def _decide(report: PublicReport, status: str, by: User, **detail: object) -> None:
    action = f"citizen_report.{_VERBS[status]}"
    audit(action, report, actor=by, from_status=report.status, **detail)
    report.status = status
    report.moderated_at = datetime.now(UTC)
    report.moderated_by_id = by.id
    if status != "hidden":
        report.hidden_reason = None  # a hidden report published or taken up later
        report.hidden_note = ""


def _link(report: PublicReport, status: str, by: User, **detail: object) -> None:
    """Merge or convert: a published report stays public, an unpublished one is filed."""
    if report.status != "published":
        _decide(report, status, by, **detail)
        return
    audit(f"citizen_report.{_VERBS[status]}", report, actor=by, from_status=report.status, **detail)
    report.moderated_at = datetime.now(UTC)
    report.moderated_by_id = by.id


def publish(report: PublicReport, public_text: str, by: User) -> None:
    """Show the report to everyone, with `public_text` (the coordinator's edit) as its text."""
    errors: dict[str, str] = {}
    limit = int(setting("CITIZEN_TEXT_MAX_LENGTH"))
    text = free_text(public_text, "public_text", errors, max_length=limit)
    if errors:
        raise ModerationError(errors["public_text"])
    report.public_text = text
    first = report.status != "published"
    _decide(report, "published", by, edited=text != report.text)
    if first:
        # The Open311 request of the report (webapp.interop.open311): public data only.
        emit(
            "citizen_report.published",
            report,
            visibility="public",
            path=f"/open311/v2/requests/r-{report.id}.json",
        )
    db.session.commit()


def clean_hide(reason: str, note: str) -> tuple[str, dict[str, str]]:
    """The note kept with `reason`, and what to fix. "Another reason" says which in the
    coordinator's words (required); with a reason from the list the note is not asked for, and
    anything typed in it is not kept (its label ties it to "Another reason")."""
    errors: dict[str, str] = {}
    if reason not in HIDE_REASON:
        errors["reason"] = _("Choose why the report is hidden.")
    if reason != OTHER_REASON:
        return "", errors
    text = free_text(note, "note", errors, max_length=HIDE_NOTE_MAX_LENGTH)
    if not text and "note" not in errors:
        errors["note"] = _("Write the reason in a few words when you choose “Another reason”.")
    return text, errors


def hide(report: PublicReport, reason: str, by: User, note: str = "") -> None:
    """Keep the report off the open map, for `reason` (a code of HIDE_REASON) and, with
    "other", `note`: the reason in words, kept with the decision and in its audit entry."""
    text, errors = clean_hide(reason, note)
    if errors:
        raise HideRefused(errors)
    _decide(report, "hidden", by, reason=reason, **({"reason_note": text} if text else {}))
    report.hidden_reason = reason
    report.hidden_note = text
    db.session.commit()


def merge_with_observation(report: PublicReport, observation: Observation, by: User) -> None:
    report.observation_id = observation.id
    _link(report, "merged", by, observation_id=observation.id)
    db.session.commit()


def merge_with_measure(report: PublicReport, measure: Measure, by: User) -> None:
    report.measure_id = measure.id
    _link(report, "merged", by, measure_id=measure.id)
    db.session.commit()


def review_item(report: PublicReport, by: User, observation_id: str | None = None) -> Observation:
    """The shared observation (status new) a report becomes, not yet added to the session: the
    coordinator `by` is its author, the note is the resident's text, without contact details.
    `observation_id`: a fixed id (the demo's), else a new UUID."""
    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    offset = report.received_at.astimezone(zone).utcoffset()
    observation = Observation(
        id=observation_id or str(uuid.uuid4()),
        lat=report.lat,
        lon=report.lon,
        accuracy_m=None,
        manual_position=True,
        observed_at=report.received_at,
        observed_utc_offset_min=int(offset.total_seconds() // 60) if offset else 0,
        category_code=report.category_code,
        note=report.text,
        rating=None,
        visibility="shared",
        status="new",
        author_id=by.id,
    )
    observation.content_hash = content_digest(
        {"citizen_report": report.id, "note": report.text, "category": report.category_code}
    )
    return observation


def convert_to_review_item(report: PublicReport, by: User) -> Observation:
    """A shared observation (status new) made from the report, so it enters the review queue.

    The coordinator is its author; the note is the resident's text, without contact details.
    """
    if report.observation_id:
        raise ModerationError(_("This report has already been turned into a review item."))
    observation = review_item(report, by)
    db.session.add(observation)
    db.session.flush()
    audit("observation.create", observation, actor=by, visibility="shared", source="citizen")
    emit(
        "observation.created",
        observation,
        visibility="shared",
        path=f"/api/v1/observations/{observation.id}",
    )
    report.observation_id = observation.id
    _link(report, "converted", by, observation_id=observation.id)
    db.session.commit()
    return observation


def erase_contact(report: PublicReport, by: User) -> None:
    """Delete the reporter's contact details once they are no longer needed."""
    if report.contact:
        report.contact = ""
        audit("citizen_report.erase_contact", report, actor=by)
        db.session.commit()


def nearby_observations(report: PublicReport, user: User, limit: int = 20) -> list[Observation]:
    """Observations the coordinator may see within NEARBY_M of the report, nearest first."""
    box = 0.004  # about 450 m north-south and 220 m east-west at Sunne's latitude: a coarse cut
    rows = db.session.execute(
        db.select(Observation)
        .where(Observation.lat.between(report.lat - box, report.lat + box))
        .where(Observation.lon.between(report.lon - 2 * box, report.lon + 2 * box))
        .where(Observation.status != "duplicate")
        .where(visibility_filter(user, Observation.visibility, Observation.author_id))
        .order_by(Observation.observed_at.desc())
        .limit(500)
    ).scalars()
    scored = [(distance_to(report, row.lat, row.lon), row) for row in rows]
    near = sorted((pair for pair in scored if pair[0] <= NEARBY_M), key=lambda pair: pair[0])
    return [row for _d, row in near[:limit]]


# A report about a place already fixed can be merged with the measure that fixed it, so the
# resident's follow-up page says so: measures finished within this many days are offered too.
RECENTLY_DONE_DAYS = 365


def linkable_measures(report: PublicReport, user: User, limit: int = 100) -> list[Measure]:
    """Open measures and those done within RECENTLY_DONE_DAYS that the coordinator may see;
    those with a place near the report first."""
    since = datetime.now(UTC) - timedelta(days=RECENTLY_DONE_DAYS)
    rows = list(
        db.session.execute(
            db.select(Measure)
            .where(
                Measure.status.in_(OPEN_STATUSES)
                | ((Measure.status == "done") & (Measure.updated_at >= since))
            )
            .where(visibility_filter(user, Measure.visibility, Measure.created_by_id))
            .order_by(Measure.created_at.desc())
            .limit(limit)
        ).scalars()
    )

    def distance(measure: Measure) -> float:
        if measure.lat is None or measure.lon is None:
            return float("inf")
        return distance_to(report, measure.lat, measure.lon)

    return sorted(rows, key=distance)


def distance_to(report: PublicReport, lat: float, lon: float) -> float:
    """Metres from the report to a point."""
    return distance_m(report.lat, report.lon, lat, lon)
