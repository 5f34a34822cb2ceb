"""Safety walks (trygghetsvandringar): plan, join by code, mark and rate, protocol, follow-up.

Settings (config/*.py or TRYGG_<NAME> in the environment; defaults below):
- WALK_JOIN_HOURS_AFTER: hours after the walk's end (or start) that its join code keeps working.
- WALK_JOIN_LIMIT: Flask-Limiter limit on join attempts per address.
- WALK_DUPLICATE_DISTANCE_M: marked spots of one category closer than this are suggested merged.
- WALK_PUBLIC_BASE_URL: base of the link in the QR code when the coordinator's own address is not
  the one residents reach (e.g. "https://trygg.sunne.se"); empty: the address of the request.
"""

from __future__ import annotations

from typing import Any

SETTINGS: dict[str, Any] = {
    "WALK_JOIN_HOURS_AFTER": 24,
    "WALK_JOIN_LIMIT": "10 per minute",
    "WALK_DUPLICATE_DISTANCE_M": 25,
    "WALK_PUBLIC_BASE_URL": "",
}


def apply_defaults(config: dict[str, Any]) -> None:
    for key, value in SETTINGS.items():
        config.setdefault(key, value)
