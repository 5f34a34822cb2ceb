"""Settings of citizen voice, with their defaults; any of them can be set in config/ or TRYGG_*.

Kept here rather than in config/default.py so the feature reads as one package; the app config
wins whenever it names a key.
"""

from __future__ import annotations

from typing import Any

from flask import current_app

DEFAULTS: dict[str, Any] = {
    # Public reports per address (Flask-Limiter syntax). A household or a school on one address
    # reports a few places; a script reports hundreds.
    "CITIZEN_REPORT_LIMIT": "10 per hour;30 per day",
    # A report is a few hundred bytes of JSON; anything bigger is not a person typing.
    "CITIZEN_REPORT_MAX_BYTES": 8 * 1024,
    "CITIZEN_TEXT_MAX_LENGTH": 1000,
    # Seconds between the page being served and the first submission it may carry.
    "CITIZEN_MIN_FILL_SECONDS": 3,
    # Survey submissions per address (kept in the limiter's memory only, never with answers).
    "SURVEY_ANSWER_LIMIT": "30 per hour",
    "SURVEY_MAX_POINTS": 5,
    # The area public reports and survey points must lie in.
    "CITIZEN_AREA_CODE": "sunne-kommun",
}


def setting(name: str) -> Any:
    return current_app.config.get(name, DEFAULTS[name])
