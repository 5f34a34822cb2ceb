"""What each retention setting removes: the one place that knows the record types and their ages.

Every rule selects rows by their age (when they were stored, or when they stopped being needed:
a citizen report once handled, a survey once closed, a walk once held) and either blanks their
free text, anonymises them or deletes them, returning the ids and the photo files to delete.
Rows the statistics and the council report count are kept: only their text or what links them
to a person goes. Changes use the same condition as the selection in the same transaction, so
what is reported is what goes; a dry run makes the same changes and rolls them back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, delete, func, or_, select, update

from webapp.activities.models import Activity, ActivityRevision, FollowUp
from webapp.citizen.models import PublicReport, Survey, SurveyAnswer, SurveyResponse
from webapp.core.audit.models import AuditEntry
from webapp.core.jobs import DONE, FAILED, BackgroundJob
from webapp.extensions import db
from webapp.measures.models import OPEN_STATUSES, Measure, MeasureEvent
from webapp.observations.models import Observation, Photo
from webapp.reports import pdf_jobs
from webapp.walks.models import (
    HEADCOUNT_DIMENSIONS,
    SafetyWalk,
    WalkMeasureCheck,
    WalkParticipant,
    WalkRating,
    WalkSpot,
    WalkSpotPhoto,
)

# (ids of the rows found, storage names of the photo files to delete)
Found = tuple[list[str], list[str]]


@dataclass(frozen=True)
class Rule:
    key: str
    action: str  # "blanked", "anonymised" or "deleted"
    what: str
    run: Callable[[datetime], Found]


def _ids(model: Any, condition: ColumnElement[bool]) -> list[str]:
    return [str(value) for value in db.session.execute(select(model.id).where(condition)).scalars()]


def _blank_where(
    model: Any, columns: list[Any], condition: ColumnElement[bool], **keep: Any
) -> list[str]:
    """Blank `columns` of the rows matching `condition` that still hold text in one of them.

    `keep` pins columns with an onupdate default (updated_at): removing text by age is not an
    edit, and must not make an old record look recently changed.
    """
    condition = condition & or_(*(column != "" for column in columns))
    ids = _ids(model, condition)
    if ids:
        values = {column.key: "" for column in columns} | keep
        db.session.execute(update(model).where(condition).values(values))
    return ids


def _blank(model: Any, column: Any, cutoff: datetime) -> list[str]:
    return _blank_where(model, [column], model.created_at < cutoff)


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
    # What a meeting agreed to follow up is free text too; an open follow-up still needs it.
    old_activities = select(Activity.id).where(Activity.created_at < cutoff)
    done = FollowUp.done_on.is_not(None) & FollowUp.activity_id.in_(old_activities)
    ids += _blank_where(FollowUp, [FollowUp.what], done)
    return ids, []


def blank_walk_notes(cutoff: datetime) -> Found:
    ids: list[str] = []
    for model in (WalkSpot, WalkRating, WalkMeasureCheck):
        ids += _blank(model, model.note, cutoff)
    return ids, []


def blank_walk_internal_notes(cutoff: datetime) -> Found:
    # By the walk's time, not its creation: planning notes stay until the walk has been held.
    old = SafetyWalk.starts_at < cutoff
    return _blank_where(SafetyWalk, [SafetyWalk.notes], old, updated_at=SafetyWalk.updated_at), []


def anonymise_walk_participants(cutoff: datetime) -> Found:
    """Unlink the group, gender and age band a participant gave, and drop the join code.

    The headcount counts each dimension on its own. Each dimension's values are dealt out again
    over the walk's participants in sorted order, so every count stays while what a row holds
    follows from the counts alone: no row says any more that, say, the one woman over 65 from
    the business group rated these stops.
    """
    old = db.session.execute(
        select(WalkParticipant)
        .where(WalkParticipant.joined_at < cutoff)
        .order_by(WalkParticipant.walk_id, WalkParticipant.id)
    ).scalars()
    by_walk: dict[int, list[WalkParticipant]] = {}
    for participant in old:
        by_walk.setdefault(participant.walk_id, []).append(participant)
    changed: set[str] = set()
    for participants in by_walk.values():
        for dimension in HEADCOUNT_DIMENSIONS:
            values = sorted((getattr(p, dimension) for p in participants), key=_none_last)
            for participant, value in zip(participants, values, strict=True):
                if getattr(participant, dimension) != value:
                    setattr(participant, dimension, value)
                    changed.add(participant.id)
        for participant in participants:
            # The code and the account link (of officers and staff who joined from the walk's
            # page) go too: once retention has run, no row says who rated what.
            if participant.join_code or participant.user_id is not None:
                participant.join_code = ""
                participant.user_id = None
                changed.add(participant.id)
    return sorted(changed), []


def _none_last(value: str | None) -> tuple[bool, str]:
    return value is None, value or ""


def blank_measure_comments(cutoff: datetime) -> Found:
    # The status history's comments; the events stay, the council report counts them.
    ids = _blank_where(MeasureEvent, [MeasureEvent.comment], MeasureEvent.at < cutoff)
    # The internal note of a measure that is finished and has not changed since the cutoff.
    # Its status_reason stays: it is the register's answer to why not, or whose it is now.
    finished = Measure.status.not_in(OPEN_STATUSES) & (Measure.updated_at < cutoff)
    ids += _blank_where(Measure, [Measure.internal_note], finished, updated_at=Measure.updated_at)
    return ids, []


def blank_citizen_contact(cutoff: datetime) -> Found:
    # Counted from the coordinator's decision, or from arrival for a report nobody handled:
    # an unanswered report does not keep its sender's phone number for ever either.
    handled_or_received = func.coalesce(PublicReport.moderated_at, PublicReport.received_at)
    return _blank_where(PublicReport, [PublicReport.contact], handled_or_received < cutoff), []


def blank_citizen_text(cutoff: datetime) -> Found:
    # The published text is the coordinator's edit of the resident's: it goes with it, and so do
    # the coordinator's words of why it was hidden. Place, category, feeling, status and the
    # reason's code stay for the statistics.
    columns = [PublicReport.text, PublicReport.public_text, PublicReport.hidden_note]
    return _blank_where(PublicReport, columns, PublicReport.received_at < cutoff), []


# Marked places are rounded to about 110 m north-south (55 m east-west at Sunne's latitude):
# enough for the results map and the places per area, a block rather than a door.
SURVEY_POINT_DECIMALS = 3


def anonymise_survey_answers(cutoff: datetime) -> Found:
    """Surveys closed before the cutoff: no response holds one person's answers any more.

    The results are counts per question (and step or option), respondents per question and
    marked places. Each question's answers are dealt out again over the survey's responses in
    sorted order, so every figure stays while which answers share a response follows from the
    figures alone: the raw answer sheets (which answers, and which place, came from one person)
    are gone. Returns the ids of the surveys changed.
    """
    closed = db.session.execute(select(Survey.id).where(Survey.closes_at < cutoff)).scalars()
    return [str(survey_id) for survey_id in closed if _unlink_survey(survey_id)], []


def _unlink_survey(survey_id: int) -> bool:
    responses = sorted(
        db.session.execute(
            select(SurveyResponse.id).where(SurveyResponse.survey_id == survey_id)
        ).scalars()
    )
    answers = db.session.execute(
        select(SurveyAnswer)
        .join(SurveyResponse, SurveyResponse.id == SurveyAnswer.response_id)
        .where(SurveyResponse.survey_id == survey_id)
    ).scalars()
    # question -> response -> that respondent's answer rows to it (several for "multiple")
    sheets: dict[int, dict[str, list[SurveyAnswer]]] = {}
    changed = False
    for answer in answers:
        lat, lon = _coarse(answer.lat), _coarse(answer.lon)
        if (answer.lat, answer.lon) != (lat, lon):
            answer.lat, answer.lon = lat, lon
            changed = True
        sheets.setdefault(answer.question_id, {}).setdefault(answer.response_id, []).append(answer)
    for per_response in sheets.values():
        # Ties keep their current order, so a second run finds the same deal and changes nothing.
        dealt = sorted(per_response.items(), key=lambda item: (_answer_key(item[1]), item[0]))
        for response_id, (_old, rows) in zip(responses, dealt, strict=False):
            for row in rows:
                if row.response_id != response_id:
                    row.response_id = response_id
                    changed = True
    return changed


def _coarse(degrees: float | None) -> float | None:
    return None if degrees is None else round(degrees, SURVEY_POINT_DECIMALS)


def _answer_key(rows: list[SurveyAnswer]) -> list[tuple[int, float, float]]:
    return sorted(
        (r.value if r.value is not None else -1, r.lat or 0.0, r.lon or 0.0) for r in rows
    )


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


def delete_finished_jobs(cutoff: datetime) -> Found:
    """Queue rows of jobs that finished (done or failed) before the cutoff, with the council
    report PDFs they made. Safe to delete: a calendar job is only ever made for the period the
    clock is in, and a report asked for again is made anew from that day's data."""
    old = BackgroundJob.state.in_((DONE, FAILED)) & (BackgroundJob.finished_at < cutoff)
    rows = db.session.execute(select(BackgroundJob.id, BackgroundJob.kind).where(old)).all()
    reports = [key for key, kind in rows if kind == pdf_jobs.KIND]
    files = [pdf_jobs.blob_key(key.removeprefix(f"{pdf_jobs.KIND}:")) for key in reports]
    if rows:
        db.session.execute(delete(BackgroundJob).where(old))
    return [key for key, _kind in rows], files


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
    Rule(
        "activity_note",
        "blanked",
        "activity notes, with earlier versions and done follow-ups",
        blank_activity_notes,
    ),
    Rule("walk_note", "blanked", "notes of walk spots, ratings and checks", blank_walk_notes),
    Rule(
        "walk_internal_note", "blanked", "internal notes of safety walks", blank_walk_internal_notes
    ),
    Rule(
        "walk_participants",
        "anonymised",
        "walk participants (join data unlinked)",
        anonymise_walk_participants,
    ),
    Rule(
        "measure_comment", "blanked", "measure comments and internal notes", blank_measure_comments
    ),
    Rule("citizen_contact", "blanked", "contact details in citizen reports", blank_citizen_contact),
    Rule("citizen_text", "blanked", "texts of citizen reports", blank_citizen_text),
    Rule(
        "survey_answers",
        "anonymised",
        "surveys (answers unlinked, places rounded)",
        anonymise_survey_answers,
    ),
    Rule(
        "jobs",
        "deleted",
        "finished background jobs, with the council report PDFs they made",
        delete_finished_jobs,
    ),
    Rule("audit", "deleted", "audit entries", delete_audit_entries),
)
RULE_KEYS = frozenset(rule.key for rule in RULES)
