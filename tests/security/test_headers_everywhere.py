"""Security headers on every kind of response: every route of the matrix as several roles (pages,
JSON, GeoJSON, static and vendor files, the service worker, the manifest, photos, PDF, SVG, ZIP,
redirects and refusals), and the error answers (404, 405, 413, 500), HEAD and OPTIONS.

tests/core/test_security_headers.py checks the policy itself on a few pages; this checks its reach.
"""

from __future__ import annotations

import pytest
from flask import Flask

from tests.core.test_security_headers import assert_security_headers
from tests.security.matrix import ask, base_cookie, build_url, load_matrix, route_methods
from tests.security.world import World, build_world, client_for


@pytest.fixture
def world(app: Flask, officer, staff, coordinator, admin) -> World:  # type: ignore[no-untyped-def]
    return build_world(
        app, {"officer": officer, "staff": staff, "coordinator": coordinator, "admin": admin}
    )


@pytest.mark.parametrize("role", ["anonymous", "participant", "coordinator", "admin"])
def test_every_route_answers_with_the_security_headers(app, world, role):
    routes = route_methods(app)
    cookie, token = base_cookie(app, world, role)
    kinds, missing = set(), []
    for row in sorted(load_matrix(), key=lambda r: r.method != "GET"):
        if (row.endpoint, row.method) not in routes:
            continue
        url = build_url(app, world, routes[(row.endpoint, row.method)], row.target)
        response = ask(app, cookie, token, row.method, url)
        kinds.add(response.mimetype)
        try:
            assert_security_headers(response)
        except (AssertionError, KeyError) as error:
            missing.append(
                f"{row.method} {url} ({response.mimetype}, {response.status_code}): {error!r}"
            )
    assert missing == [], "\n".join(missing)
    if role == "coordinator":
        expected = {"text/html", "application/json", "application/geo+json", "text/css",
                    "image/jpeg", "application/pdf", "image/svg+xml", "application/zip",
                    "application/manifest+json"}  # fmt: skip
        assert expected <= kinds, expected - kinds
        assert kinds & {"text/javascript", "application/javascript"}


def test_error_answers_carry_the_security_headers(app, world):
    client = client_for(app, world, "officer")
    token = client.get("/api/v1/csrf-token").get_json()["csrf_token"]
    app.config["MAX_CONTENT_LENGTH"] = 1024
    responses = [
        client.get("/no-such-page"),
        client.get("/static/no-such-file.css"),
        client.get("/vendor/no-such-package/x.js"),
        client.get("/api/v1/no-such-thing"),
        client.delete("/api/v1/observations", headers={"X-CSRFToken": token}),
        client.put("/login"),
        client.post(
            "/api/v1/observations",
            data=b"x" * 2048,
            headers={"X-CSRFToken": token, "Content-Type": "application/json"},
        ),
        client.post("/patrols/start", data={"x": "y" * 2048}, headers={"X-CSRFToken": token}),
        client.post("/api/v1/observations", json={}),  # no CSRF token
        client.head("/login"),
        client.options("/api/v1/observations"),
    ]
    for response in responses:
        assert_security_headers(response)


def test_a_server_error_carries_the_security_headers(app, world, monkeypatch):
    import webapp.api as api

    monkeypatch.setattr(api, "generate_csrf", lambda: 1 / 0)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = app.test_client().get("/api/v1/csrf-token")
    assert response.status_code == 500
    assert_security_headers(response)
