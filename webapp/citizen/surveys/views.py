"""Answering a survey through its public link, without an account and anonymously.

A survey that is not open answers 404 (unknown or not yet open) or 410 (closed), for reading and
for answering alike. Honeypot and forged tokens see the thank-you page and nothing is stored, as
does a form sent a second time (its token is used: the first sending was stored). Answers sent
sooner than the minimum fill time, with an expired token, over the address's daily cap for
the survey, or over its rate limit (SURVEY_ANSWER_LIMIT) come back filled in, to be sent again
(guard.py, integrity.py); the last two say how long to wait, as Retry-After does.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import Blueprint, abort, current_app, render_template, request
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from webapp.auth import throttle
from webapp.citizen import guard, integrity
from webapp.citizen.models import Survey
from webapp.citizen.settings import setting
from webapp.citizen.surveys.answers import (
    answered_cookie,
    field_name,
    store_answers,
    validate_answers,
)
from webapp.citizen.surveys.service import local_days, survey_by_code
from webapp.core.i18n import tile_attribution

bp = Blueprint("survey", __name__, url_prefix="/survey")
FORM_NAME = "survey"


_SEND_AGAIN = {
    guard.TOO_EARLY: lambda: _("That was quick! Check your answers and send them again."),
    guard.EXPIRED: lambda: _(
        "The form was open for a long time. Check your answers and send them again."
    ),
}


class SurveyClosed(Exception):
    pass


def _open_survey_or_404(code: str) -> Survey:
    """The survey if it is open now; 404 if unknown or not yet open, SurveyClosed after."""
    survey = survey_by_code(code)
    state = survey.state() if survey else None
    if state == "closed":
        raise SurveyClosed()
    if survey is None or state != "open":
        abort(404)
    return survey


@bp.errorhandler(SurveyClosed)
def closed(_error: SurveyClosed) -> tuple[str, int]:
    return render_template("citizen/survey/closed.html"), 410


@bp.get("/<code>")
def answer_page(code: str) -> str | tuple[str, int]:
    survey = _open_survey_or_404(code)
    if request.cookies.get(answered_cookie(survey)):
        return render_template("citizen/survey/thanks.html", survey=survey, again=True)
    return _form(survey, {}, None)


def _too_many(wait_text: str, code: str) -> tuple[str, int]:
    """Over SURVEY_ANSWER_LIMIT from this address: the answers come back filled in, with the
    wait, which Retry-After states too (throttle.limited)."""
    survey = _open_survey_or_404(code)
    message = _("Many answers have been sent from your network in a short time.")
    kept = _("Your answers are still here.")
    return _form(survey, {"_": f"{message} {kept} {wait_text}"}, request.form), 429


@bp.post("/<code>")
@throttle.limited(guard.survey_limit, _too_many)
def submit(code: str) -> Response | str | tuple[str, int] | tuple[str, int, dict[str, str]]:
    survey = _open_survey_or_404(code)
    form = request.form
    if request.cookies.get(answered_cookie(survey)):
        return render_template("citizen/survey/thanks.html", survey=survey, again=True)
    verdict = guard.check(FORM_NAME, form.get(guard.TOKEN_FIELD), form.get(guard.HONEYPOT_FIELD))
    if verdict.reason in _SEND_AGAIN:
        # A quick person, or a form left open for hours: the answers come back filled in (with
        # a fresh token), never dropped behind a "thank you".
        return _form(survey, {"_": _SEND_AGAIN[verdict.reason]()}, form), 422
    if verdict.reason or verdict.token is None:
        return render_template("citizen/survey/thanks.html", survey=survey, again=False)
    answers, errors = validate_answers(survey, form)
    if errors:
        return _form(survey, errors, form), 422
    problem = store_answers(survey, answers, verdict.token)
    if problem == integrity.DAILY_LIMIT:
        message = _("Many answers have come from your network today. Please send them tomorrow.")
        return _form(survey, {"_": message}, form), 429, guard.retry_tomorrow()
    if problem:  # this form was sent before, and those answers are stored
        return render_template("citizen/survey/thanks.html", survey=survey, again=False)
    response = current_app.make_response(
        render_template("citizen/survey/thanks.html", survey=survey, again=False)
    )
    _mark_answered(response, survey)
    return response


def _form(survey: Survey, errors: dict[str, str], submitted) -> str:  # type: ignore[no-untyped-def]
    config = current_app.config
    return render_template(
        "citizen/survey/answer.html",
        survey=survey,
        errors=errors,
        submitted=submitted,
        field_name=field_name,
        form_token=guard.issue_form_token(FORM_NAME),
        last_day=local_days(survey)[1],
        max_points=int(setting("SURVEY_MAX_POINTS")),
        map_config={
            "tile_url": config["TILE_URL"],
            "attribution": tile_attribution(),
            "center": list(config["MAP_CENTER"]),
        },
    )


def _mark_answered(response: Response, survey: Survey) -> None:
    """This browser has answered: a cookie with no value worth anything, nothing on the server."""
    closes = survey.closes_at or datetime.now(UTC)
    response.set_cookie(
        answered_cookie(survey),
        "1",
        max_age=int((closes - datetime.now(UTC) + timedelta(days=30)).total_seconds()),
        path=f"/survey/{survey.code}",
        secure=bool(current_app.config["SESSION_COOKIE_SECURE"]),
        httponly=True,
        samesite="Lax",
    )
