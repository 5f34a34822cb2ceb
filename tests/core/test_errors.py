"""Errors: friendly Swedish pages for people, JSON for the API, never a stack trace."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from tests.auth.helpers import build_app
from tests.conftest import api_post, login
from webapp.extensions import db


def test_unknown_page_gets_a_swedish_404_page(client):
    response = client.get("/finns-inte")

    assert response.status_code == 404
    assert response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    assert "Hittades inte." in html
    assert "Felkod" in html and "404" in html
    assert "Not found" not in html


def test_unknown_page_in_english_when_english_is_chosen(client):
    response = client.get("/finns-inte", headers={"Accept-Language": "en"})
    assert "Not found." in response.get_data(as_text=True)


def test_unknown_api_path_gets_json_404(client):
    response = client.get("/api/v1/finns-inte")

    assert response.status_code == 404
    assert response.is_json
    assert response.get_json() == {"error": {"code": "not_found", "message": "Hittades inte."}}


def test_unknown_api_version_gets_json_404(client):
    response = client.get("/api/v2/observations")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("method", ["POST", "DELETE", "PUT", "PATCH"])
def test_wrong_method_under_api_gets_json_405(client, method):
    response = client.open("/api/v1/categories", method=method)

    assert response.status_code == 405
    assert response.get_json()["error"]["code"] == "method_not_allowed"
    assert "GET" in response.headers["Allow"]


def test_wrong_method_on_a_page_gets_an_html_405(client):
    response = client.get("/logout")

    assert response.status_code == 405
    assert response.mimetype == "text/html"
    assert "POST" in response.headers["Allow"]


def test_forbidden_page_is_a_friendly_html_page(client, admin):
    login(client, admin)

    response = client.get("/field/new")

    assert response.status_code == 403
    assert "Du har inte behörighet till detta." in response.get_data(as_text=True)


def test_too_large_api_upload_gets_json_413(app, client, officer):
    app.config["MAX_CONTENT_LENGTH"] = 1000
    login(client, officer)

    response = api_post(client, "/api/v1/observations", {"note": "x" * 5000})

    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "too_large"


def test_malformed_json_gets_json_400_not_500(client, officer):
    from tests.conftest import csrf_token

    login(client, officer)
    response = client.post(
        "/api/v1/observations",
        data="{not json",
        content_type="application/json",
        headers={"X-CSRFToken": csrf_token(client)},
    )

    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "invalid_json"


class Boom(RuntimeError):
    pass


SECRET_DETAIL = "internal detail: /srv/trygg/secret.py line 42"


@pytest.fixture
def failing_app(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Flask]:
    """A fresh app with routes that raise (routes cannot be added once an app has served)."""
    app = build_app(
        monkeypatch,
        "testing",
        {"SQLALCHEMY_DATABASE_URI": "sqlite:///" + str(tmp_path / "errors.sqlite")},
    )

    def boom() -> str:
        raise Boom(SECRET_DETAIL)

    app.add_url_rule("/test-boom", "test_boom", boom)
    app.add_url_rule("/api/v1/test-boom", "test_boom_api", boom)
    yield app
    with app.app_context():
        db.engine.dispose()


def test_a_failing_page_gets_a_500_page_without_a_stack_trace(failing_app):
    response = failing_app.test_client().get("/test-boom")

    assert response.status_code == 500
    assert response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    assert "Något gick fel hos oss." in html
    assert "Traceback" not in html
    assert SECRET_DETAIL not in html
    assert "Boom" not in html


def test_a_failing_api_call_gets_json_500_without_details(failing_app):
    response = failing_app.test_client().get("/api/v1/test-boom")

    assert response.status_code == 500
    body = response.get_json()
    assert body["error"]["code"] == "server_error"
    assert SECRET_DETAIL not in response.get_data(as_text=True)


def test_a_failure_is_logged_with_its_stack_trace_for_the_operator(failing_app, caplog):
    with caplog.at_level(logging.ERROR):
        failing_app.test_client().get("/test-boom")

    records = [r for r in caplog.records if r.exc_info and r.exc_info[0] is Boom]
    assert records, "the exception was not logged"
    assert "/test-boom" in records[0].getMessage()


def test_error_responses_keep_the_security_headers(failing_app):
    response = failing_app.test_client().get("/test-boom")
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
