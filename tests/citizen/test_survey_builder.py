"""The coordinator builds a survey, opens it for a period and shares its link and QR code."""

from __future__ import annotations

from datetime import timedelta

import pytest
from babel.dates import format_date

from tests.citizen.helpers import answer_survey, english, make_survey
from tests.conftest import form_csrf_token
from webapp.citizen.models import Survey
from webapp.core.localtime import local_today
from webapp.extensions import db


def _form(client, url: str) -> str:  # type: ignore[no-untyped-def]
    return form_csrf_token(client.get(url).get_data(as_text=True))


def _survey(app, survey_id: int) -> Survey:  # type: ignore[no-untyped-def]
    with app.app_context():
        survey = db.session.get(Survey, survey_id)
        survey.questions  # noqa: B018 - load before detaching
        db.session.expunge(survey)
        return survey


def test_the_coordinator_builds_opens_and_shares_a_survey(app, as_user, coordinator, client):
    desk = english(as_user(coordinator))
    today = local_today()
    response = desk.post(
        "/citizen/surveys/new",
        data={
            "csrf_token": _form(desk, "/citizen/surveys/new"),
            "title": "Trygghetsenkät 2026",
            "intro": "Berätta var du känner dig otrygg.",
            "opens_on": (today - timedelta(days=1)).isoformat(),
            "closes_on": (today + timedelta(days=14)).isoformat(),
        },
    )
    assert response.status_code == 302
    survey_url = response.headers["Location"]
    survey_id = int(survey_url.rstrip("/").rsplit("/", 1)[1])
    questions = [
        ("scale", "Hur trygg känner du dig?", "Mycket otrygg\nMycket trygg"),
        ("single", "Hur ofta är du ute på kvällen?", "Aldrig\nIbland\nOfta"),
        ("multiple", "Vad behövs?", "Belysning\nPolis\nFolkliv"),
        ("map_point", "Var känner du dig otrygg?", ""),
    ]
    for kind, text, options in questions:
        token = _form(desk, survey_url)
        added = desk.post(
            f"{survey_url}/questions",
            data={
                "csrf_token": token,
                "kind": kind,
                "text": text,
                "options": options,
            },
        )
        assert added.status_code == 302, added.get_data(as_text=True)

    survey = _survey(app, survey_id)
    assert survey.state() == "open"
    assert [q.kind for q in survey.questions] == ["scale", "single", "multiple", "map_point"]
    assert survey.questions[1].options == ["Aldrig", "Ibland", "Ofta"]
    assert survey.questions[3].options == []
    detail = desk.get(survey_url).get_data(as_text=True)
    assert f"/survey/{survey.code}" in detail
    qr = desk.get(f"{survey_url}/qr.svg")
    assert qr.mimetype == "image/svg+xml" and b"<svg" in qr.data
    assert client.get(f"/survey/{survey.code}").status_code == 200
    # The list gives the period as entered: its last day, not the midnight after it.
    listing = desk.get("/citizen/surveys/").get_data(as_text=True)
    last_day = today + timedelta(days=14)
    assert format_date(last_day, locale="en_GB") in listing, listing
    assert format_date(last_day + timedelta(days=1), locale="en_GB") not in listing


def test_a_choice_question_needs_two_options(app, as_user, coordinator):
    survey_id, _code, _q = make_survey(app, coordinator.id)
    desk = as_user(coordinator)
    url = f"/citizen/surveys/{survey_id}"

    response = desk.post(
        f"{url}/questions",
        data={
            "csrf_token": _form(desk, url),
            "kind": "single",
            "text": "Ja eller nej?",
            "options": "Ja",
        },
    )

    assert response.status_code == 422
    assert len(_survey(app, survey_id).questions) == 4


def test_a_scale_needs_the_words_for_its_ends(app, as_user, coordinator):
    survey_id, _code, _q = make_survey(app, coordinator.id)
    desk = english(as_user(coordinator))
    url = f"/citizen/surveys/{survey_id}"

    response = desk.post(
        f"{url}/questions",
        data={"csrf_token": _form(desk, url), "kind": "scale", "text": "Hur trygg?", "options": ""},
    )

    assert response.status_code == 422
    assert "what 1 means and what 5 means" in response.get_data(as_text=True)
    assert len(_survey(app, survey_id).questions) == 4


