"""Settings of the police events import, with their defaults; config/ or TRYGG_* may override."""

from __future__ import annotations

from typing import Any

from flask import current_app

DEFAULTS: dict[str, Any] = {
    "POLICE_EVENTS_URL": "https://polisen.se/api/events",
    # The police's location names, separated by ";" (their own filter syntax).
    "POLICE_EVENTS_LOCATIONS": "Sunne;Värmlands län",
    # County-level events are kept only when their name or summary names the kommun.
    "POLICE_EVENTS_KOMMUN": "Sunne",
    # The publisher asks every caller to name itself; {contact} is POLICE_EVENTS_CONTACT.
    "POLICE_EVENTS_USER_AGENT": "TryggSunne/1.0 (Sunne kommun; {contact})",
    "POLICE_EVENTS_CONTACT": "",
    # The publisher's rules: at least 10 s between calls, at most 60 an hour, 1440 a day.
    "POLICE_EVENTS_MIN_INTERVAL_S": 10,
    "POLICE_EVENTS_MAX_PER_HOUR": 60,
    "POLICE_EVENTS_MAX_PER_DAY": 1440,
    # After a 429 or 503: wait at least this long (or the Retry-After, if longer).
    "POLICE_EVENTS_BACKOFF_S": 600,
    "POLICE_EVENTS_TIMEOUT_S": 20,
    # Tests serve a recorded answer on 127.0.0.1 over http; nothing else may skip HTTPS.
    "POLICE_EVENTS_ALLOW_LOOPBACK_HTTP": False,
}


def setting(name: str) -> Any:
    return current_app.config.get(name, DEFAULTS[name])
