"""Numbers and dates as the reader's locale writes them (Swedish by default: "1 234,5").

Everything goes through Flask-Babel, so the locale and the Europe/Stockholm time zone are the
request's. Swedish groups digits with a no-break space; tests normalise it to a space.
"""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import format_date, format_datetime, format_decimal, format_percent
from flask_babel import gettext as _


def number(value: float | int | None, decimals: int = 0) -> str:
    if value is None:
        return "–"
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(round(value, decimals), format=pattern)


def hours(value: float) -> str:
    return number(value, 1)


def share(value: float | None) -> str:
    return "–" if value is None else format_percent(value)


def rating(value: float | None) -> str:
    return number(value, 1) if value is not None else "–"


def signed(value: float, decimals: int = 0) -> str:
    """A change with its sign: "+3", "−2", "±0"."""
    if round(value, decimals) == 0:
        return "±0"
    text = number(abs(value), decimals)
    return ("+" if value > 0 else "−") + text


def change(current: float, previous: float, decimals: int = 0) -> str:
    """ "+3 (+25 %)" against the previous period; "new" when there was nothing before."""
    difference = signed(current - previous, decimals)
    if round(current - previous, decimals) == 0:
        return difference
    # A no-break space: "+23" on one line and "(+256 %)" on the next reads as two figures.
    if previous == 0:
        return f"{difference}\u00a0({_('new')})"
    ratio = (current - previous) / previous
    if round(abs(ratio), 2) == 0:  # "−0 %" helps nobody: the difference says it
        return difference
    sign = "+" if ratio > 0 else "−"
    return f"{difference}\u00a0({sign}{format_percent(abs(ratio))})"


def day(value: date | datetime) -> str:
    return format_date(value, "long")


def short_day(value: date | datetime) -> str:
    return format_date(value, "medium")


def moment(value: datetime) -> str:
    return format_datetime(value, "medium")


def month(value: date) -> str:
    return format_date(value, "LLL")


def month_year(value: date) -> str:
    return format_date(value, "LLLL y")


def period(first: date, last: date) -> str:
    return f"{day(first)} – {day(last)}"


def short_period(first: date, last: date) -> str:
    """ "1 juli – 30 sep. 2026": the year once when both days share it (a quick period's dates
    beside its name, on one line of a phone)."""
    if first.year == last.year:
        return f"{format_date(first, 'd MMM')} – {short_day(last)}"
    return f"{short_day(first)} – {short_day(last)}"
