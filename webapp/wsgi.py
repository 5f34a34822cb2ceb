"""WSGI entry point for production servers.

    gunicorn -c deploy/gunicorn.conf.py            # wsgi_app = "webapp.wsgi:app"

Settings come from the environment as everywhere (TRYGG_ENV=production, SECRET_KEY, DATABASE_URL,
TRYGG_RATELIMIT_STORAGE_URI); the app refuses to start with unsafe ones.
"""

from __future__ import annotations

from . import create_app

app = create_app()
