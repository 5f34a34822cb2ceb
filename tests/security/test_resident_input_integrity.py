"""Residents' input keeps its integrity (issue 16): a public form's token stores one report or one
set of survey answers and expires; one browser cannot store many answers by dropping its
cookies; each address has a daily cap per survey and for reports. A report queued offline on a
phone still arrives once (its outbox exchanges the page's token for a fresh one).
"""

from __future__ import annotations

import json
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from tests.citizen.helpers import (
    CENTRUM,
    REPORTS_URL,
    aged_token,
    english,
    make_survey,
    post_report,
    report_payload,
    stored_reports,
)
from tests.conftest import api_post, form_csrf_token
from webapp.citizen.models import DailyCount, SurveyResponse, UsedFormToken
from webapp.extensions import db

TOKEN_URL = "/api/v1/public/form-token"


def _responses(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(SurveyResponse)) or 0


def _answers(q: dict[str, int]) -> dict[str, Any]:
    return {
        f"q{q['scale']}": "2",
        f"q{q['single']}": "0",
        f"q{q['map_point']}": json.dumps([list(CENTRUM)]),
    }


def _send_survey(
    app: Flask, code: str, q: dict[str, int], client: FlaskClient, token: str, **kwargs: Any
):  # type: ignore[no-untyped-def]
    page = client.get(f"/survey/{code}", **kwargs)
    data = {
        "csrf_token": form_csrf_token(page.get_data(as_text=True)),
        "form_token": token,
        "website": "",
        **_answers(q),
    }
    return client.post(f"/survey/{code}", data=data, **kwargs)


def _fresh_browser(app: Flask) -> FlaskClient:
    """A browser with no cookies at all: as after clearing them."""
    return english(app.test_client())


# ---- the survey ---------------------------------------------------------------------------


def test_a_survey_form_token_stores_one_set_of_answers_only(app, coordinator):
    _sid, code, q = make_survey(app, coordinator.id)
    token = aged_token(app, "survey")

    first = _send_survey(app, code, q, _fresh_browser(app), token)
    # The same form sent again from a browser without the "answered" cookie.
    second = _send_survey(app, code, q, _fresh_browser(app), token)

    assert (first.status_code, second.status_code) == (200, 200)
    assert _responses(app) == 1


def test_an_expired_survey_form_comes_back_filled_in_with_a_fresh_token(app, coordinator):
    app.config["CITIZEN_FORM_MAX_AGE_SECONDS"] = 600
    _sid, code, q = make_survey(app, coordinator.id)
    old = aged_token(app, "survey", seconds=3600)

    response = _send_survey(app, code, q, _fresh_browser(app), old)

    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "open for a long time" in body
    assert 'value="2" checked' in body  # the answers are still there
    assert old not in body  # ... with a new token to send them with
    assert _responses(app) == 0


def test_one_browser_dropping_its_cookie_cannot_store_thirty_answers(app, coordinator):
    """With the default settings: the per-survey daily cap per address holds (20 < 30)."""
    app.config["CITIZEN_MIN_FILL_SECONDS"] = 0  # the script waits as long as it must anyway
    _sid, code, q = make_survey(app, coordinator.id)
    statuses = []
    for _ in range(30):
        browser = _fresh_browser(app)
        page = browser.get(f"/survey/{code}").get_data(as_text=True)
        token = page.split('name="form_token" value="', 1)[1].split('"', 1)[0]
        statuses.append(_send_survey(app, code, q, browser, token).status_code)

    assert _responses(app) == 20
    assert statuses.count(200) == 20 and set(statuses[20:]) == {429}


def test_the_daily_cap_is_per_survey_and_per_address(app, coordinator):
    app.config["SURVEY_DAILY_CAP"] = 2
    _sid, code, q = make_survey(app, coordinator.id)
    _other_id, other_code, other_q = make_survey(app, coordinator.id, title="Skolenkät")

    here = [
        _send_survey(app, code, q, _fresh_browser(app), aged_token(app, "survey")) for _ in "123"
    ]
    capped = here[-1]
    elsewhere = _send_survey(
        app,
        code,
        q,
        _fresh_browser(app),
        aged_token(app, "survey"),
        environ_base={"REMOTE_ADDR": "10.9.8.7"},
    )
    other_survey = _send_survey(
        app, other_code, other_q, _fresh_browser(app), aged_token(app, "survey")
    )

    assert [r.status_code for r in here] == [200, 200, 429]
    assert "Many answers have come from your network today" in capped.get_data(as_text=True)
    assert 'value="2" checked' in capped.get_data(as_text=True)  # kept for tomorrow
    assert (elsewhere.status_code, other_survey.status_code) == (200, 200)
    assert _responses(app) == 4


def test_one_ipv6_device_hopping_addresses_in_its_64_shares_one_cap(app, coordinator):
    app.config["SURVEY_DAILY_CAP"] = 1
    _sid, code, q = make_survey(app, coordinator.id)

    statuses = [
        _send_survey(
            app,
            code,
            q,
            _fresh_browser(app),
            aged_token(app, "survey"),
            environ_base={"REMOTE_ADDR": f"2001:db8:1:2::{n}"},
        ).status_code
        for n in (1, 2)
    ]

    assert statuses == [200, 429]


