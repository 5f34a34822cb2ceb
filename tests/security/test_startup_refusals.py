"""Issue 16, smaller: production refuses a per-process rate-limit store with several workers,
and webapp.wsgi refuses to start without TRYGG_ENV or with the development key."""

from __future__ import annotations

import importlib.util
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from tests.auth.helpers import build_app
from webapp import ROOT
from webapp.config import ConfigError

STRONG_KEY = secrets.token_urlsafe(48)


@pytest.fixture
def prod_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> pytest.MonkeyPatch:
    for name in list(os.environ):
        if name.startswith("TRYGG_") or name in ("SECRET_KEY", "FLASK_DEBUG"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("SECRET_KEY", STRONG_KEY)
    monkeypatch.setenv("DATABASE_URL", "sqlite:///" + str(tmp_path / "prod.sqlite"))
    return monkeypatch


def test_production_refuses_memory_rate_limits_with_several_workers(prod_env):
    prod_env.setenv("TRYGG_WORKER_PROCESSES", "4")

    with pytest.raises(ConfigError) as caught:
        build_app(prod_env, "production")

    assert "RATELIMIT_STORAGE_URI is memory://" in str(caught.value)
    assert "4 worker processes" in str(caught.value)


def test_production_with_one_worker_or_a_shared_store_starts(prod_env):
    prod_env.setenv("TRYGG_WORKER_PROCESSES", "1")
    assert build_app(prod_env, "production").config["ENV_NAME"] == "production"

    prod_env.setenv("TRYGG_WORKER_PROCESSES", "4")
    prod_env.setenv("TRYGG_RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379/0")
    assert build_app(prod_env, "production").config["ENV_NAME"] == "production"


def test_the_gunicorn_config_tells_the_app_its_worker_count(monkeypatch):
    pytest.importorskip("gunicorn")
    conf = ROOT / "deploy" / "gunicorn.conf.py"
    namespace: dict[str, object] = {"__file__": str(conf)}
    exec(compile(conf.read_text(), str(conf), "exec"), namespace)  # noqa: S102 - our own file
    # Set first, so that the test's end restores the environment whatever the hook writes.
    monkeypatch.setenv("TRYGG_WORKER_PROCESSES", "0")

    class Server:
        class cfg:  # noqa: N801 - gunicorn's attribute name
            workers = 3

    namespace["on_starting"](Server())  # type: ignore[operator]

    assert os.environ["TRYGG_WORKER_PROCESSES"] == "3"


def test_gunicorn_with_two_workers_and_memory_limits_does_not_start(tmp_path):
    if importlib.util.find_spec("gunicorn") is None:
        pytest.skip("gunicorn is not installed (pip install -e .)")
    from bench.server import gunicorn

    env = {
        "TRYGG_ENV": "production",
        "SECRET_KEY": STRONG_KEY,
        "DATABASE_URL": f"sqlite:///{tmp_path}/prod.sqlite",
        "TRYGG_PHOTO_DIR": str(tmp_path / "photos"),
        "WEB_CONCURRENCY": "2",
        "TRYGG_RATELIMIT_STORAGE_URI": "memory://",
    }
    log = tmp_path / "gunicorn.log"
    with (
        pytest.raises(RuntimeError, match="exited"),
        gunicorn(env, log=log, app_uri="webapp.wsgi:app"),
    ):
        pass
    assert "RATELIMIT_STORAGE_URI is memory://" in log.read_text()


def _import_wsgi(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("TRYGG_")}
    clean.pop("SECRET_KEY", None)
    return subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-c", "from webapp.wsgi import app"],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_wsgi_refuses_to_start_without_trygg_env(tmp_path):
    result = _import_wsgi({"DATABASE_URL": f"sqlite:///{tmp_path}/x.sqlite"})

    assert result.returncode != 0
    assert "set TRYGG_ENV" in result.stderr


def test_wsgi_refuses_the_development_key(tmp_path):
    result = _import_wsgi(
        {"TRYGG_ENV": "development", "DATABASE_URL": f"sqlite:///{tmp_path}/x.sqlite"}
    )

    assert result.returncode != 0
    assert "development SECRET_KEY" in result.stderr


def test_wsgi_starts_with_a_named_environment_and_a_real_key(tmp_path):
    result = _import_wsgi(
        {
            "TRYGG_ENV": "development",
            "SECRET_KEY": STRONG_KEY,
            "DATABASE_URL": f"sqlite:///{tmp_path}/x.sqlite",
        }
    )

    assert result.returncode == 0, result.stderr
