"""The report's default period: the year so far, or in January the year that ended."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from webapp.reports.period import Period, default_period, quick_periods


@pytest.mark.parametrize(
    ("today", "first", "last"),
    [
        (date(2026, 12, 7), date(2026, 1, 1), date(2026, 12, 7)),
        (date(2026, 2, 1), date(2026, 1, 1), date(2026, 2, 1)),
        # A few days of a new year say nothing yet: January follows up the year before.
        (date(2027, 1, 1), date(2026, 1, 1), date(2026, 12, 31)),
        (date(2027, 1, 31), date(2026, 1, 1), date(2026, 12, 31)),
    ],
)
def test_the_default_period(today: date, first: date, last: date) -> None:
    period = default_period(today)
    assert (period.first, period.last) == (first, last)


def test_the_quick_periods_are_counted_in_sunne_time(app) -> None:  # type: ignore[no-untyped-def]
    """This year so far, the last quarter and last year; 00:30 on New Year's Day in Sunne is
    still 31 December in UTC, and the new year has begun."""
    with app.app_context():
        december = dict(quick_periods(datetime(2026, 12, 7, 12, tzinfo=UTC)))
        new_year = dict(quick_periods(datetime(2026, 12, 31, 23, 30, tzinfo=UTC)))
    assert list(december) == ["this_year", "last_quarter", "last_year"]
    assert december["this_year"] == Period(date(2026, 1, 1), date(2026, 12, 7))
    assert december["last_quarter"] == Period(date(2026, 7, 1), date(2026, 9, 30))
    assert december["last_year"] == Period(date(2025, 1, 1), date(2025, 12, 31))
    assert new_year["this_year"] == Period(date(2027, 1, 1), date(2027, 1, 1))
    assert new_year["last_year"] == Period(date(2026, 1, 1), date(2026, 12, 31))
