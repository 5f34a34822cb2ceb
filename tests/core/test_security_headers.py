"""Security headers on every kind of response: pages, JSON, errors and redirects."""

from __future__ import annotations

import re
import secrets

import pytest

from tests.auth.helpers import build_app
from tests.conftest import login


def csp_directives(response) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    header = response.headers.get("Content-Security-Policy")
    assert header, "no Content-Security-Policy header"
    directives: dict[str, list[str]] = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


def assert_security_headers(response) -> None:  # type: ignore[no-untyped-def]
    csp = csp_directives(response)
    assert csp["frame-ancestors"] == ["'none'"]
    script_src = csp.get("script-src", csp.get("default-src"))
    assert "'unsafe-eval'" not in script_src
    assert "'unsafe-inline'" not in script_src
    assert "'self'" in script_src
    # Police data must not leak its viewers to third parties: no outside script hosts.
    assert all(s in ("'self'",) or s.startswith("'nonce-") for s in script_src), script_src
    assert csp["object-src"] == ["'none'"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] in ("same-origin", "no-referrer", "strict-origin")


@pytest.mark.parametrize("path", ["/login", "/help/install", "/offline"])
def test_public_pages_carry_the_security_headers(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert_security_headers(response)


def test_pages_of_a_logged_in_user_carry_the_security_headers(client, officer):
    login(client, officer)
    for path in ("/", "/field/new", "/field/mine"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert_security_headers(response)


@pytest.mark.parametrize(
    "path", ["/api/v1/categories", "/api/v1/csrf-token", "/api/v1/me", "/api/v1/nothing-here"]
)
def test_api_responses_carry_the_security_headers(client, path):
    assert_security_headers(client.get(path))


def test_error_pages_and_redirects_carry_the_security_headers(client):
    assert_security_headers(client.get("/no-such-page"))
    assert_security_headers(client.get("/"))  # redirect to the login page


def test_every_script_on_a_page_carries_the_nonce_of_its_response(client):
    response = client.get("/login")
    html = response.get_data(as_text=True)
    nonces = [
        s[len("'nonce-") : -1] for s in csp_directives(response)["script-src"] if "nonce" in s
    ]
    assert len(nonces) == 1
    scripts = re.findall(r"<script\b[^>]*>", html)
    assert scripts
    for tag in scripts:
        assert f'nonce="{nonces[0]}"' in tag, tag
    assert nonces[0] not in client.get("/login").get_data(as_text=True)  # fresh per response


def test_no_inline_event_handlers_in_the_base_page(client):
    html = client.get("/login").get_data(as_text=True)
    assert not re.search(r"\son[a-z]+\s*=", html)


def test_images_may_come_from_the_configured_tile_server_only(client):
    img_src = csp_directives(client.get("/login"))["img-src"]
    assert "https://tile.openstreetmap.org" in img_src
    assert "*" not in img_src


def test_tile_server_with_subdomains_is_allowed_by_wildcard(app, monkeypatch, tmp_path):
    other = build_app(
        monkeypatch,
        "testing",
        {
            "SQLALCHEMY_DATABASE_URI": "sqlite:///" + str(tmp_path / "tiles.sqlite"),
            "TILE_URL": "https://{s}.tiles.example.org/{z}/{x}/{y}.png",
        },
    )
    img_src = csp_directives(other.test_client().get("/offline"))["img-src"]
    assert "https://*.tiles.example.org" in img_src
    assert "https://tile.openstreetmap.org" not in img_src

    # Building a second app must not change the first one's policy.
    assert (
        "https://tile.openstreetmap.org"
        in csp_directives(app.test_client().get("/offline"))["img-src"]
    )


def test_production_sends_hsts_over_https_and_tests_do_not(app, monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", secrets.token_urlsafe(48))
    production = build_app(
        monkeypatch,
        "production",
        {"SQLALCHEMY_DATABASE_URI": "sqlite:///" + str(tmp_path / "prod.sqlite")},
    )
    secure = production.test_client().get("/offline", base_url="https://trygg.example")
    assert "max-age=" in secure.headers["Strict-Transport-Security"]

    local = app.test_client().get("/offline", base_url="https://localhost")
    assert "Strict-Transport-Security" not in local.headers
