"""Configuration loading: files in config/, then the environment, then checks.

Order: config/default.py, config/<TRYGG_ENV>.py, environment variables prefixed TRYGG_
(e.g. TRYGG_GPS_ACCURACY_LIMIT_M=30, values parsed as JSON where possible), and finally the
two well-known variables SECRET_KEY and DATABASE_URL.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask
from flask.helpers import get_debug_flag

CONFIG_DIR = Path(__file__).resolve().parent.parent / "config"
ENVIRONMENTS = ("development", "production", "testing")

# Keys that must never be used in production, whatever their length.
KNOWN_WEAK_SECRETS = {
    "dev-only-insecure-key",
    "test-secret-key-not-for-production-0123456789",
    "secret",
    "changeme",
    "change-me",
    "password",
}
MIN_SECRET_LENGTH = 32
PHOTO_BACKENDS = ("database", "folder")  # webapp/core/blobs.py


class ConfigError(RuntimeError):
    """The configuration is unsafe or inconsistent; the message says what to change."""


def load_config(app: Flask, env_name: str | None, overrides: dict[str, Any] | None) -> str:
    env_name = env_name or os.environ.get("TRYGG_ENV", "development")
    if env_name not in ENVIRONMENTS:
        raise ConfigError(f"TRYGG_ENV must be one of {', '.join(ENVIRONMENTS)}, not {env_name!r}")
    app.config.from_pyfile(str(CONFIG_DIR / "default.py"))
    app.config.from_pyfile(str(CONFIG_DIR / f"{env_name}.py"))
    app.config.from_prefixed_env("TRYGG")
    if os.environ.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = os.environ["SECRET_KEY"]
    elif env_name == "production":
        app.config["SECRET_KEY"] = None
    if overrides:
        app.config.update(overrides)
    app.config["ENV_NAME"] = env_name
    app.config["SQLALCHEMY_DATABASE_URI"] = database_url(app)
    if app.config.get("PHOTO_BACKEND") not in PHOTO_BACKENDS:
        raise ConfigError(
            f"TRYGG_PHOTO_BACKEND must be one of {', '.join(PHOTO_BACKENDS)}, "
            f"not {app.config.get('PHOTO_BACKEND')!r}"
        )
    if env_name == "production":
        check_production(app.config)
    return env_name


def database_url(app: Flask) -> str:
    """DATABASE_URL wins; otherwise one SQLite file in the instance folder, zero set-up."""
    url = app.config.get("SQLALCHEMY_DATABASE_URI") or os.environ.get("DATABASE_URL")
    if not url:
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)
        return "sqlite:///" + str(Path(app.instance_path) / "trygg-sunne.sqlite")
    # Hosting platforms hand out postgres:// URLs; SQLAlchemy wants the driver named.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def check_production(config: dict[str, Any]) -> None:
    """Refuse to run production with settings that would expose sessions or data."""
    problems = []
    secret = config.get("SECRET_KEY") or ""
    if not secret:
        problems.append("SECRET_KEY is not set in the environment")
    elif secret in KNOWN_WEAK_SECRETS or len(secret) < MIN_SECRET_LENGTH:
        problems.append(
            f"SECRET_KEY is weak (use at least {MIN_SECRET_LENGTH} random characters, "
            'e.g. python -c "import secrets; print(secrets.token_urlsafe(48))")'
        )
    elif len(set(secret)) < 10:
        problems.append("SECRET_KEY is weak (too few distinct characters)")
    if config.get("DEBUG"):
        problems.append("DEBUG is on")
    if get_debug_flag():
        # `flask run --debug` sets this and switches on the interactive debugger after the app is
        # built, whatever DEBUG says: a remote Python console for anyone who can reach the server.
        problems.append("FLASK_DEBUG is set (it turns on the interactive debugger)")
    if config.get("TESTING"):
        problems.append("TESTING is on")
    for key in ("SESSION_COOKIE_SECURE", "REMEMBER_COOKIE_SECURE"):
        if not config.get(key):
            problems.append(f"{key} is off (cookies would travel over plain HTTP)")
    for key in ("SESSION_COOKIE_HTTPONLY", "REMEMBER_COOKIE_HTTPONLY"):
        if not config.get(key):
            problems.append(f"{key} is off (scripts could read the session cookie)")
    for key in ("SESSION_COOKIE_SAMESITE", "REMEMBER_COOKIE_SAMESITE"):
        if config.get(key) not in ("Lax", "Strict"):
            problems.append(f"{key} must be 'Lax' or 'Strict'")
    problems.extend(shared_store_problems(config))
    if problems:
        raise ConfigError("Refusing to start in production: " + "; ".join(problems) + ".")


def shared_store_problems(config: dict[str, Any]) -> list[str]:
    """Several worker processes need one rate-limit store: with memory:// each process counts
    on its own, so the per-address login limit would be multiplied by the number of workers.

    gunicorn tells the app how many workers it runs (TRYGG_WORKER_PROCESSES, set by the
    on_starting hook in deploy/gunicorn.conf.py).
    """
    try:
        workers = int(config.get("WORKER_PROCESSES") or 1)
    except (TypeError, ValueError):
        return ["TRYGG_WORKER_PROCESSES must be a number"]
    storage = str(config.get("RATELIMIT_STORAGE_URI") or "memory://")
    if workers > 1 and storage.startswith("memory://"):
        return [
            f"RATELIMIT_STORAGE_URI is {storage} but {workers} worker processes run (each would "
            "keep its own login counts); set TRYGG_RATELIMIT_STORAGE_URI=redis://... "
            "or run one worker"
        ]
    return []
