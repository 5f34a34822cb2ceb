"""The production server: deploy/gunicorn.conf.py loads, and gunicorn serves the real app with it.

The second test starts gunicorn for real (a few seconds) with TRYGG_ENV=production on a
throw-away SQLite file, as deploy/systemd/trygg-sunne.service does with PostgreSQL.
"""

from __future__ import annotations

import http.client
import importlib.util
import re
import secrets

import pytest

from webapp import ROOT

CONF = ROOT / "deploy" / "gunicorn.conf.py"


def test_the_gunicorn_config_is_valid_and_runs_several_single_threaded_workers(monkeypatch):
    pytest.importorskip("gunicorn")
    from gunicorn.config import Config

    for name in ("WEB_CONCURRENCY", "TRYGG_THREADS", "TRYGG_BIND"):
        monkeypatch.delenv(name, raising=False)
    namespace: dict[str, object] = {"__file__": str(CONF)}
    exec(compile(CONF.read_text(), str(CONF), "exec"), namespace)  # noqa: S102 - our own file
    config = Config()
    for key, value in namespace.items():
        if key in config.settings:
            config.set(key, value)
    assert config.workers >= 2
    # gthread for the proxy's keep-alive connections; one thread each (the figures in the file)
    assert config.worker_class_str == "gthread" and config.threads == 1
    assert config.wsgi_app == "webapp.wsgi:app"
    assert config.bind == ["127.0.0.1:8000"]  # only the proxy on this host reaches it
    assert config.keepalive > 20  # longer than nginx's upstream keepalive_timeout (20 s)
    unknown = {k for k in namespace if not k.startswith("_") and k != "os"} - set(config.settings)
    assert not unknown, f"gunicorn ignores these settings: {unknown}"


def test_gunicorn_serves_the_production_app(tmp_path):
    if importlib.util.find_spec("gunicorn") is None:
        pytest.skip("gunicorn is not installed (pip install -e .)")
    from bench.server import gunicorn

    env = {
        "TRYGG_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(48),
        "DATABASE_URL": f"sqlite:///{tmp_path}/prod.sqlite",
        "TRYGG_PHOTO_DIR": str(tmp_path / "photos"),
        # One worker: several need a shared rate-limit store (see the test below).
        "WEB_CONCURRENCY": "1",
    }
    with gunicorn(env, log=tmp_path / "gunicorn.log", app_uri="webapp.wsgi:app") as base:
        port = int(base.rsplit(":", 1)[1])
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.request("GET", "/login", headers={"X-Forwarded-Proto": "https"})
        login = conn.getresponse()
        html = login.read().decode()
        assert login.status == 200
        assert "Secure" in login.getheader("Set-Cookie", "")
        assert "max-age=" in login.getheader("Strict-Transport-Security", "")
        script = re.search(r'src="(/static/js/app\.js\?v=[0-9a-f]{12})"', html).group(1)
        conn.request("GET", script)
        asset = conn.getresponse()
        asset.read()
        assert asset.status == 200
        assert "immutable" in asset.getheader("Cache-Control", "")
        conn.close()