def test_a_period_that_ends_before_it_starts_is_refused(app, as_user, coordinator):
    desk = as_user(coordinator)

    response = desk.post(
        "/citizen/surveys/new",
        data={
            "csrf_token": _form(desk, "/citizen/surveys/new"),
            "title": "Fel",
            "opens_on": "2026-05-10",
            "closes_on": "2026-05-01",
        },
    )

    assert response.status_code == 422
    with app.app_context():
        assert db.session.execute(db.select(Survey)).first() is None


def test_questions_are_fixed_once_the_survey_has_answers(app, as_user, coordinator):
    survey_id, code, q = make_survey(app, coordinator.id)
    assert answer_survey(app, code, {f"q{q['scale']}": "3"}).status_code == 200
    desk = as_user(coordinator)
    url = f"/citizen/surveys/{survey_id}"

    desk.post(
        f"{url}/questions",
        data={
            "csrf_token": _form(desk, url),
            "kind": "map_point",
            "text": "Ny fråga",
        },
    )
    desk.post(f"{url}/questions/{q['single']}/delete", data={"csrf_token": _form(desk, url)})

    assert len(_survey(app, survey_id).questions) == 4


def test_a_copy_keeps_the_questions_for_next_years_comparison(app, as_user, coordinator):
    survey_id, _code, _q = make_survey(app, coordinator.id)
    desk = as_user(coordinator)
    url = f"/citizen/surveys/{survey_id}"

    response = desk.post(f"{url}/copy", data={"csrf_token": _form(desk, url)})

    copy_id = int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    original, copy = _survey(app, survey_id), _survey(app, copy_id)
    assert copy.state() == "draft" and copy.code != original.code
    assert [(q.kind, q.text, q.options) for q in copy.questions] == [
        (q.kind, q.text, q.options) for q in original.questions
    ]
    assert all(a.same_question(b) for a, b in zip(copy.questions, original.questions, strict=True))


@pytest.mark.parametrize("persona", ["officer", "staff", "admin", "outsider"])
def test_only_the_coordinator_builds_surveys(app, request, as_user, coordinator, persona):
    survey_id, _code, _q = make_survey(app, coordinator.id)
    client = as_user(request.getfixturevalue(persona))

    for url in (
        "/citizen/surveys/",
        "/citizen/surveys/new",
        f"/citizen/surveys/{survey_id}",
        f"/citizen/surveys/{survey_id}/qr.svg",
    ):
        assert client.get(url).status_code == 403, url


def test_a_period_with_only_one_day_is_refused(app, as_user, coordinator):
    desk = as_user(coordinator)

    response = desk.post(
        "/citizen/surveys/new",
        data={
            "csrf_token": _form(desk, "/citizen/surveys/new"),
            "title": "Halv period",
            "opens_on": "2026-05-10",
        },
    )

    assert response.status_code == 422
    with app.app_context():
        assert db.session.execute(db.select(Survey)).first() is None


def test_a_new_survey_is_outside_the_yearly_series_until_ticked(app, as_user, coordinator):
    desk = english(as_user(coordinator))
    form = desk.get("/citizen/surveys/new").get_data(as_text=True)
    assert "Part of the yearly safety survey" in form
    details = {"title": "Busstationen", "intro": "", "opens_on": "", "closes_on": ""}

    response = desk.post(
        "/citizen/surveys/new", data={"csrf_token": _form(desk, "/citizen/surveys/new"), **details}
    )
    url = response.headers["Location"]
    survey_id = int(url.rstrip("/").rsplit("/", 1)[1])
    assert _survey(app, survey_id).annual is False

    ticked = {"csrf_token": _form(desk, url), **details, "title": "Trygghetsenkät", "annual": "y"}
    assert desk.post(url, data=ticked).status_code == 302
    assert _survey(app, survey_id).annual is True
    # Next year's copy of the yearly survey stays in the series.
    copied = desk.post(f"{url}/copy", data={"csrf_token": _form(desk, url)})
    copy_id = int(copied.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    assert _survey(app, copy_id).annual is True

    unticked = {"csrf_token": _form(desk, url), **details}
    desk.post(url, data=unticked)
    assert _survey(app, survey_id).annual is False
