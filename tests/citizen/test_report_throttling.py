"""A resident's report held back with 429 answers a JSON problem whose Retry-After is the wait
that applies (the rate limit's, the fill time's, the daily cap's), told in words where there
is a number; no other answer carries Retry-After."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from html import unescape

from tests.citizen.helpers import (
    aged_token,
    english,
    make_report,
    post_report,
    report_payload,
)
from tests.conftest import api_post
from webapp.core.localtime import local_midnight_utc, local_today


def _problem(response) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    error = response.get_json()["error"]
    return error["code"], error["message"]


def test_over_the_rate_limit_the_message_tells_the_wait_retry_after_states(app, client):
    """It said "Vänta en stund" ("wait a while"): the phone could not say how long."""
    app.config["CITIZEN_REPORT_LIMIT"] = "2 per hour;30 per day"
    for _ in range(2):
        assert post_report(client, report_payload(app)).status_code == 201

    held = post_report(client, report_payload(app))

    assert held.status_code == 429
    code, message = _problem(held)
    assert code == "rate_limited"
    told = re.fullmatch(
        r"Många synpunkter har kommit från det här nätverket på kort tid\. Din finns kvar i "
        r"telefonen\. Vänta (\d+) minuter och försök igen\.",
        message,
    )
    assert told, message
    assert held.headers["Retry-After"] == str(int(told.group(1)) * 60) == "3600"


def test_the_rate_limit_is_told_in_english_when_chosen(app):
    client = english(app.test_client())
    app.config["CITIZEN_REPORT_LIMIT"] = "1 per hour"
    post_report(client, report_payload(app))

    held = post_report(client, report_payload(app))

    assert _problem(held) == (
        "rate_limited",
        "Many reports have come from this network in a short time. Yours is kept on this "
        "phone. Wait 60 minutes and try again.",
    )
    assert held.headers["Retry-After"] == "3600"


def test_a_report_sent_too_soon_is_told_to_come_back_when_the_fill_time_is_over(app, client):
    """Retry-After was the hourly limit's reset (3600) for a wait of seconds."""
    app.config["CITIZEN_MIN_FILL_SECONDS"] = 30
    held = post_report(client, report_payload(app, form_token=aged_token(app, seconds=10)))

    assert _problem(held)[0] == "too_soon"
    assert 18 <= int(held.headers["Retry-After"]) <= 20


def test_over_the_daily_cap_retry_after_is_sunnes_next_day(app, client):
    app.config["CITIZEN_REPORT_DAILY_CAP"] = 0

    held = post_report(client, report_payload(app))

    assert _problem(held)[0] == "daily_limit"
    tomorrow = local_midnight_utc(local_today() + timedelta(days=1))
    seconds = (tomorrow - datetime.now(UTC)).total_seconds()
    assert abs(int(held.headers["Retry-After"]) - seconds) < 5


def test_a_stored_report_carries_no_retry_after(app, client):
    stored = post_report(client, report_payload(app))

    assert stored.status_code == 201
    assert "Retry-After" not in stored.headers


# ---- the resident's other limited answers: the form token and the follow page -----------------


def test_a_fresh_form_token_held_back_tells_the_wait_retry_after_states(app, client):
    """The outbox fetches a fresh token before sending a report; over the limit it got the
    general "Vänta en stund" and the limiter's window in Retry-After."""
    app.config["CITIZEN_FORM_REFRESH_LIMIT"] = "2 per hour"
    token = aged_token(app)
    for _ in range(2):
        assert (
            api_post(client, "/api/v1/public/form-token", {"form_token": token}).status_code == 200
        )

    held = api_post(client, "/api/v1/public/form-token", {"form_token": token})

    assert held.status_code == 429
    code, message = _problem(held)
    assert code == "rate_limited"
    told = re.fullmatch(
        r"Många synpunkter har kommit från det här nätverket på kort tid\. Din finns kvar i "
        r"telefonen\. Vänta (\d+) minuter och försök igen\.",
        message,
    )
    assert told, message
    assert held.headers["Retry-After"] == str(int(told.group(1)) * 60) == "3600"


def test_the_follow_page_held_back_tells_the_wait_retry_after_states(app, client):
    """It was the general error page: "Vänta en stund", and no way back to the report."""
    app.config["CITIZEN_FOLLOW_LIMIT"] = "2 per minute;300 per hour"
    report_id = make_report(app)
    assert [client.get(f"/report/{report_id}").status_code for _ in range(2)] == [200, 200]

    held = client.get(f"/report/{report_id}")

    assert held.status_code == 429
    page = held.get_data(as_text=True)
    (message,) = re.findall(r'<p class="flash flash-error" role="alert">([^<]*)</p>', page)
    told = re.fullmatch(
        r"Den här sidan har öppnats många gånger från ditt nätverk på kort tid\. "
        r"Vänta (\d+) sekunder och försök igen\.",
        unescape(message),
    )
    assert told, message
    assert held.headers["Retry-After"] == told.group(1)
    assert 55 <= int(told.group(1)) <= 60
    assert f'href="/report/{report_id}">Försök igen</a>' in page
    # Still the report's address: no cache keeps it and no search engine lists it.
    assert held.headers["Cache-Control"] == "no-store"
    assert "noindex" in held.headers["X-Robots-Tag"]
