"""A survey's answers refused for their address's limits come back filled in, with the wait in
words, and Retry-After states the same wait; no other answer carries Retry-After."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from html import unescape

from tests.citizen.helpers import answer_survey, make_survey
from tests.citizen.test_survey_answers import _full_answers
from webapp.citizen.models import SurveyResponse
from webapp.core.localtime import local_midnight_utc, local_today
from webapp.extensions import db


def _message(response) -> str:  # type: ignore[no-untyped-def]
    html = response.get_data(as_text=True)
    box = re.search(
        r'<div class="error-box" role="alert" id="survey-errors">\s*<p>([^<]*)</p>', html
    )
    assert box, "no message above the form"
    return unescape(box.group(1))


def _stored(app) -> int:  # type: ignore[no-untyped-def]
    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(SurveyResponse)) or 0


def _kept(response, q: dict[str, int]) -> None:  # type: ignore[no-untyped-def]
    body = response.get_data(as_text=True)
    assert f'name="q{q["scale"]}" value="4" checked' in body
    assert f'name="q{q["multiple"]}" value="0" checked' in body
    assert f'name="q{q["multiple"]}" value="2" checked' in body
    points = re.search(rf'name="q{q["map_point"]}" id="q{q["map_point"]}" value="([^"]*)"', body)
    assert points and "59.8372" in unescape(points.group(1))


def test_over_the_rate_limit_the_answers_come_back_with_the_wait_told_twice(app, coordinator):
    """It was the general error page: "Vänta en stund", every answer gone, Retry-After 3599."""
    _sid, code, q = make_survey(app, coordinator.id)
    app.config["SURVEY_ANSWER_LIMIT"] = "2 per hour"
    for _ in range(2):  # two people on one network
        assert answer_survey(app, code, _full_answers(q)).status_code == 200

    held = answer_survey(app, code, _full_answers(q), headers={"Accept-Language": "sv"})

    assert held.status_code == 429
    told = re.fullmatch(
        r"Många svar har skickats från ditt nätverk på kort tid\. Dina svar finns kvar här\. "
        r"Vänta (\d+) minuter och försök igen\.",
        _message(held),
    )
    assert told, _message(held)
    assert held.headers["Retry-After"] == str(int(told.group(1)) * 60)
    assert int(told.group(1)) == 60  # the hour began with the first answer, just now
    _kept(held, q)
    assert 'name="form_token" value="' in held.get_data(as_text=True)  # to send them again
    assert _stored(app) == 2


def test_the_rate_limit_is_told_in_english_when_chosen(app, coordinator):
    _sid, code, q = make_survey(app, coordinator.id)
    app.config["SURVEY_ANSWER_LIMIT"] = "1 per hour"
    answer_survey(app, code, _full_answers(q))

    held = answer_survey(app, code, _full_answers(q))  # the helper's browser asks for English

    assert held.status_code == 429
    assert _message(held) == (
        "Many answers have been sent from your network in a short time. "
        "Your answers are still here. Wait 60 minutes and try again."
    )
    assert held.headers["Retry-After"] == "3600"


def test_over_the_daily_cap_retry_after_says_tomorrow_as_the_page_does(app, coordinator):
    """The page said "send them tomorrow" while Retry-After was the hourly limit's reset."""
    _sid, code, q = make_survey(app, coordinator.id)
    app.config["SURVEY_DAILY_CAP"] = 1
    answer_survey(app, code, _full_answers(q))

    held = answer_survey(app, code, _full_answers(q))

    assert held.status_code == 429
    assert "Please send them tomorrow." in _message(held)
    _kept(held, q)
    tomorrow = local_midnight_utc(local_today() + timedelta(days=1))
    seconds = (tomorrow - datetime.now(UTC)).total_seconds()
    assert abs(int(held.headers["Retry-After"]) - seconds) < 5


def test_answers_that_are_not_refused_for_a_limit_carry_no_retry_after(app, coordinator):
    """Flask-Limiter's hook put its countdown on every answer: the thank-you page, and the
    "That was quick! Send them again" page told clients to wait an hour."""
    _sid, code, q = make_survey(app, coordinator.id)
    app.config["CITIZEN_MIN_FILL_SECONDS"] = 3600
    too_quick = answer_survey(app, code, _full_answers(q))
    app.config["CITIZEN_MIN_FILL_SECONDS"] = 0
    thanked = answer_survey(app, code, _full_answers(q))

    assert (too_quick.status_code, thanked.status_code) == (422, 200)
    for response in (too_quick, thanked):
        assert "Retry-After" not in response.headers
