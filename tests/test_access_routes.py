"""Who may reach what: every route is walked, so a new route without a check fails here."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from werkzeug.routing import Rule

from tests.conftest import api_post, csrf_token

# Endpoints anyone may reach. Everything else must refuse an anonymous caller.
PUBLIC_ENDPOINTS = {
    "auth.login",
    "static",
    "field.manifest",
    "field.service_worker",
    "field.vendor",
    "field.install_help",
    "field.offline",
    "core.healthz",
    "core.set_language",
    "api.csrf_token",
    "api.categories",
    "api.openapi",
    # Walk participants have no account: they join with a code; without a valid walk session
    # these answer with the join form, and ids outside their walk get 404 (tests/walks).
    "walk_participant.join",
    "walk_participant.join_code",
    "walk_participant.walk_page",
    "walk_participant.leave",
    "api.walk_session",
}
IGNORED_METHODS = {"HEAD", "OPTIONS"}


def _all_routes(app: Flask) -> list[tuple[Rule, str]]:
    return sorted(
        (
            (rule, method)
            for rule in app.url_map.iter_rules()
            for method in sorted(rule.methods - IGNORED_METHODS)
        ),
        key=lambda pair: (pair[0].rule, pair[1]),
    )


def _url(app: Flask, rule: Rule) -> str:
    """A URL for the rule with made-up values: a valid id is not needed to be refused."""
    values = {}
    for name in rule.arguments:
        converter = rule._converters[name].__class__.__name__
        values[name] = 1 if converter in ("IntegerConverter",) else str(uuid.uuid4())
    adapter = app.url_map.bind("localhost")
    return adapter.build(rule.endpoint, values, force_external=False)


def _protected_routes(app: Flask) -> list[tuple[str, str, str]]:
    return [
        (rule.endpoint, method, _url(app, rule))
        for rule, method in _all_routes(app)
        if rule.endpoint not in PUBLIC_ENDPOINTS
    ]


def test_the_public_allowlist_names_only_existing_endpoints(app):
    assert set(app.view_functions) >= PUBLIC_ENDPOINTS


def test_there_are_protected_html_and_api_routes_to_check(app):
    routes = _protected_routes(app)
    assert any(url.startswith("/api/") for _e, _m, url in routes)
    assert any(not url.startswith("/api/") for _e, _m, url in routes)


def _anonymous_request(app: Flask, method: str, url: str):  # type: ignore[no-untyped-def]
    client = app.test_client()
    # A valid CSRF token, so what refuses the request is the login check, not CSRF.
    headers = {"X-CSRFToken": csrf_token(client)}
    if method in ("POST", "PUT", "PATCH", "DELETE"):
        return client.open(url, method=method, json={}, headers=headers)
    return client.open(url, method=method, headers=headers)


def test_every_protected_html_route_sends_an_anonymous_caller_to_login(app):
    failures = []
    for endpoint, method, url in _protected_routes(app):
        if url.startswith("/api/"):
            continue
        response = _anonymous_request(app, method, url)
        location = response.headers.get("Location", "")
        if response.status_code != 302 or not location.split("?")[0].endswith("/login"):
            failures.append(f"{method} {url} ({endpoint}) -> {response.status_code} {location}")
    assert failures == []


def test_every_protected_api_route_answers_an_anonymous_caller_with_401_json(app):
    failures = []
    for endpoint, method, url in _protected_routes(app):
        if not url.startswith("/api/"):
            continue
        response = _anonymous_request(app, method, url)
        body = response.get_json(silent=True) or {}
        code = body.get("error", {}).get("code")
        if response.status_code != 401 or code != "unauthenticated":
            failures.append(f"{method} {url} ({endpoint}) -> {response.status_code} {code}")
    assert failures == []


@pytest.mark.parametrize("persona", ["officer", "staff", "coordinator", "admin", "outsider"])
def test_no_route_answers_500_to_any_persona_with_made_up_ids(app, request, as_user, persona):
    client = as_user(request.getfixturevalue(persona))
    token = csrf_token(client)
    failures = []
    for rule, method in _all_routes(app):
        if rule.endpoint in ("auth.logout", "static", "field.vendor"):
            continue
        url = _url(app, rule)
        kwargs = {"headers": {"X-CSRFToken": token}}
        if method in ("POST", "PUT", "PATCH", "DELETE"):
            kwargs["json"] = {}
        response = client.open(url, method=method, **kwargs)
        if response.status_code >= 500:
            failures.append(f"{method} {url} -> {response.status_code}")
    assert failures == []


# --- role checks ---------------------------------------------------------------------------


def _observation(visibility: str, **extra: object) -> dict[str, object]:
    return {
        "id": str(uuid.uuid4()),
        "lat": 59.8366,
        "lon": 13.1440,
        "accuracy_m": 8,
        "observed_at": (datetime.now(UTC) - timedelta(minutes=5)).isoformat(),
        "category": "belysning",
        "note": "Trasig gatlykta vid torget.",
        "visibility": visibility,
        **extra,
    }


def _create(as_user, user, visibility: str) -> str:  # type: ignore[no-untyped-def]
    payload = _observation(visibility)
    response = api_post(as_user(user), "/api/v1/observations", payload)
    assert response.status_code == 201, response.get_json()
    return str(payload["id"])


def test_admin_may_not_open_the_field_entry_form(as_user, admin):
    response = as_user(admin).get("/field/new")
    assert response.status_code == 403
    assert "<html" in response.get_data(as_text=True)


def test_admin_may_not_record_observations_through_the_api(as_user, admin):
    response = api_post(as_user(admin), "/api/v1/observations", _observation("shared"))

    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "forbidden"


def test_staff_cannot_read_a_police_observation(as_user, officer, staff):
    observation_id = _create(as_user, officer, "police")

    response = as_user(staff).get(f"/api/v1/observations/{observation_id}")

    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


def test_officer_cannot_read_a_municipal_observation(as_user, officer, staff):
    observation_id = _create(as_user, staff, "municipality")

    response = as_user(officer).get(f"/api/v1/observations/{observation_id}")

    assert response.status_code == 404


def test_both_read_a_shared_observation(as_user, officer, staff):
    observation_id = _create(as_user, staff, "shared")

    for user in (officer, staff):
        assert as_user(user).get(f"/api/v1/observations/{observation_id}").status_code == 200


def test_coordinator_reads_police_and_municipal_observations(as_user, officer, staff, coordinator):
    ids = [_create(as_user, officer, "police"), _create(as_user, staff, "municipality")]

    client = as_user(coordinator)
    for observation_id in ids:
        assert client.get(f"/api/v1/observations/{observation_id}").status_code == 200


def test_admin_reads_no_observation_content(as_user, officer, admin):
    observation_id = _create(as_user, officer, "shared")

    response = as_user(admin).get(f"/api/v1/observations/{observation_id}")

    assert response.status_code in (403, 404)


def test_outsider_cannot_read_or_overwrite_a_police_observation(as_user, officer, outsider):
    payload = _observation("police")
    assert api_post(as_user(officer), "/api/v1/observations", payload).status_code == 201

    client = as_user(outsider)
    assert client.get(f"/api/v1/observations/{payload['id']}").status_code == 404
    replay = api_post(client, "/api/v1/observations", {**payload, "visibility": "municipality"})
    assert replay.status_code in (404, 409)
    assert "Trasig gatlykta" not in replay.get_data(as_text=True)


def test_staff_cannot_label_a_record_as_police(as_user, staff):
    response = api_post(as_user(staff), "/api/v1/observations", _observation("police"))

    assert response.status_code == 422
    assert "visibility" in response.get_json()["error"]["fields"]
