"""Logging in the way a browser does: fetch the form, send it back with its CSRF token."""

from __future__ import annotations

import re
from html import unescape
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.conftest import PASSWORD, form_csrf_token
from webapp import create_app


def login_form(
    client: FlaskClient,
    username: str,
    password: str = PASSWORD,
    *,
    next_url: str | None = None,
    base_url: str = "http://localhost",
) -> TestResponse:
    """GET /login (with ?next= if given), then POST the form as rendered, hidden fields included.

    Like a browser, the POST carries a same-origin Referer (Flask-WTF requires it over HTTPS).
    """
    page = client.get(
        "/login",
        query_string={"next": next_url} if next_url is not None else None,
        base_url=base_url,
    )
    html = page.get_data(as_text=True)
    data = {"username": username, "password": password, "csrf_token": form_csrf_token(html)}
    hidden_next = re.search(r'<input id="next" name="next" type="hidden" value="([^"]*)"', html)
    if hidden_next:
        data["next"] = unescape(hidden_next.group(1))
    return client.post(
        "/login", data=data, base_url=base_url, headers={"Referer": base_url + "/login"}
    )


def logout_form(client: FlaskClient) -> TestResponse:
    html = client.get("/").get_data(as_text=True)
    return client.post("/logout", data={"csrf_token": form_csrf_token(html)})


def location_path(response: TestResponse) -> str:
    """The path a redirect points to, after checking it stays on this site."""
    location = response.headers["Location"]
    parts = urlsplit(location)
    assert parts.scheme in ("", "http", "https"), location
    assert parts.netloc in ("", "localhost"), location
    return parts.path


def build_app(
    monkeypatch: pytest.MonkeyPatch, env_name: str, overrides: dict[str, Any] | None = None
) -> Flask:
    """A second app in this process (production settings, extra test routes)."""
    return create_app(env_name, overrides)
