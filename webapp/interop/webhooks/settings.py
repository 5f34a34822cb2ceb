"""Settings of the webhooks, with their defaults; any of them can be set in config/ or TRYGG_*."""

from __future__ import annotations

from typing import Any

from flask import current_app

DEFAULTS: dict[str, Any] = {
    # Seconds to wait before each attempt of one event: immediately, 5 s, 5 min, 30 min, 2 h,
    # 5 h, 10 h, 10 h (8 attempts). Small installations and tests may shorten it.
    "WEBHOOK_RETRY_SCHEDULE": [0, 5, 300, 1800, 7200, 18000, 36000, 36000],
    # A receiver's Retry-After (on 429 and 503) is honoured up to this many seconds.
    "WEBHOOK_RETRY_AFTER_MAX": 24 * 3600,
    "WEBHOOK_TIMEOUT_SECONDS": 15,
    # How often the worker looks for deliveries that are due (webapp/ops/jobs.py).
    "WEBHOOK_POLL_SECONDS": 2,
    # Receivers must be https; only development and tests may switch this off.
    "WEBHOOK_REQUIRE_HTTPS": True,
    # Private, loopback and link-local receivers are refused unless named here:
    # networks in CIDR form ("10.1.2.0/24"), host names exactly as in the URL.
    "WEBHOOK_ALLOWED_NETWORKS": [],
    "WEBHOOK_ALLOWED_HOSTS": [],
    # Deliveries one run of the worker attempts at most.
    "WEBHOOK_BATCH_SIZE": 100,
}


def setting(name: str) -> Any:
    return current_app.config.get(name, DEFAULTS[name])
