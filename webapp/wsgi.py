"""WSGI entry point for production servers.

    gunicorn -c deploy/gunicorn.conf.py            # wsgi_app = "webapp.wsgi:app"

Settings come from the environment as everywhere (TRYGG_ENV=production, SECRET_KEY, DATABASE_URL,
TRYGG_RATELIMIT_STORAGE_URI); the app refuses to start with unsafe ones.
"""

from __future__ import annotations

import os

from flask import Flask

from webapp import create_app
from webapp.config import KNOWN_WEAK_SECRETS, ConfigError


def production_app() -> Flask:
    """The app for a real server: TRYGG_ENV must be named, and never with the development key.

    Without TRYGG_ENV create_app() would fall back to development (demo-friendly settings, a
    secret key everyone can read in config/default.py): fine for `flask run`, never here.
    """
    env_name = os.environ.get("TRYGG_ENV", "").strip()
    if not env_name:
        raise ConfigError(
            "Refusing to start: set TRYGG_ENV (production on a server) for webapp.wsgi."
        )
    app = create_app(env_name)
    if (app.config.get("SECRET_KEY") or "") in KNOWN_WEAK_SECRETS:
        raise ConfigError(
            "Refusing to start: the development SECRET_KEY is in use; set SECRET_KEY."
        )
    return app


def __getattr__(name: str) -> Flask:
    """`webapp.wsgi:app` is built when a server asks for it (gunicorn looks it up by name), so
    importing the module alone, e.g. to list the app's forms, starts nothing."""
    if name != "app":
        raise AttributeError(name)
    app = production_app()
    globals()["app"] = app
    return app
