"""Building surveys: details, the open period and questions; copying last year's survey.

A survey's questions are fixed once it has answers: an answer points at a question and an option
by position, and changing them afterwards would change what people answered.
"""

from __future__ import annotations

import secrets
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import abort, current_app
from flask_babel import gettext as _
from sqlalchemy import func

from webapp.auth.models import User
from webapp.citizen.models import QUESTION_KINDS, Survey, SurveyQuestion, SurveyResponse
from webapp.core.audit.service import record as audit
from webapp.extensions import db


class SurveyError(ValueError):
    """A change that cannot be made; the message is shown to the coordinator."""


def _zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])


def period_bounds(first: date | None, last: date | None) -> tuple[datetime | None, datetime | None]:
    """Whole local days: from midnight of `first` to midnight after `last`, in UTC."""
    if first is None or last is None:
        return None, None
    zone = _zone()
    opens = datetime.combine(first, time(0), tzinfo=zone).astimezone(UTC)
    closes = datetime.combine(last + timedelta(days=1), time(0), tzinfo=zone).astimezone(UTC)
    return opens, closes


def local_days(survey: Survey) -> tuple[date | None, date | None]:
    """The period as the coordinator entered it (first and last local day)."""
    if survey.opens_at is None or survey.closes_at is None:
        return None, None
    zone = _zone()
    return (
        survey.opens_at.astimezone(zone).date(),
        (survey.closes_at.astimezone(zone) - timedelta(days=1)).date(),
    )


def get_survey_or_404(survey_id: int) -> Survey:
    """For coordinator pages (their views check the role)."""
    survey = db.session.get(Survey, survey_id)
    if survey is None:
        abort(404)
    return survey


_CODE_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def survey_by_code(code: str) -> Survey | None:
    # Codes are token_urlsafe: anything else (a NUL byte breaks PostgreSQL) is no survey.
    if not code or len(code) > 16 or not all(c in _CODE_CHARS for c in code):
        return None
    return db.session.execute(db.select(Survey).filter_by(code=code)).scalar_one_or_none()


def response_count(survey: Survey) -> int:
    return (
        db.session.scalar(
            db.select(func.count()).select_from(SurveyResponse).filter_by(survey_id=survey.id)
        )
        or 0
    )


def open_surveys(now: datetime | None = None) -> list[Survey]:
    """The surveys residents can answer now, the one closing first first.

    Open is `Survey.state()`'s open (inside its period), asked of the database; a survey with
    no questions yet is left out too: its link would show an empty form. Drafts (no period),
    scheduled and closed surveys are never listed, so a survey being prepared stays unfound.
    """
    now = now or datetime.now(UTC)
    return list(
        db.session.execute(
            db.select(Survey)
            .where(
                Survey.opens_at <= now,
                Survey.closes_at > now,
                Survey.questions.any(),
            )
            .order_by(Survey.closes_at, Survey.id)
        ).scalars()
    )


def all_surveys() -> list[Survey]:
    return list(
        db.session.execute(
            db.select(Survey).order_by(Survey.opens_at.desc().nulls_first(), Survey.id.desc())
        ).scalars()
    )


def create_survey(
    title: str,
    intro: str,
    first: date | None,
    last: date | None,
    by: User,
    *,
    annual: bool = False,
) -> Survey:
    opens, closes = period_bounds(first, last)
    survey = Survey(
        title=title.strip(),
        intro=(intro or "").strip(),
        code=secrets.token_urlsafe(9)[:12],
        opens_at=opens,
        closes_at=closes,
        annual=annual,
        created_by_id=by.id,
    )
    db.session.add(survey)
    db.session.flush()
    audit("survey.create", survey, actor=by, annual=annual)
    db.session.commit()
    return survey


def update_survey(  # noqa: PLR0913 - the form's fields, one by one
    survey: Survey,
    title: str,
    intro: str,
    first: date | None,
    last: date | None,
    by: User,
    *,
    annual: bool = False,
) -> None:
    survey.title = title.strip()
    survey.intro = (intro or "").strip()
    survey.opens_at, survey.closes_at = period_bounds(first, last)
    survey.annual = annual
    audit("survey.update", survey, actor=by, state=survey.state(), annual=annual)
    db.session.commit()


def _editable(survey: Survey) -> None:
    if response_count(survey):
        raise SurveyError(_("The survey has answers: its questions can no longer change."))


def add_question(
    survey: Survey, kind: str, text: str, options: list[str], required: bool, by: User
) -> SurveyQuestion:
    _editable(survey)
    if kind not in QUESTION_KINDS:
        raise SurveyError(_("Unknown kind of question."))
    position = max((q.position for q in survey.questions), default=0) + 1
    question = SurveyQuestion(
        kind=kind,
        text=text.strip(),
        options=options if kind != "map_point" else [],
        required=required,
        position=position,
    )
    survey.questions.append(question)
    db.session.flush()
    audit("survey.question_add", survey, actor=by, question_id=question.id, kind=kind)
    db.session.commit()
    return question


def delete_question(survey: Survey, question_id: int, by: User) -> None:
    _editable(survey)
    question = next((q for q in survey.questions if q.id == question_id), None)
    if question is None:
        abort(404)
    survey.questions.remove(question)
    audit("survey.question_delete", survey, actor=by, question_id=question_id)
    db.session.commit()


def copy_survey(source: Survey, by: User) -> Survey:
    """A new draft with the same questions: next year's survey, comparable with this one."""
    # Next year's yearly survey stays in the series; a copy of a topical one stays outside it.
    copy = create_survey(
        _("%(title)s (copy)", title=source.title)[:200],
        source.intro,
        None,
        None,
        by,
        annual=source.annual,
    )
    for question in source.questions:
        copy.questions.append(
            SurveyQuestion(
                kind=question.kind,
                text=question.text,
                options=list(question.options or []),
                required=question.required,
                position=question.position,
            )
        )
    audit("survey.copy", copy, actor=by, source_id=source.id)
    db.session.commit()
    return copy
