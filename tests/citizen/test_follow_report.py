"""A resident follows a report by its UUID: /report/<uuid> says what became of it, no more.

Texts are the English message ids (the browser asks for English) unless a test says otherwise.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from flask import Flask

from tests.citizen.helpers import (
    CONTACT,
    HOSTILE,
    english,
    make_measure,
    make_report,
    post_report,
    report_payload,
)
from webapp.auth.models import User
from webapp.citizen.models import PublicReport
from webapp.citizen.moderation import service as moderation
from webapp.extensions import db
from webapp.measures.models import Measure
from webapp.observations.models import Observation

WAITING = "Received – waiting for review"
PUBLISHED = "Reviewed – shown on the open map"
KEPT = "Reviewed – not shown on the open map"
TAKEN_UP = "Reviewed – taken into the work of the police and the municipality"
MEASURE_HEADING = "What is being done"
# 23:30 UTC on 1 March is 00:30 on 2 March in Sunne (CET): the local day is the 2nd.
LATE_EVENING_UTC = datetime(2026, 3, 1, 23, 0, tzinfo=UTC)


def _follow(client, report_id: str):  # type: ignore[no-untyped-def]
    response = english(client).get(f"/report/{report_id}")
    assert response.status_code == 200, response.status_code
    return response, response.get_data(as_text=True)


def _main(body: str) -> str:
    """The page's own content (the nav of open surveys and the footer are the same everywhere)."""
    return body.split('<main id="main"', 1)[1].split("</main>", 1)[0]


def _decide(app: Flask, report_id: str, decision, coordinator: User, *args) -> None:  # type: ignore[no-untyped-def]
    """A coordinator's decision through the moderation service, as its views make it; an
    argument (Model, id) is loaded first."""
    with app.app_context():
        loaded = [db.session.get(*arg) if isinstance(arg, tuple) else arg for arg in args]
        report = db.session.get(PublicReport, report_id)
        decision(report, *loaded, db.session.get(User, coordinator.id))


# ---- the states ------------------------------------------------------------------------------


def test_a_pending_report_says_received_and_waiting_and_nothing_else(app, client):
    report_id = make_report(app, text=HOSTILE, contact=CONTACT, time_of_day="night")

    _response, body = _follow(client, report_id)

    page = _main(body)
    assert WAITING in page
    # Not even its category or day: a report the API dropped quietly must look the same.
    assert "Lighting" not in page and "Feels unsafe" not in page
    assert "Received</dt>" not in page and MEASURE_HEADING not in page


def test_a_published_report_says_it_is_on_the_open_map_with_its_category_and_feeling(
    app, client, coordinator
):
    report_id = make_report(app, feeling="safe", received_at=LATE_EVENING_UTC)
    _decide(app, report_id, moderation.publish, coordinator, "Bra belyst")

    _response, body = _follow(client, report_id)

    page = _main(body)
    assert PUBLISHED in page
    assert "Lighting – Feels safe" in page
    assert 'href="/report#published-heading"' in page
    # Its UUID is on the open map and in Open311, where its arrival day is never shown.
    assert "2 March 2026" not in page and "Received</dt>" not in page


def test_a_hidden_report_is_reviewed_not_shown_and_kept_with_the_local_day_it_came(
    app, client, coordinator
):
    report_id = make_report(app, received_at=LATE_EVENING_UTC)
    _decide(app, report_id, moderation.hide, coordinator, "identifies")

    _response, body = _follow(client, report_id)

    page = _main(body)
    assert KEPT in page and "The municipality keeps it" in page
    # The reason, from the fixed list in the resident's words, with what to do instead.
    assert "It describes or could identify a person. Report the place again" in page
    assert "Lighting – Feels unsafe" in page
    assert re.search(r"Received</dt>\s*<dd>2 March 2026</dd>", page), page
    assert "published-heading" not in page


def test_a_merged_report_is_taken_into_the_work_of_police_and_municipality(
    app, client, coordinator
):
    report_id = make_report(app)
    measure_id = make_measure(app, coordinator.id, title="Ny belysning vid bron")
    _decide(app, report_id, moderation.merge_with_measure, coordinator, (Measure, measure_id))

    _response, body = _follow(client, report_id)

    assert TAKEN_UP in _main(body)


def test_a_report_made_a_review_item_is_taken_into_the_work_of_police_and_municipality(
    app, client, coordinator
):
    report_id = make_report(app)
    _decide(app, report_id, moderation.convert_to_review_item, coordinator)

    _response, body = _follow(client, report_id)

    page = _main(body)
    assert TAKEN_UP in page and "Lighting – Feels unsafe" in page
    assert MEASURE_HEADING not in page


