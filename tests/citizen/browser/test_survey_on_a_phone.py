"""A resident answers the survey on a phone, marking two places on the map."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.citizen.helpers import make_survey
from webapp.citizen.models import SurveyAnswer
from webapp.extensions import db

pytestmark = pytest.mark.browser


def test_answers_and_marked_places_are_stored_once(phone, app, coordinator):
    app.config["CITIZEN_MIN_FILL_SECONDS"] = 0
    _sid, code, q = make_survey(app, coordinator.id)
    page = phone.page
    page.goto(f"/survey/{code}")

    page.locator(f"input[name=q{q['scale']}][value='4']").locator("..").tap()
    page.locator(f"input[name=q{q['multiple']}][value='1']").check()
    survey_map = page.locator("[data-survey-map]")
    count = page.locator(f"[data-survey-count=q{q['map_point']}]")
    clear = page.get_by_role("button", name="Ta bort alla markeringar")
    expect(clear).to_be_hidden()  # nothing to remove before a place is marked
    survey_map.click(position={"x": 120, "y": 120})
    expect(count).to_have_text("1 plats markerad")  # the phone speaks Swedish: one form for 1
    clear.tap()
    expect(count).to_have_text("0 platser markerade")
    expect(clear).to_be_hidden()
    survey_map.click(position={"x": 120, "y": 120})
    survey_map.click(position={"x": 200, "y": 160})
    expect(count).to_have_text("2 platser markerade")
    page.locator("#survey-submit").tap()

    expect(page.locator("main h1")).not_to_have_text("")
    with app.app_context():
        rows = db.session.execute(db.select(SurveyAnswer)).scalars().all()
        by_question = {}
        for row in rows:
            by_question.setdefault(row.question_id, []).append(row)
        assert [r.value for r in by_question[q["scale"]]] == [4]
        assert [r.value for r in by_question[q["multiple"]]] == [1]
        points = by_question[q["map_point"]]
        assert len(points) == 2
        assert all(59.7 < p.lat < 60.0 and 13.0 < p.lon < 13.3 for p in points)
    # The same phone opening the link again is thanked, not asked again.
    page.goto(f"/survey/{code}")
    expect(page.locator("#survey-form")).to_have_count(0)
