"""Behind the reverse proxy: X-Forwarded-* count exactly as deep as PROXY_COUNT says.

With one proxy (production's default) the client's address, the https scheme and the public host
come from the proxy's headers; with none, the same headers are a client's forgery and ignored.
"""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask, jsonify, request, url_for

from webapp import create_app

FORWARDED = {
    "REMOTE_ADDR": "127.0.0.1",  # the proxy, on the same host
    "HTTP_X_FORWARDED_FOR": "203.0.113.9",
    "HTTP_X_FORWARDED_PROTO": "https",
    "HTTP_X_FORWARDED_HOST": "trygg.example.se",
}


def probe_app(tmp_path, proxy_count: int) -> Flask:  # type: ignore[no-untyped-def]
    app = create_app(
        "testing",
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/proxy.sqlite",
            "PROXY_COUNT": proxy_count,
        },
    )

    def probe() -> Any:
        return jsonify(
            remote_addr=request.remote_addr,
            scheme=request.scheme,
            secure=request.is_secure,
            host=request.host,
            login_url=url_for("auth.login", _external=True),
        )

    app.add_url_rule("/_probe", "probe", probe)
    return app


def seen(app: Flask, **environ: str) -> dict[str, Any]:
    response = app.test_client().get("/_probe", environ_base=environ)
    assert response.status_code == 200
    return response.get_json()


def test_with_one_proxy_the_forwarded_address_scheme_and_host_are_honoured(tmp_path):
    app = probe_app(tmp_path, 1)

    view = seen(app, **FORWARDED)

    assert view["remote_addr"] == "203.0.113.9"
    assert view["scheme"] == "https" and view["secure"] is True
    assert view["host"] == "trygg.example.se"
    assert view["login_url"] == "https://trygg.example.se/login"


def test_with_one_proxy_only_the_address_the_proxy_added_counts(tmp_path):
    """A client's own X-Forwarded-For arrives first in the list; the proxy appends the real one."""
    app = probe_app(tmp_path, 1)

    view = seen(app, **{**FORWARDED, "HTTP_X_FORWARDED_FOR": "10.9.9.9, 203.0.113.9"})

    assert view["remote_addr"] == "203.0.113.9"


def test_without_a_proxy_forwarded_headers_are_ignored(tmp_path):
    app = probe_app(tmp_path, 0)

    view = seen(app, **FORWARDED)

    assert view["remote_addr"] == "127.0.0.1"
    assert view["scheme"] == "http" and view["secure"] is False
    assert view["host"] == "localhost"


@pytest.mark.parametrize("env_name, expected", [("production", 1), ("development", 0)])
def test_production_expects_one_proxy_and_development_none(monkeypatch, env_name, expected):
    monkeypatch.setenv("SECRET_KEY", "a-strong-test-key-" + "0123456789abcdefghijklmnop")
    from webapp.config import CONFIG_DIR

    namespace: dict[str, Any] = {}
    for name in ("default", env_name):
        exec((CONFIG_DIR / f"{name}.py").read_text(), namespace)  # noqa: S102 - our config files
    assert namespace["PROXY_COUNT"] == expected