def test_the_page_speaks_swedish_by_default(app, client):
    report_id = make_report(app)

    body = client.get(f"/report/{report_id}").get_data(as_text=True)

    assert "Följ din synpunkt" in body and "Mottagen – väntar på granskning" in body


# ---- the measure: shown only when it is shared with residents --------------------------------


def test_a_shared_measure_on_the_report_shows_its_title_status_and_deadline(
    app, client, coordinator
):
    report_id = make_report(app)
    measure_id = make_measure(
        app,
        coordinator.id,
        title="Byt lampor i gångtunneln",
        status="decided",
        deadline=date(2026, 5, 31),
        visibility="shared",
    )
    _decide(app, report_id, moderation.merge_with_measure, coordinator, (Measure, measure_id))

    _response, body = _follow(client, report_id)

    page = _main(body)
    assert MEASURE_HEADING in page and "Byt lampor i gångtunneln" in page
    assert re.search(r"Status</dt>\s*<dd>decided</dd>", page), page
    assert re.search(r"Deadline</dt>\s*<dd>31 May 2026", page), page


def test_a_shared_measure_reached_through_the_review_item_is_shown_and_its_overdue_deadline_said(
    app, client, coordinator
):
    report_id = make_report(app)
    measure_id = make_measure(
        app,
        coordinator.id,
        title="Röj buskar vid stationen",
        status="in_progress",
        deadline=date.today() - timedelta(days=10),
    )
    _decide(app, report_id, moderation.convert_to_review_item, coordinator)
    with app.app_context():
        report = db.session.get(PublicReport, report_id)
        db.session.get(Observation, report.observation_id).measure_id = measure_id
        db.session.commit()

    _response, body = _follow(client, report_id)

    page = _main(body)
    assert "Röj buskar vid stationen" in page and "in progress" in page
    assert "tag-overdue" in page


def test_a_done_measure_shows_no_deadline(app, client, coordinator):
    report_id = make_report(app)
    measure_id = make_measure(
        app, coordinator.id, title="Lampor bytta", status="done", deadline=date(2026, 1, 31)
    )
    _decide(app, report_id, moderation.merge_with_measure, coordinator, (Measure, measure_id))

    _response, body = _follow(client, report_id)

    page = _main(body)
    assert "Lampor bytta" in page and re.search(r"Status</dt>\s*<dd>done</dd>", page)
    assert "Deadline" not in page


@pytest.mark.parametrize("visibility", ["police", "municipality"])
def test_a_measure_not_shared_with_residents_does_not_show_that_it_exists(
    app, client, coordinator, visibility
):
    secret_id = make_report(app, received_at=LATE_EVENING_UTC)
    plain_id = make_report(app, received_at=LATE_EVENING_UTC)
    measure_id = make_measure(
        app,
        coordinator.id,
        title="INTERNMARK Spaning vid stationen",
        status="decided",
        deadline=date(2026, 5, 31),
        visibility=visibility,
    )
    _decide(app, secret_id, moderation.merge_with_measure, coordinator, (Measure, measure_id))
    # The other report is taken up without any measure: the two pages must not differ.
    _decide(app, plain_id, moderation.convert_to_review_item, coordinator)

    _response, secret = _follow(client, secret_id)
    _response, plain = _follow(client, plain_id)

    assert TAKEN_UP in _main(secret)
    assert "INTERNMARK" not in secret and MEASURE_HEADING not in secret
    assert "31 May 2026" not in secret and "decided" not in _main(secret)
    assert _main(secret) == _main(plain)


# ---- an unknown UUID looks pending; nothing private ever shows --------------------------------


def _comparable(body: str) -> str:
    """The page without what differs between any two answers: the nonce, the form tokens and
    the address asked for (the footer's language and theme forms send the reader back to it)."""
    body = re.sub(r'nonce="[^"]+"', 'nonce=""', body)
    body = re.sub(r'name="csrf_token" value="[^"]+"', 'name="csrf_token" value=""', body)
    return re.sub(r'name="next" value="[^"]+"', 'name="next" value=""', body)


def _headers(response) -> dict[str, str]:  # type: ignore[no-untyped-def]
    # Per request, not per report: the nonce, the clock and the limiter's countdown (Retry-After
    # reads 59 or 60 depending on when the second turned).
    varying = (
        "Content-Security-Policy", "Content-Length", "Date", "Set-Cookie", "X-RateLimit",
        "Retry-After",
    )  # fmt: skip
    return {k: v for k, v in response.headers.items() if not k.startswith(varying)}


