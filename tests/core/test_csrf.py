"""CSRF: every state-changing request needs the session's token, in the form or a header."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from tests.auth.helpers import login_form
from tests.conftest import csrf_token, form_csrf_token, login

CSRF_FAILED_SV = "Formuläret har gått ut eller saknar säkerhetstoken."


def _observation() -> dict[str, object]:
    return {
        "id": str(uuid.uuid4()),
        "lat": 59.8366,
        "lon": 13.1440,
        "accuracy_m": 8,
        "observed_at": (datetime.now(UTC) - timedelta(minutes=5)).isoformat(),
        "category": "belysning",
        "note": "Trasig gatlykta.",
    }


def test_form_post_without_token_gets_a_friendly_page(client):
    response = client.post("/language", data={"locale": "en"})

    assert response.status_code == 400
    assert response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    assert CSRF_FAILED_SV in html
    assert "Traceback" not in html and "CSRF" not in html


def test_form_post_without_token_changes_nothing(client):
    client.post("/language", data={"locale": "en"})
    assert "Logga in" in client.get("/login").get_data(as_text=True)


def test_form_post_with_the_token_from_the_page_is_accepted(client):
    token = form_csrf_token(client.get("/login").get_data(as_text=True))

    response = client.post("/language", data={"locale": "en", "csrf_token": token})

    assert response.status_code == 302


def test_form_post_with_a_token_from_another_session_is_refused(app, client):
    other = app.test_client()
    foreign = form_csrf_token(other.get("/login").get_data(as_text=True))
    client.get("/login")

    response = client.post("/language", data={"locale": "en", "csrf_token": foreign})

    assert response.status_code == 400


def test_api_post_without_token_is_refused_with_json(client, officer):
    login(client, officer)

    response = client.post("/api/v1/observations", json=_observation())

    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "csrf_failed"


def test_api_post_with_a_wrong_token_is_refused_with_json(client, officer):
    login(client, officer)
    client.get("/api/v1/csrf-token")

    response = client.post(
        "/api/v1/observations", json=_observation(), headers={"X-CSRFToken": "forged"}
    )

    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "csrf_failed"


def test_api_put_without_token_is_refused_with_json(client, officer):
    login(client, officer)

    response = client.put(
        f"/api/v1/observations/{uuid.uuid4()}/photos/{uuid.uuid4()}",
        data=b"\xff\xd8\xff",
        content_type="image/jpeg",
    )

    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "csrf_failed"


def test_api_post_with_token_header_is_accepted(client, officer):
    login(client, officer)
    payload = _observation()

    response = client.post(
        "/api/v1/observations", json=payload, headers={"X-CSRFToken": csrf_token(client)}
    )

    assert response.status_code == 201


def test_the_alternative_csrf_header_name_is_accepted(client, officer):
    login(client, officer)

    response = client.post(
        "/api/v1/observations", json=_observation(), headers={"X-CSRF-Token": csrf_token(client)}
    )

    assert response.status_code == 201


def test_a_token_fetched_before_login_stops_working_after_login(client, officer):
    """Login rotates the CSRF secret (issue 16): a token issued to the anonymous session, or
    planted by someone else, is refused. The outbox fetches a fresh token before it flushes."""
    token = csrf_token(client)
    login_form(client, "officer")

    stale = client.post("/api/v1/observations", json=_observation(), headers={"X-CSRFToken": token})
    fresh = client.post(
        "/api/v1/observations", json=_observation(), headers={"X-CSRFToken": csrf_token(client)}
    )

    assert stale.status_code == 400 and stale.get_json()["error"]["code"] == "csrf_failed"
    assert fresh.status_code == 201


def test_csrf_tokens_do_not_expire_within_a_session(app):
    """An outbox may flush hours after the page was loaded."""
    assert app.config["WTF_CSRF_TIME_LIMIT"] is None
    assert app.config["WTF_CSRF_ENABLED"] is not False


def test_the_csrf_token_endpoint_is_never_cached(client):
    response = client.get("/api/v1/csrf-token")

    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert response.get_json()["authenticated"] is False


def test_a_form_of_a_logged_in_page_sent_after_logout_says_the_login_ended(
    app, coordinator, as_user
):
    client = as_user(coordinator)
    token = form_csrf_token(client.get("/measures/new").get_data(as_text=True))
    logout_token = form_csrf_token(client.get("/").get_data(as_text=True))
    client.post("/logout", data={"csrf_token": logout_token})  # as another tab would
    response = client.post("/measures/new", data={"csrf_token": token, "title": "Röj sly"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "<h1>Du är inte längre inloggad</h1>" in page
    assert 'id="unsent-form-lost"' in page and 'id="unsent-form-login"' in page
    assert CSRF_FAILED_SV not in page


def test_a_public_form_without_token_does_not_talk_of_a_login(client):
    page = client.post("/language", data={"locale": "en"}).get_data(as_text=True)
    assert "<h1>Du är inte längre inloggad</h1>" not in page
    assert 'id="unsent-form-back"' in page
