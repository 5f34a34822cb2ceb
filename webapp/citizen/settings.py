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
    # How long a form token may be used (once). A survey left open longer comes back filled in
    # with a fresh token; a report's outbox fetches a fresh token when it sends.
    "CITIZEN_FORM_MAX_AGE_SECONDS": 2 * 3600,
    # Fresh tokens for a phone's outbox per address (one per report it sends, plus retries).
    "CITIZEN_FORM_REFRESH_LIMIT": "60 per hour",
    # Follow-up pages (/report/<uuid>) per address. A household looks at a few reports now and
    # then; guessing UUIDs is hopeless anyway, but the open map's ids could be walked in bulk.
    "CITIZEN_FOLLOW_LIMIT": "30 per minute;300 per hour",
    # Reports stored per address and day, and answers per survey, address and day (counted in
    # the database, so they hold across processes and nodes). Several phones may share an
    # address (a household, a school, a mobile operator's NAT): a cap, not a one-per-person rule.
    "CITIZEN_REPORT_DAILY_CAP": 20,
    "SURVEY_DAILY_CAP": 20,
    # Survey submissions per address (kept in the limiter's memory only, never with answers).
    "SURVEY_ANSWER_LIMIT": "30 per hour",
    "SURVEY_MAX_POINTS": 5,
    # The area public reports and survey points must lie in.
    "CITIZEN_AREA_CODE": "sunne-kommun",
}


def setting(name: str) -> Any:
    return current_app.config.get(name, DEFAULTS[name])