@pytest.mark.parametrize(
    "asked",
    [
        "unknown",
        "not-a-uuid",
        "00000000-0000-0000-0000-000000000000",
        "x" * 300,
        "%3Cscript%3Ealert(1)%3C",
    ],
)
def test_an_unknown_or_malformed_uuid_answers_exactly_like_a_pending_report(app, asked):
    pending_id = make_report(app, text=HOSTILE, contact=CONTACT)
    asked = str(uuid.uuid4()) if asked == "unknown" else asked

    pending, pending_body = _follow(english(app.test_client()), pending_id)
    unknown, unknown_body = _follow(english(app.test_client()), asked)

    assert WAITING in unknown_body
    assert unknown.status_code == pending.status_code == 200
    assert _comparable(unknown_body) == _comparable(pending_body)
    assert _headers(unknown) == _headers(pending)


def test_a_report_dropped_quietly_as_a_scripts_still_looks_received_and_waiting(app, client):
    """The API answers a filled honeypot with a receipt and stores nothing (guard.py); its
    follow-up page must not tell the script so."""
    dropped = report_payload(app, website="http://spam.example")
    kept = report_payload(app)
    assert post_report(client, dropped).status_code == 201
    assert post_report(client, kept).status_code == 201

    _r, dropped_body = _follow(app.test_client(), dropped["id"])
    _r, kept_body = _follow(app.test_client(), kept["id"])

    assert WAITING in dropped_body
    assert _comparable(dropped_body) == _comparable(kept_body)


@pytest.mark.parametrize("decision", ["pending", "publish", "hide", "merge", "convert"])
def test_the_residents_text_contact_and_the_coordinators_notes_never_show(
    app, client, coordinator, decision
):
    report_id = make_report(
        app, text=HOSTILE, contact=CONTACT, time_of_day="night", received_at=LATE_EVENING_UTC
    )
    measure_id = make_measure(
        app,
        coordinator.id,
        title="Byt lampor",
        description="DESCRIPTIONMARK",
        internal_note="INTERNALNOTEMARK",
        status_reason="REASONMARK",
        status="decided",
    )
    decisions = {
        "publish": (moderation.publish, "PUBLICTEXTMARK"),
        "hide": (moderation.hide, "identifies"),
        "merge": (moderation.merge_with_measure, (Measure, measure_id)),
        "convert": (moderation.convert_to_review_item,),
    }
    if decision in decisions:
        action, *args = decisions[decision]
        _decide(app, report_id, action, coordinator, *args)

    _response, body = _follow(client, report_id)

    for secret in (
        "HOSTILE-MARK",
        "alert(",
        CONTACT,
        "PUBLICTEXTMARK",
        "DESCRIPTIONMARK",
        "INTERNALNOTEMARK",
        "REASONMARK",
        "Night",  # the time of day the resident chose
        "00:00",
        "23:00",
    ):
        assert secret not in _main(body), f"{secret} shown after {decision}"


def test_the_page_is_kept_by_no_cache_listed_by_no_search_engine_and_sends_no_referrer(app, client):
    report_id = make_report(app)

    response, body = _follow(client, report_id)

    assert response.headers["Cache-Control"] == "no-store"
    assert "noindex" in response.headers["X-Robots-Tag"]
    # The app's policy keeps the address from other sites; the page keeps it from our own too.
    assert response.headers["Referrer-Policy"] in ("same-origin", "no-referrer")
    assert '<meta name="referrer" content="no-referrer">' in body
    assert '<meta name="robots" content="noindex, nofollow">' in body


def test_the_page_is_rate_limited_per_address_like_the_other_public_routes(app, client):
    app.config["CITIZEN_FOLLOW_LIMIT"] = "3 per minute"
    report_id = make_report(app)

    answers = [client.get(f"/report/{report_id}").status_code for _ in range(4)]

    assert answers == [200, 200, 200, 429]


def test_a_measure_title_is_shown_as_text(app, client, coordinator):
    report_id = make_report(app)
    measure_id = make_measure(app, coordinator.id, title=HOSTILE[:200], status="decided")
    _decide(app, report_id, moderation.merge_with_measure, coordinator, (Measure, measure_id))

    _response, body = _follow(client, report_id)

    assert "HOSTILE-MARK" in body
    assert "<script>alert(1)</script>" not in body and "<img src=x" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


# ---- the report page: the resident's own list --------------------------------------------------


def test_the_report_page_carries_the_follow_up_address_and_the_lists_words(client):
    body = english(client).get("/report").get_data(as_text=True)

    assert '"follow": "/report/__ID__"' in body
    assert 'id="my-reports"' in body and "Forget my reports" in body
    assert 'data-follow="Follow your report"' in body
    assert 'data-waiting="Waiting to be sent"' in body
