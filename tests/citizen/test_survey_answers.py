"""Answering the safety survey: anonymous, once per browser, only while it is open."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from sqlalchemy import text

from tests.citizen.helpers import CENTRUM, aged_token, answer_survey, english, make_survey
from tests.conftest import csrf_token
from webapp.citizen.models import Survey, SurveyAnswer, SurveyResponse
from webapp.core.audit.models import AuditEntry
from webapp.extensions import db

SURVEY_TABLES = ("surveys", "survey_questions", "survey_responses", "survey_answers")


def _count(app, model) -> int:  # type: ignore[no-untyped-def]
    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(model)) or 0


def _full_answers(q: dict[str, int]) -> dict[str, object]:
    return {
        f"q{q['scale']}": "4",
        f"q{q['single']}": "1",
        f"q{q['multiple']}": ["0", "2"],
        f"q{q['map_point']}": json.dumps([list(CENTRUM), [59.8372, 13.1455]]),
    }


def test_the_survey_page_shows_every_question_without_an_account(app, client, coordinator):
    _sid, code, _q = make_survey(app, coordinator.id)

    page = client.get(f"/survey/{code}")

    assert page.status_code == 200
    body = page.get_data(as_text=True)
    for wording in ("centrum på kvällen", "Ibland", "Synlig polis", "Markera var du"):
        assert wording in body


def test_answers_are_stored_with_nothing_about_the_person(app, coordinator):
    survey_id, code, q = make_survey(app, coordinator.id)
    client = english(app.test_client())

    response = answer_survey(
        app,
        code,
        _full_answers(q),
        client=client,
        headers={"User-Agent": "UA-MARKER/1.0"},
        environ_base={"REMOTE_ADDR": "203.0.113.77"},
    )

    assert response.status_code == 200
    with app.app_context():
        response_row = db.session.execute(db.select(SurveyResponse)).scalar_one()
        assert set(SurveyResponse.__table__.columns.keys()) == {"id", "survey_id"}
        assert set(SurveyAnswer.__table__.columns.keys()) == {
            "id",
            "response_id",
            "question_id",
            "value",
            "lat",
            "lon",
        }
        assert response_row.survey_id == survey_id
        assert len(response_row.answers) == 1 + 1 + 2 + 2
        # No trace of the address or the browser anywhere in the survey tables or the audit log.
        dump = " ".join(
            str(row)
            for table in SURVEY_TABLES
            for row in db.session.execute(text(f"SELECT * FROM {table}")).all()  # noqa: S608
        )
        assert "203.0.113.77" not in dump and "UA-MARKER" not in dump
        assert db.session.execute(db.select(AuditEntry)).first() is None


def test_the_same_browser_can_answer_only_once(app, coordinator):
    _sid, code, q = make_survey(app, coordinator.id)
    client = english(app.test_client())
    first = answer_survey(app, code, _full_answers(q), client=client)
    cookie = next(c for c in first.headers.getlist("Set-Cookie") if c.startswith("trygg_survey_"))
    assert "HttpOnly" in cookie and f"Path=/survey/{code}" in cookie

    again = client.get(f"/survey/{code}")
    resend = answer_survey(app, code, _full_answers(q), client=client)

    assert "already answered" in again.get_data(as_text=True)
    assert resend.status_code == 200
    assert _count(app, SurveyResponse) == 1


def test_a_closed_survey_refuses_to_show_and_to_take_answers(app, client, coordinator):
    english(client)
    now = datetime.now(UTC)
    _sid, code, q = make_survey(
        app, coordinator.id, opens=now - timedelta(days=30), closes=now - timedelta(minutes=1)
    )

    page = client.get(f"/survey/{code}")
    post = client.post(
        f"/survey/{code}",
        data={
            **_full_answers(q),
            "csrf_token": csrf_token(client),
            "form_token": aged_token(app, "survey"),
        },
    )

    assert (page.status_code, post.status_code) == (410, 410)
    assert "closed" in page.get_data(as_text=True)
    assert _count(app, SurveyResponse) == 0


def test_a_survey_not_yet_open_or_a_draft_or_an_unknown_code_is_not_found(app, client, coordinator):
    now = datetime.now(UTC)
    _sid, soon, _q = make_survey(
        app, coordinator.id, opens=now + timedelta(days=1), closes=now + timedelta(days=9)
    )
    draft_id, draft, _q2 = make_survey(app, coordinator.id)
    with app.app_context():
        survey = db.session.get(Survey, draft_id)
        survey.opens_at = survey.closes_at = None
        db.session.commit()

    for code in (soon, draft, "nosuchcode", "x" * 40):
        assert client.get(f"/survey/{code}").status_code == 404


def test_a_required_question_left_empty_is_asked_again(app, coordinator):
    _sid, code, q = make_survey(app, coordinator.id)

    response = answer_survey(app, code, {f"q{q['single']}": "0"})

    assert response.status_code == 422
    assert "Please answer this question." in response.get_data(as_text=True)
    assert _count(app, SurveyResponse) == 0


def test_values_outside_the_question_are_refused(app, coordinator):
    _sid, code, q = make_survey(app, coordinator.id)
    cases = [
        {f"q{q['scale']}": "7"},
        {f"q{q['scale']}": "3", f"q{q['single']}": "9"},
        {f"q{q['scale']}": "3", f"q{q['multiple']}": ["0", "x"]},
        {f"q{q['scale']}": "3", f"q{q['map_point']}": json.dumps([[59.3293, 18.0686]])},
        {f"q{q['scale']}": "3", f"q{q['map_point']}": "not json"},
        {f"q{q['scale']}": "3", f"q{q['map_point']}": json.dumps([list(CENTRUM)] * 6)},
    ]

    statuses = [answer_survey(app, code, case).status_code for case in cases]

    assert statuses == [422] * len(cases)
    assert _count(app, SurveyResponse) == 0


def test_a_honeypot_survey_answer_is_thanked_but_not_stored(app, coordinator):
    _sid, code, q = make_survey(app, coordinator.id)

    trapped = answer_survey(app, code, _full_answers(q), website="http://spam.example")

    assert trapped.status_code == 200
    assert "Thank you" in trapped.get_data(as_text=True)
    assert _count(app, SurveyResponse) == 0


def test_a_too_fast_survey_answer_comes_back_filled_in_rather_than_lost(app, coordinator):
    _sid, code, q = make_survey(app, coordinator.id)
    app.config["CITIZEN_MIN_FILL_SECONDS"] = 10

    too_fast = answer_survey(
        app, code, _full_answers(q), form_token=aged_token(app, "survey", seconds=1)
    )

    body = too_fast.get_data(as_text=True)
    assert too_fast.status_code == 422
    assert "That was quick! Check your answers and send them again." in body
    assert "Thank you" not in body
    # The answers come back as they were given, to be sent again as they are.
    assert f'name="q{q["scale"]}" value="4" checked' in body
    assert _count(app, SurveyResponse) == 0


def test_many_answers_from_one_address_get_429(app, coordinator):
    _sid, code, q = make_survey(app, coordinator.id)
    app.config["SURVEY_ANSWER_LIMIT"] = "2 per hour"

    statuses = [answer_survey(app, code, _full_answers(q)).status_code for _ in range(3)]

    assert statuses == [200, 200, 429]
    assert _count(app, SurveyResponse) == 2


def test_an_answer_without_the_csrf_token_is_refused(app, client, coordinator):
    _sid, code, q = make_survey(app, coordinator.id)

    response = client.post(
        f"/survey/{code}", data={**_full_answers(q), "form_token": aged_token(app, "survey")}
    )

    assert response.status_code == 400
    assert _count(app, SurveyResponse) == 0
