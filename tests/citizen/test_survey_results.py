"""Survey results on a known fixture: counts, averages, marked places, the previous survey."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest

from tests.citizen.helpers import answer_survey, english, make_survey
from webapp.citizen.models import Survey, SurveyQuestion
from webapp.citizen.surveys.stats import survey_results, survey_summary
from webapp.extensions import db
from webapp.reports.period import Period

NOW = datetime.now(UTC)


def _answer(app, code, q, scale=None, single=None, multiple=(), points=()):  # type: ignore[no-untyped-def]
    answers: dict[str, object] = {}
    if scale is not None:
        answers[f"q{q['scale']}"] = str(scale)
    if single is not None:
        answers[f"q{q['single']}"] = str(single)
    if multiple:
        answers[f"q{q['multiple']}"] = [str(i) for i in multiple]
    if points:
        answers[f"q{q['map_point']}"] = json.dumps([list(p) for p in points])
    response = answer_survey(app, code, answers)
    assert response.status_code == 200, response.get_data(as_text=True)


@pytest.fixture
def surveys(app, coordinator):  # type: ignore[no-untyped-def]
    """Last year's survey (2 answers) and this year's (4 answers), same questions."""
    last_id, last_code, last_q = make_survey(
        app,
        coordinator.id,
        title="Trygghetsenkät 2025",
        opens=NOW - timedelta(days=400),
        closes=NOW + timedelta(days=1),
        annual=True,
    )
    _answer(app, last_code, last_q, scale=2, single=0, multiple=[1], points=[(59.8366, 13.144)])
    _answer(app, last_code, last_q, scale=2, single=0)
    with app.app_context():  # closed before this year's opened
        db.session.get(Survey, last_id).closes_at = NOW - timedelta(days=300)
        db.session.commit()

    this_id, code, q = make_survey(app, coordinator.id, title="Trygghetsenkät 2026", annual=True)
    _answer(app, code, q, scale=5, single=2, multiple=[0, 1], points=[(59.8370, 13.1450)])
    _answer(
        app,
        code,
        q,
        scale=4,
        single=1,
        multiple=[0],
        points=[(59.8371, 13.1451), (59.8380, 13.1400)],
    )
    _answer(app, code, q, scale=4, multiple=[0, 2])
    _answer(app, code, q, scale=2, single=1)
    return last_id, this_id


def test_counts_and_averages_per_question(app, surveys):
    _last_id, this_id = surveys
    with app.app_context():
        results = survey_results(db.session.get(Survey, this_id))
        by_kind = {r.question.kind: r for r in results.questions}

        assert results.responses == 4
        scale = by_kind["scale"]
        assert (scale.answered, scale.counts, scale.average) == (4, [0, 1, 0, 2, 1], 3.75)
        single = by_kind["single"]
        assert (single.answered, single.counts) == (3, [0, 2, 1])
        multiple = by_kind["multiple"]
        assert (multiple.answered, multiple.counts) == (3, [3, 1, 1])
        assert multiple.shares == [1.0, 1 / 3, 1 / 3]
        places = by_kind["map_point"]
        assert (places.answered, len(places.points)) == (2, 3)
        assert sorted(places.points) == [(59.837, 13.145), (59.8371, 13.1451), (59.838, 13.14)]


def test_each_question_is_compared_with_the_same_question_last_time(app, surveys):
    last_id, this_id = surveys
    with app.app_context():
        results = survey_results(db.session.get(Survey, this_id))
        by_kind = {r.question.kind: r for r in results.questions}

        assert results.previous_survey.id == last_id
        assert results.previous_responses == 2
        assert by_kind["scale"].previous.average == 2.0
        assert by_kind["scale"].average_change == pytest.approx(1.75)
        assert by_kind["single"].previous.counts == [2, 0, 0]
        assert results.previous_points == [(59.8366, 13.144)]


def test_a_question_reworded_since_last_time_has_nothing_to_compare_with(app, surveys):
    _last_id, this_id = surveys
    with app.app_context():
        question = db.session.execute(
            db.select(SurveyQuestion).filter_by(survey_id=this_id, kind="single")
        ).scalar_one()
        question.text = "En helt ny fråga"
        db.session.commit()
        results = survey_results(db.session.get(Survey, this_id))

        single = next(r for r in results.questions if r.question.kind == "single")
        assert single.previous is None
        assert next(r for r in results.questions if r.question.kind == "scale").previous


def test_the_first_survey_has_no_previous(app, coordinator):
    survey_id, _code, _q = make_survey(app, coordinator.id, annual=True)
    with app.app_context():
        results = survey_results(db.session.get(Survey, survey_id))

    assert results.previous_survey is None
    assert all(r.previous is None for r in results.questions)


def test_the_council_report_summary_holds_the_surveys_open_in_the_period(app, surveys):
    _last_id, this_id = surveys
    today = NOW.date()
    with app.app_context():
        summary = survey_summary(Period(today - timedelta(days=30), today))
        assert [s.survey.id for s in summary] == [this_id]
        assert summary[0].responses == 4
        assert summary[0].previous_responses == 2

        assert survey_summary(Period(date(2000, 1, 1), date(2000, 12, 31))) == []


def test_the_results_page_shows_figures_and_the_heat_map_data(app, as_user, coordinator, surveys):
    _last_id, this_id = surveys

    page = english(as_user(coordinator)).get(f"/citizen/surveys/{this_id}/results")

    body = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "4 answers" in body and "compared with Trygghetsenkät 2025 (2 answers)" in body
    assert "3.8" in body  # the average, one decimal
    assert "leaflet_heat.min.js" in body
    heat = json.loads(body.split('id="survey-heat-data"')[1].split(">", 1)[1].split("</script>")[0])
    assert len(heat["current"]) == 3 and len(heat["previous"]) == 1


@pytest.mark.parametrize(
    ("language", "expected", "wrong"),
    [
        (
            "en",
            ["1 answer", "1 person answered", "1 place marked"],
            ["1 answers", "1 people", "1 places"],
        ),
        ("sv", ["1 svar", "1 person svarade", "1 plats markerad"], ["1 personer", "1 platser"]),
    ],
)
def test_counts_of_one_take_the_singular(app, as_user, coordinator, language, expected, wrong):  # type: ignore[no-untyped-def]
    survey_id, code, q = make_survey(app, coordinator.id)
    _answer(app, code, q, scale=3, points=[(59.8370, 13.1450)])
    client = as_user(coordinator)

    pages = [
        client.get(url, headers={"Accept-Language": language}).get_data(as_text=True)
        for url in (f"/citizen/surveys/{survey_id}/results", f"/citizen/surveys/{survey_id}")
    ]

    body = " ".join(" ".join(pages).split())
    assert all(text in body for text in expected), expected
    assert not [text for text in wrong if text in body]


@pytest.mark.parametrize("persona", ["officer", "staff", "admin"])
def test_only_the_coordinator_sees_results(app, request, as_user, coordinator, persona):
    survey_id, _code, _q = make_survey(app, coordinator.id)

    response = as_user(request.getfixturevalue(persona)).get(
        f"/citizen/surveys/{survey_id}/results"
    )

    assert response.status_code == 403


def test_share_is_a_proportion_in_the_table_and_a_verb_on_the_survey_page(
    app, as_user, coordinator, surveys
):  # type: ignore[no-untyped-def]
    """Swedish has two words for "Share": "Andel" (of the answers) and "Dela" (the link)."""
    _last_id, this_id = surveys
    client = as_user(coordinator)  # Swedish by default

    results = client.get(f"/citizen/surveys/{this_id}/results").get_data(as_text=True)
    detail = client.get(f"/citizen/surveys/{this_id}").get_data(as_text=True)

    assert '<th scope="col">Andel</th>' in results and ">Dela<" not in results
    assert '<h2 id="share-heading">Dela</h2>' in detail


def _topical_survey(app, coordinator, answers: int):  # type: ignore[no-untyped-def]
    """A survey about one place, opened between last year's yearly survey and this year's."""
    survey_id, code, q = make_survey(
        app,
        coordinator.id,
        title="Trygghet vid busstationen",
        opens=NOW - timedelta(days=100),
        closes=NOW + timedelta(days=10),
    )
    for _ in range(answers):
        _answer(app, code, q, scale=1, points=[(59.8379, 13.1423)])
    return survey_id


def test_a_topical_survey_is_never_compared_nor_compared_with(app, as_user, coordinator, surveys):
    last_id, this_id = surveys
    topical_id = _topical_survey(app, coordinator, answers=2)
    today = NOW.date()
    with app.app_context():
        topical = survey_results(db.session.get(Survey, topical_id))
        yearly = survey_results(db.session.get(Survey, this_id))
        summary = survey_summary(Period(today - timedelta(days=30), today))

    assert topical.previous_survey is None
    assert all(r.previous is None for r in topical.questions)
    # The yearly survey skips the topical one that opened after last year's.
    assert yearly.previous_survey.id == last_id
    assert [s.survey.id for s in summary] == [this_id]
    page = english(as_user(coordinator)).get(f"/citizen/surveys/{topical_id}/results")
    body = page.get_data(as_text=True)
    assert "not part of the yearly safety survey" in body
    assert "compared with Trygghetsenkät" not in body and "last time" not in body


def test_the_results_page_says_an_open_survey_is_preliminary_and_few_answers(
    app, as_user, coordinator, surveys
):  # type: ignore[no-untyped-def]
    _last_id, this_id = surveys  # open until 13 days from now, 4 answers

    body = english(as_user(coordinator)).get(f"/citizen/surveys/{this_id}/results")
    text = body.get_data(as_text=True)

    assert "Preliminary:" in text and "so more answers may come" in text
    assert "Few answers (under 30" in text


def test_thirty_answers_on_both_sides_are_not_few(app, coordinator):
    last_id, _code, _q = make_survey(app, coordinator.id, annual=True)
    with app.app_context():
        survey = db.session.get(Survey, last_id)
        survey.closes_at = NOW - timedelta(hours=1)  # closed: final
        results = survey_results(survey, compare=False)
        results.responses = 30
        assert not results.few_answers
        assert not results.preliminary(NOW)
        results.previous_survey, results.previous_responses = survey, 29
        assert results.few_answers
