"""The report's default period: the year so far, or in January the year that ended."""

from __future__ import annotations

from datetime import date

import pytest

from webapp.reports.period import default_period


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