def test_the_bookkeeping_names_no_address_and_forgets_past_days(app, coordinator):
    _sid, code, q = make_survey(app, coordinator.id)
    _send_survey(app, code, q, _fresh_browser(app), aged_token(app, "survey"))

    with app.app_context():
        counts = db.session.execute(db.select(DailyCount)).scalars().all()
        used = db.session.execute(db.select(UsedFormToken)).scalars().all()
        assert len(counts) == 1 and len(used) == 1
        assert "127.0.0.1" not in counts[0].key
        # Yesterday's counts are gone once today's first submission comes.
        counts[0].day = counts[0].day.replace(year=counts[0].day.year - 1)
        db.session.commit()
    _send_survey(app, code, q, _fresh_browser(app), aged_token(app, "survey"))
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(DailyCount)) == 1


# ---- public reports -------------------------------------------------------------------------


def test_a_report_form_token_stores_one_report_only(app, client):
    token = aged_token(app)

    first = post_report(client, report_payload(app, form_token=token))
    second = post_report(client, report_payload(app, form_token=token))

    assert first.status_code == 201
    # Not quietly dropped: a phone's outbox keeps it and sends it again with a fresh token.
    assert (second.status_code, second.get_json()["error"]["code"]) == (429, "form_expired")
    assert len(stored_reports(app)) == 1


def test_a_replay_of_a_stored_report_is_a_replay_whatever_its_token(app, client):
    payload = report_payload(app)
    post_report(client, payload)

    again = post_report(client, payload)  # the phone missed the first answer

    assert again.status_code == 200
    assert len(stored_reports(app)) == 1


def test_an_expired_report_token_is_not_taken_as_it_is(app, client):
    app.config["CITIZEN_FORM_MAX_AGE_SECONDS"] = 600

    response = post_report(client, report_payload(app, form_token=aged_token(app, seconds=3600)))

    assert (response.status_code, response.get_json()["error"]["code"]) == (429, "form_expired")
    assert stored_reports(app) == []


def test_an_old_page_token_exchanged_at_send_time_goes_through_once(app, client):
    """The outbox's way: a page cached days ago (its token expired, maybe used) and a report
    made on it offline; at send time the token is exchanged for a fresh single-use one."""
    app.config["CITIZEN_FORM_MAX_AGE_SECONDS"] = 600
    page_token = aged_token(app, seconds=3 * 24 * 3600)
    sent = []
    for _ in range(2):  # two reports made on the same cached page
        fresh = api_post(client, TOKEN_URL, {"form_token": page_token})
        assert fresh.status_code == 200 and fresh.headers["Cache-Control"] == "no-store"
        token = fresh.get_json()["form_token"]
        sent.append(post_report(client, report_payload(app, form_token=token)).status_code)

    assert sent == [201, 201]
    assert len(stored_reports(app)) == 2


def test_an_exchanged_token_keeps_the_time_its_page_was_served(app, client):
    """Exchanging a token at once does not get past the minimum fill time."""
    app.config["CITIZEN_MIN_FILL_SECONDS"] = 3600
    page_token = aged_token(app, seconds=5)

    token = api_post(client, TOKEN_URL, {"form_token": page_token}).get_json()["form_token"]
    response = post_report(client, report_payload(app, form_token=token))

    assert (response.status_code, response.get_json()["error"]["code"]) == (429, "too_soon")


def test_a_forged_token_is_handed_back_unchanged_and_refused_quietly(app, client):
    forged = "eyJmIjoicmVwb3J0In0.forged.signature"

    token = api_post(client, TOKEN_URL, {"form_token": forged}).get_json()["form_token"]
    response = post_report(client, report_payload(app, form_token=token))

    assert token == forged
    assert response.status_code == 201  # looks like success to a script
    assert stored_reports(app) == []


def test_reports_per_address_and_day_are_capped(app, client):
    app.config["CITIZEN_REPORT_DAILY_CAP"] = 3

    statuses = [post_report(client, report_payload(app)).status_code for _ in range(4)]
    capped = post_report(client, report_payload(app))
    other = english(app.test_client())
    elsewhere = other.post(
        REPORTS_URL,
        json=report_payload(app),
        headers={"X-CSRFToken": other.get("/api/v1/csrf-token").get_json()["csrf_token"]},
        environ_base={"REMOTE_ADDR": "10.1.2.3"},
    )

    assert statuses == [201, 201, 201, 429]
    assert capped.get_json()["error"]["code"] == "daily_limit"
    assert elsewhere.status_code == 201
    assert len(stored_reports(app)) == 4


def test_a_refused_report_leaves_its_token_unused(app, client):
    """Refused for the daily cap, nothing is written: the same token works tomorrow (here:
    once the cap is raised), so the outbox's next try is not refused for a used token."""
    app.config["CITIZEN_REPORT_DAILY_CAP"] = 0
    payload = report_payload(app)

    refused = post_report(client, payload)
    app.config["CITIZEN_REPORT_DAILY_CAP"] = 5
    accepted = post_report(client, payload)

    assert (refused.status_code, accepted.status_code) == (429, 201)
    assert len(stored_reports(app)) == 1
