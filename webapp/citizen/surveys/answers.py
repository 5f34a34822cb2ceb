"""Answering a survey anonymously: one validator for the answers, and storing them.

One submission per browser is kept by a marker cookie set after answering; the server keeps no
record of "this browser has answered" (a cookie's or a browser's id written with the answers
could be matched to them, and to the person by the cookie on their phone). Clearing cookies
therefore allows another answer, as in any survey without accounts, and what bounds it is on
the server (integrity.py): each page's form token stores one set of answers only, and each
address a configurable number of answers per survey and day. Those rows name no browser (the
token's nonce existed only in the one page; the count is a keyed hash of survey, day and
address) and are deleted when they no longer matter. Nothing about the person is stored with
the answers: no address, no browser, no time.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from flask_babel import ngettext
from werkzeug.datastructures import MultiDict

from webapp.citizen import integrity
from webapp.citizen.guard import FormToken
from webapp.citizen.models import (
    SCALE_MAX,
    SCALE_MIN,
    Survey,
    SurveyAnswer,
    SurveyQuestion,
    SurveyResponse,
)
from webapp.citizen.public.places import inside_service_area
from webapp.citizen.settings import setting
from webapp.core.fieldinput import is_number, json_text
from webapp.extensions import db

COOKIE_PREFIX = "trygg_survey_"


@dataclass(frozen=True)
class CleanAnswer:
    question_id: int
    value: int | None = None
    lat: float | None = None
    lon: float | None = None


def answered_cookie(survey: Survey) -> str:
    """The marker cookie's name: one per survey, its value says nothing."""
    return COOKIE_PREFIX + survey.code


def field_name(question: SurveyQuestion) -> str:
    return f"q{question.id}"


def validate_answers(survey: Survey, form: MultiDict) -> tuple[list[CleanAnswer], dict[str, str]]:
    """Clean answers, or messages keyed by the question's field name."""
    answers: list[CleanAnswer] = []
    errors: dict[str, str] = {}
    for question in survey.questions:
        name = field_name(question)
        values = [v for v in form.getlist(name) if v != ""]
        if not values:
            if question.required:
                errors[name] = _("Please answer this question.")
            continue
        checker = CHECKS.get(question.kind)
        if checker is None:  # a kind this version does not know: nothing to accept
            continue
        result = checker(question, values)
        if isinstance(result, str):
            errors[name] = result
        else:
            answers.extend(result)
    if not errors and not answers:
        errors["_"] = _("Answer at least one question.")
    return answers, errors


def _whole(value: str) -> int | None:
    return int(value) if value.isascii() and value.isdigit() and len(value) < 4 else None


def _scale(question: SurveyQuestion, values: list[str]) -> list[CleanAnswer] | str:
    step = _whole(values[0])
    if len(values) != 1 or step is None or not SCALE_MIN <= step <= SCALE_MAX:
        return _("Choose a step from %(low)s to %(high)s.", low=SCALE_MIN, high=SCALE_MAX)
    return [CleanAnswer(question.id, value=step)]


def _single(question: SurveyQuestion, values: list[str]) -> list[CleanAnswer] | str:
    index = _whole(values[0])
    if len(values) != 1 or index is None or index >= len(question.options):
        return _("Choose one of the options.")
    return [CleanAnswer(question.id, value=index)]


def _multiple(question: SurveyQuestion, values: list[str]) -> list[CleanAnswer] | str:
    indexes = {_whole(v) for v in values}
    if None in indexes or any(i >= len(question.options) for i in indexes if i is not None):
        return _("Unknown option.")
    return [CleanAnswer(question.id, value=i) for i in sorted(i for i in indexes if i is not None)]


def _points(question: SurveyQuestion, values: list[str]) -> list[CleanAnswer] | str:
    """A JSON list of [lat, lon] pairs (filled in by the map on the page)."""
    limit = int(setting("SURVEY_MAX_POINTS"))
    points = json_text(values[0], max_length=2000) if len(values) == 1 else None
    if not isinstance(points, list) or not all(_is_pair(p) for p in points):
        return _("The places could not be read. Mark them on the map again.")
    if len(points) > limit:
        return ngettext("Mark at most %(num)s place.", "Mark at most %(num)s places.", limit)
    if not all(inside_service_area(lat, lon) for lat, lon in points):
        return _("Mark places in Sunne kommun.")
    return [CleanAnswer(question.id, lat=float(lat), lon=float(lon)) for lat, lon in points]


CHECKS = {"scale": _scale, "single": _single, "multiple": _multiple, "map_point": _points}


def _is_pair(point: Any) -> bool:
    return (
        isinstance(point, list)
        and len(point) == 2
        and all(is_number(v) for v in point)
        and -90 <= point[0] <= 90
        and -180 <= point[1] <= 180
    )


def store_answers(survey: Survey, answers: list[CleanAnswer], token: FormToken) -> str | None:
    """Store one person's answers, once per form token and within the daily cap per address.

    Returns None when stored, else integrity's problem code (nothing is stored then).
    """
    problem = integrity.admit(token, f"survey:{survey.id}", int(setting("SURVEY_DAILY_CAP")))
    if problem:
        db.session.rollback()
        return problem
    response = SurveyResponse(id=str(uuid.uuid4()), survey_id=survey.id)
    response.answers = [
        SurveyAnswer(question_id=a.question_id, value=a.value, lat=a.lat, lon=a.lon)
        for a in answers
    ]
    db.session.add(response)
    db.session.commit()
    return None
