"""Settings of the Open311 interface, with their defaults; config/ or TRYGG_* may override any."""

from __future__ import annotations

from typing import Any

from flask import current_app

DEFAULTS: dict[str, Any] = {
    # Only checked when a caller sends one: a single endpoint serves a single jurisdiction.
    "OPEN311_JURISDICTION_ID": "sunne.se",
    "OPEN311_CONTACT": "Trygg Sunne, trygghetssamordnaren, Sunne kommun",
    "OPEN311_KEY_SERVICE": "En API-nyckel beställs hos trygghetssamordnaren i Sunne kommun.",
    # Flask-Limiter syntax. POST per key (or address without a key), GET per address.
    "OPEN311_POST_LIMIT": "60 per hour;500 per day",
    "OPEN311_GET_LIMIT": "120 per minute",
    "OPEN311_MAX_BYTES": 16 * 1024,
}


def setting(name: str) -> Any:
    return current_app.config.get(name, DEFAULTS[name])
