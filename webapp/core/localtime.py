"""Sunne's local day: what "today" means to the people using the app.

Deadlines, rechecks and "overdue" are Swedish calendar days. The server's own clock zone is
usually UTC (containers, CI), where `date.today()` is still yesterday for the first one or two
hours of every Swedish day: a measure due today would not yet show as due, and one due
yesterday would be accepted as a new deadline. Everything asks this module instead.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from functools import lru_cache
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context

DEFAULT_ZONE = "Europe/Stockholm"
# For code that runs without the app's config (models, demo data, SQL week numbers): weeks and
# days are Swedish whatever the server's zone. Everything else asks local_zone().
SUNNE_ZONE = ZoneInfo(DEFAULT_ZONE)


@lru_cache(maxsize=8)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def local_zone() -> ZoneInfo:
    """The app's zone (BABEL_DEFAULT_TIMEZONE), also outside a request (the worker, scripts)."""
    name = current_app.config.get("BABEL_DEFAULT_TIMEZONE") if has_app_context() else None
    return _zone(name or DEFAULT_ZONE)


def local_today(now: datetime | None = None) -> date:
    """The local calendar day at `now` (default: this moment)."""
    return (now or datetime.now(UTC)).astimezone(local_zone()).date()


def local_midnight_utc(day: date) -> datetime:
    """The UTC moment Sunne's day `day` begins (zoneinfo resolves the DST gap and fold)."""
    return datetime.combine(day, time(0), tzinfo=SUNNE_ZONE).astimezone(UTC)
