"""A resident on a busy network (a household, a school) is held back by the address's limit:
what they gave is still there, and the page says how long to wait, as Retry-After does."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import outbox_items, wait_for_outbox, wait_for_outbox_count
from tests.citizen.browser.test_report_on_a_phone import _fill_report
from tests.citizen.helpers import answer_survey, make_survey, post_report, report_payload
from tests.citizen.test_survey_answers import _full_answers
from webapp.citizen.models import PublicReport, SurveyResponse
from webapp.extensions import db

pytestmark = pytest.mark.browser


def _count(app, model) -> int:  # type: ignore[no-untyped-def]
    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(model)) or 0


def test_survey_answers_held_back_stay_filled_in_with_the_wait(phone, app, coordinator):
    app.config["CITIZEN_MIN_FILL_SECONDS"] = 0
    app.config["SURVEY_ANSWER_LIMIT"] = "1 per hour"
    _sid, code, q = make_survey(app, coordinator.id)
    # Someone else on the same network (this machine's address) answered a moment ago.
    assert answer_survey(app, code, _full_answers(q)).status_code == 200
    page = phone.page
    page.goto(f"/survey/{code}")

    page.locator(f"input[name=q{q['scale']}][value='4']").locator("..").tap()
    page.locator(f"input[name=q{q['multiple']}][value='1']").check()
    page.locator("[data-survey-map]").click(position={"x": 120, "y": 120})
    count = page.locator(f"[data-survey-count=q{q['map_point']}]")
    expect(count).to_have_text("1 plats markerad")
    with page.expect_response(lambda r: r.request.method == "POST") as answered:
        page.locator("#survey-submit").tap()

    response = answered.value
    message = page.locator("#survey-errors")
    expect(message).to_contain_text("Dina svar finns kvar här.")
    told = re.search(r"Vänta (\d+) minuter och försök igen\.", message.inner_text())
    assert told, message.inner_text()
    assert response.status == 429
    assert response.headers["retry-after"] == str(int(told.group(1)) * 60)
    expect(page.locator(f"input[name=q{q['scale']}][value='4']")).to_be_checked()
    expect(page.locator(f"input[name=q{q['multiple']}][value='1']")).to_be_checked()
    expect(count).to_have_text("1 plats markerad")  # the marked place is on the map again
    assert _count(app, SurveyResponse) == 1


def test_a_report_held_back_waits_on_the_phone_and_the_page_says_how_long(phone, app):
    app.config["CITIZEN_MIN_FILL_SECONDS"] = 0
    app.config["CITIZEN_REPORT_LIMIT"] = "1 per hour"
    # Someone else on the same network reported a moment ago.
    assert post_report(app.test_client(), report_payload(app)).status_code == 201
    page = phone.page
    page.goto("/report")
    wait_for_outbox(page)

    _fill_report(page, "Mörkt och stökigt vid busstationen sent på fredagskvällar")

    status = page.locator("#report-status")
    expect(status).to_contain_text("Din finns kvar i telefonen.")
    expect(status).to_contain_text(re.compile(r"Vänta \d+ minuter och försök igen\."))
    wait_for_outbox_count(page, 1)
    # Kept on the phone, waiting: the outbox may be in the middle of trying again (its state is
    # "sending" for that moment, refused again it is back to waiting).
    states = [item["state"] for item in outbox_items(page)]
    for _ in range(50):
        if states == ["waiting"]:
            break
        page.wait_for_timeout(200)
        states = [item["state"] for item in outbox_items(page)]
    assert states == ["waiting"]
    assert _count(app, PublicReport) == 1
