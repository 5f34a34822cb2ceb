"""Report periods: whole local days in Europe/Stockholm, turned into UTC bounds.

A period runs from local midnight of its first day to local midnight after its last day, so a
day is 23 hours in March and 25 hours in October and nothing near 02:00 is lost or counted twice.
Months are local months, bucketed by their UTC bounds so the database needs no time zone support.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from webapp.core.fieldinput import from_iso
from webapp.core.localtime import SUNNE_ZONE, local_midnight_utc, local_today

if TYPE_CHECKING:
    from sqlalchemy import ColumnElement

LOCAL_ZONE = SUNNE_ZONE
# A council report covers a year or two; longer periods are more likely a typo than a wish.
MAX_DAYS = 3 * 366
MIN_YEAR, MAX_YEAR = 2000, 2100


@dataclass(frozen=True)
class Month:
    first: date  # the first local day of the month (may lie before the period)
    start: datetime  # UTC bounds clipped to the period
    end: datetime


@dataclass(frozen=True)
class Period:
    first: date  # first local day, included
    last: date  # last local day, included

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    @property
    def start(self) -> datetime:
        return local_midnight_utc(self.first)

    @property
    def end(self) -> datetime:
        """Exclusive: local midnight after the last day."""
        return local_midnight_utc(self.last + timedelta(days=1))

    def covers(self, column: ColumnElement[datetime]) -> ColumnElement[bool]:
        """The SQL condition that the UTC time in `column` lies in the period."""
        return (column >= self.start) & (column < self.end)

    def previous(self) -> Period:
        """The period of equal length in days just before this one (the weekly picture's)."""
        return Period(self.first - timedelta(days=self.days), self.first - timedelta(days=1))

    def year_before(self) -> Period:
        """The same dates a year earlier: the council's comparison, free of the seasons (an
        autumn compared with a summer says little). A period longer than a year goes back as
        many whole years as it needs not to overlap itself; 29 February becomes the 28th."""
        years = 1
        while _years_back(self.last, years) >= self.first:
            years += 1
        return Period(_years_back(self.first, years), _years_back(self.last, years))

    def months(self) -> list[Month]:
        months = []
        first = self.first.replace(day=1)
        while first <= self.last:
            following = (first + timedelta(days=32)).replace(day=1)
            start = max(local_midnight_utc(first), self.start)
            end = min(local_midnight_utc(following), self.end)
            months.append(Month(first=first, start=start, end=end))
            first = following
        return months

    def query_args(self) -> dict[str, str]:
        return {"from": self.first.isoformat(), "to": self.last.isoformat()}


def _years_back(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year without one
        return day.replace(year=day.year - years, day=28)


class PeriodError(ValueError):
    def __init__(self, fields: dict[str, str]) -> None:
        super().__init__(fields)
        self.fields = fields


def default_period(today: date | None = None) -> Period:
    """The current calendar year up to today: what the council usually asks about.

    In January it is the whole year before: a few days of a new year say nothing yet, and
    January is when the council follows up the year that ended.
    """
    today = today or local_today()
    if today.month == 1:
        return Period(date(today.year - 1, 1, 1), date(today.year - 1, 12, 31))
    return Period(today.replace(month=1, day=1), today)


def last_quarter(now: datetime | None = None) -> Period:
    """The calendar quarter before the one Sunne is in at `now` (default: this moment).

    Asked as a moment, not a day: from midnight to 02:00 on 1 April Sunne is in the second
    quarter while the server's UTC clock still says 31 March.
    """
    today = local_today(now)
    this_quarter = date(today.year, _quarter_month(today.month), 1)
    last = this_quarter - timedelta(days=1)
    return Period(date(last.year, _quarter_month(last.month), 1), last)


def this_year(now: datetime | None = None) -> Period:
    """From 1 January of the year Sunne is in at `now` up to that day."""
    today = local_today(now)
    return Period(date(today.year, 1, 1), today)


def last_year(now: datetime | None = None) -> Period:
    """The whole calendar year before the one Sunne is in at `now`."""
    year = local_today(now).year - 1
    return Period(date(year, 1, 1), date(year, 12, 31))


def quick_periods(now: datetime | None = None) -> list[tuple[str, Period]]:
    """The report's one-tap periods, by key: this year so far, the last quarter, last year.

    All of them always: after one is chosen the others stay, so the reader can go back (only
    "last quarter" was offered, and it stayed the only choice once chosen).
    """
    return [
        ("this_year", this_year(now)),
        ("last_quarter", last_quarter(now)),
        ("last_year", last_year(now)),
    ]


def _quarter_month(month: int) -> int:
    """The first month of the quarter `month` is in: 1, 4, 7 or 10."""
    return 3 * ((month - 1) // 3) + 1


def _day(value: str | None, key: str, errors: dict[str, str]) -> date | None:
    if not value:
        return None
    day = from_iso(date.fromisoformat, value)
    if day is None:
        errors[key] = _("Write the date as YYYY-MM-DD.")
        return None
    # Far-off years are typos, and year 1 would overflow when the previous period is computed.
    if not MIN_YEAR <= day.year <= MAX_YEAR:
        errors[key] = _(
            "Choose a date between %(first)s and %(last)s.", first=MIN_YEAR, last=MAX_YEAR
        )
        return None
    return day


def parse_period(args: MultiDict, default: Period | None = None) -> Period:
    """`from` and `to` (local days, both included); either missing takes the default's."""
    errors: dict[str, str] = {}
    default = default or default_period()
    first = _day(args.get("from"), "from", errors) or default.first
    last = _day(args.get("to"), "to", errors) or default.last
    if not errors and last < first:
        errors["to"] = _("The end lies before the start.")
    elif not errors and (last - first).days + 1 > MAX_DAYS:
        errors["to"] = _("A period can be at most %(n)s days long.", n=MAX_DAYS)
    if errors:
        raise PeriodError(errors)
    return Period(first, last)


# ---- the weekly situational picture: ISO weeks ----------------------------------------------


def iso_week(day: date) -> Period:
    """The ISO week that holds `day`, Monday to Sunday: weeks as they are numbered in Sweden,
    so "week 49" on the picture is the week 49 in everybody's calendar."""
    monday = day - timedelta(days=day.weekday())
    return Period(monday, monday + timedelta(days=6))


def week_number(week: Period) -> tuple[int, int]:
    """(ISO year, week number) of a week from `iso_week`: 29 December 2025 is in 2026's week 1."""
    year, number, _weekday = week.first.isocalendar()
    return year, number


def week_code(week: Period) -> str:
    """The week as ISO 8601 writes it, "2026-W49": for links and file names."""
    year, number = week_number(week)
    return f"{year}-W{number:02d}"


def _parse_week_code(value: str) -> Period | None:
    """ "2026-W49" (or "2026-w49") as a week; None for anything else."""
    year, sep, number = value.strip().upper().partition("-W")
    if not (sep and year.isdigit() and number.isdigit()):
        return None
    try:
        return iso_week(date.fromisocalendar(int(year), int(number), 1))
    except ValueError:  # week 53 of a year with 52, week 0, a year out of range
        return None


def chosen_week(args: MultiDict, today: date | None = None) -> Period:
    """The week to show: `week` ("2026-W49"), else the week of `day` (or `to`, the form's field
    before weeks were ISO weeks), else the last complete week.

    The default is the last complete week: the picture is read on Monday morning, and the
    week that began that morning has nothing in it yet. A week that has not begun is refused;
    the current week may be chosen (the page says it is not over).
    """
    today = today or local_today()
    errors: dict[str, str] = {}
    week = iso_week(today - timedelta(days=7))
    if args.get("week"):
        parsed = _parse_week_code(args["week"])
        if parsed is None:
            errors["day"] = _("Write the week as YYYY-Www, for example 2026-W49.")
        week = parsed or week
    elif args.get("day") or args.get("to"):
        day = _day(args.get("day") or args.get("to"), "day", errors)
        week = iso_week(day) if day else week
    if not errors and week.first > today:
        year, number = week_number(week)
        errors["day"] = _(
            "Week %(week)s %(year)s has not begun yet. Choose a day up to today.",
            week=number,
            year=year,
        )
    if errors:
        raise PeriodError(errors)
    return week
