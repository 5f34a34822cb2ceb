"""Public map reports through /api/v1/public: anonymous, idempotent, abuse-resistant."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.citizen.helpers import (
    REPORTS_URL,
    aged_token,
    post_report,
    report_payload,
    stored_reports,
)
from tests.conftest import csrf_token
from webapp.citizen.models import PublicReport
from webapp.core.audit.models import AuditEntry
from webapp.extensions import db


def test_an_anonymous_report_is_stored_once_and_waits_for_moderation(app, client):
    payload = report_payload(app)

    response = post_report(client, payload)

    assert response.status_code == 201
    assert response.get_json() == {"id": payload["id"], "status": "received"}
    [report] = stored_reports(app)
    assert (report.id, report.status, report.category_code) == (
        payload["id"],
        "pending",
        "belysning",
    )
    assert (report.feeling, report.time_of_day, report.public_text) == ("unsafe", "evening", "")


def test_replaying_the_same_uuid_with_the_same_content_returns_200_and_stores_nothing_new(
    app, client
):
    payload = report_payload(app)
    assert post_report(client, payload).status_code == 201

    replay = post_report(app.test_client(), payload)

    assert replay.status_code == 200
    assert replay.get_json()["id"] == payload["id"]
    assert len(stored_reports(app)) == 1


def test_the_same_uuid_with_other_content_is_a_conflict(app, client):
    payload = report_payload(app)
    assert post_report(client, payload).status_code == 201

    response = post_report(client, {**payload, "text": "Något helt annat"})

    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "conflict"
    assert stored_reports(app)[0].text == payload["text"]


def test_a_new_form_token_on_replay_is_still_a_replay(app, client):
    """The outbox may resend from a reloaded page: the token is not part of the content."""
    payload = report_payload(app)
    post_report(client, payload)

    response = post_report(client, {**payload, "form_token": aged_token(app, seconds=30)})

    assert response.status_code == 200


def test_nothing_about_the_sender_is_stored_nor_audited(app, client):
    post_report(client, report_payload(app))

    with app.app_context():
        report = db.session.execute(db.select(PublicReport)).scalar_one()
        columns = set(PublicReport.__table__.columns.keys())
        assert not columns & {"ip", "user_agent", "author_id", "session", "created_by_id"}
        # The time is cut to the hour, so it cannot be matched to a line in a server log.
        assert (report.received_at.minute, report.received_at.second) == (0, 0)
        assert report.received_at <= datetime.now(UTC)
        assert db.session.execute(db.select(AuditEntry)).first() is None


def test_a_logged_in_user_reports_as_anonymously_as_anyone(app, as_user, officer):
    client = as_user(officer)

    assert post_report(client, report_payload(app)).status_code == 201

    with app.app_context():
        assert db.session.execute(db.select(AuditEntry)).first() is None


def test_a_place_outside_sunne_kommun_is_refused(app, client):
    response = post_report(client, report_payload(app, lat=59.3293, lon=18.0686))  # Stockholm

    assert response.status_code == 422
    assert "lat" in response.get_json()["error"]["fields"]
    assert stored_reports(app) == []


def test_bad_fields_get_one_message_each(app, client):
    payload = report_payload(
        app,
        feeling="scared",
        category="no-such-category",
        text="x" * 1001,
        time_of_day="noon",
        contact="call me maybe",
        extra="?",
    )

    response = post_report(client, payload)

    assert response.status_code == 422
    fields = response.get_json()["error"]["fields"]
    assert set(fields) == {"feeling", "category", "text", "time_of_day", "contact", "extra"}


def test_a_personal_identity_number_in_the_text_is_refused(app, client):
    response = post_report(client, report_payload(app, text="Det är 19811218-9876 som bråkar"))

    assert response.status_code == 422
    assert "text" in response.get_json()["error"]["fields"]


def test_an_email_or_a_phone_number_is_accepted_as_contact(app, client):
    for contact in ("anna@example.se", "070-123 45 67", "+46 70 1234567"):
        assert post_report(client, report_payload(app, contact=contact)).status_code == 201


def test_a_filled_honeypot_is_refused_quietly(app, client):
    payload = report_payload(app, website="http://spam.example")

    response = post_report(client, payload)

    # Looks exactly like success to a script; nothing is stored.
    assert response.status_code == 201
    assert response.get_json() == {"id": payload["id"], "status": "received"}
    assert stored_reports(app) == []


def test_a_report_sent_sooner_than_the_minimum_fill_time_is_kept_for_a_retry(app, client):
    # A phone's outbox may flush the moment a report is saved (Background Sync, "online", the
    # send button): a quick person's report must never be dropped behind a "received".
    app.config["CITIZEN_MIN_FILL_SECONDS"] = 10
    payload = report_payload(app, form_token=aged_token(app, seconds=2))

    too_fast = post_report(client, payload)

    assert too_fast.status_code == 429
    assert too_fast.get_json()["error"]["code"] == "too_soon"
    assert stored_reports(app) == []
    # The outbox sends the very same item again later: now it is stored.
    app.config["CITIZEN_MIN_FILL_SECONDS"] = 1
    assert post_report(client, payload).status_code == 201
    assert [r.id for r in stored_reports(app)] == [payload["id"]]


def test_a_token_signed_with_a_retired_key_still_counts(app, client):
    """A page cached on a phone before a key rotation: its offline reports are not lost."""
    payload = report_payload(app)  # token signed with the key in use until now
    app.config["SECRET_KEY_FALLBACKS"] = [app.config["SECRET_KEY"]]
    app.config["SECRET_KEY"] = "a-new-key-after-rotation-0123456789abcdefghij"

    response = post_report(client, payload)

    assert response.status_code == 201
    assert [r.id for r in stored_reports(app)] == [payload["id"]]


def test_a_missing_forged_or_foreign_form_token_is_refused_quietly(app, client):
    for token in (None, "", "forged.token.value", aged_token(app, form="survey")):
        assert post_report(client, report_payload(app, form_token=token)).status_code == 201

    assert stored_reports(app) == []


def test_a_body_over_the_size_limit_gets_413(app, client):
    app.config["CITIZEN_REPORT_MAX_BYTES"] = 2048

    response = post_report(client, report_payload(app, text="a" * 3000))

    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "too_large"
    assert stored_reports(app) == []


def test_more_reports_than_the_limit_from_one_address_get_429(app, client):
    app.config["CITIZEN_REPORT_LIMIT"] = "3 per hour"

    statuses = [post_report(client, report_payload(app)).status_code for _ in range(4)]

    assert statuses == [201, 201, 201, 429]
    assert len(stored_reports(app)) == 3
    # Another address is not held back by this one.
    other = app.test_client()
    response = other.post(
        REPORTS_URL,
        json=report_payload(app),
        headers={"X-CSRFToken": csrf_token(other)},
        environ_base={"REMOTE_ADDR": "10.1.2.3"},
    )
    assert response.status_code == 201


def test_a_report_without_a_csrf_token_is_refused(app, client):
    response = client.post(REPORTS_URL, json=report_payload(app))

    assert response.status_code == 400
    assert stored_reports(app) == []


def test_the_public_session_gives_a_fresh_token_and_the_residents_outbox_scope(client):
    data = client.get("/api/v1/public/session").get_json()

    assert data["authenticated"] is True
    assert data["outbox_scope"] == "citizen"
    assert data["csrf_token"]


def test_non_json_and_non_object_bodies_are_refused_without_a_500(app, client):
    token = csrf_token(client)
    as_text = client.post(REPORTS_URL, data="x", headers={"X-CSRFToken": token})
    as_list = client.post(REPORTS_URL, json=[1, 2], headers={"X-CSRFToken": token})

    assert (as_text.status_code, as_list.status_code) == (415, 422)
