"""Checks for values sent from the field, shared by the JSON validators of every feature.

Each check takes the raw JSON value, the field name and an `errors` dict; it returns the clean
value or None and writes a message in the user's language under the field name. None of them
raises on bad input: a phone's outbox must get a 422 with field messages, never a 500.
"""

from __future__ import annotations

import json
import math
import re
import uuid
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, timedelta
from typing import Any, TypeVar

from flask_babel import gettext as _

from webapp.core.localtime import local_today
from webapp.core.privacy import contains_personal_identity_number

CLOCK_SKEW = timedelta(minutes=10)
MAX_AGE = timedelta(days=366)
# Control characters but tab and line breaks, lone UTF-16 surrogates, and the bidi embedding,
# override and isolate controls (U+202A–202E, U+2066–2069): the last make a note or a name read
# differently from what it holds ("Trojan Source"), in a list, a CSV or a PDF.
_UNCLEAN_TEXT = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\u202a-\u202e\u2066-\u2069]"
)
# The dates any record of ours may carry: the promises began in 2016, and a plan, a deadline or
# a follow-up lies at most a few years ahead. Outside this a date is a typo or an attack (year
# 9999 overflows on the way to UTC, year 1 on the way back).
EARLIEST_DATE = date(2000, 1, 1)
YEARS_AHEAD = 10

Errors = dict[str, str]
Parsed = TypeVar("Parsed", date, datetime)


def is_number(value: Any) -> bool:
    """A JSON number: not a bool, not NaN/Infinity (Python's json accepts those literals).

    Integers are compared as they are: 10**400 is valid JSON and would overflow math.isfinite.
    """
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return True
    return isinstance(value, float) and math.isfinite(value)


def is_whole_number(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def is_clean_text(value: str) -> bool:
    """No control characters but tab and line breaks, no lone UTF-16 surrogates, no bidi controls.

    PostgreSQL refuses NUL in text columns and no driver can encode a lone surrogate. The one
    test of text for every input: the JSON API (free_text), every HTML form (webapp/core/forms.py)
    and query strings (webapp/core/inputs.py).
    """
    return not _UNCLEAN_TEXT.search(value)


_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def storable(value: Any) -> Any:
    """A value for a record that must keep hostile input rather than refuse it (the audit trail):
    NUL (refused by PostgreSQL text and JSON) and lone surrogates (no driver encodes them) become
    U+FFFD, in strings, and in the keys and values of dicts and lists."""
    if isinstance(value, str):
        return _UNSTORABLE.sub("\ufffd", value)
    if isinstance(value, dict):
        return {storable(k): storable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [storable(v) for v in value]
    return value


def unclean_text_message() -> str:
    return _("The text contains characters that are not allowed.")


def latest_date(today: date | None = None) -> date:
    today = today or local_today()
    return today.replace(year=today.year + YEARS_AHEAD, day=min(today.day, 28))


def is_sane_date(value: date, today: date | None = None) -> bool:
    """Whether a date lies in the range any record may carry (EARLIEST_DATE..YEARS_AHEAD)."""
    if isinstance(value, datetime):
        value = value.date()
    return EARLIEST_DATE <= value <= latest_date(today)


def date_range_message() -> str:
    return _(
        "Choose a date from %(first)s to %(last)s.",
        first=EARLIEST_DATE.isoformat(),
        last=latest_date().isoformat(),
    )


# Not record ids: the nil UUID is what a broken client sends for "no id", the max UUID its twin.
_NOT_IDS = frozenset({str(uuid.UUID(int=0)), str(uuid.UUID(int=2**128 - 1))})


class Unreadable:
    """What `json_text` returns for text that is not JSON (None is a valid JSON value)."""


UNREADABLE = Unreadable()


def json_text(text: str, *, max_length: int) -> Any:
    """JSON carried in a form field (a map editor's route, a survey's places), or UNREADABLE.

    Too long, not JSON, or nested so deeply that the json module raises RecursionError (which
    is not a ValueError): all the same to the caller, a field message, never a 500.
    """
    if len(text) > max_length:
        return UNREADABLE
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        return UNREADABLE


def canonical_uuid(value: Any) -> str | None:
    """The lower-case hyphenated form of a UUID string, or None if it is not one.

    The nil and max UUIDs are refused: a phone whose UUID generator failed would otherwise make
    every record it sends a replay of the first one.
    """
    if not isinstance(value, str) or len(value) > 45:
        return None
    try:
        canonical = str(uuid.UUID(value))
    except ValueError:
        return None
    return None if canonical in _NOT_IDS else canonical


def client_uuid(value: Any, errors: Errors, field: str = "id") -> str | None:
    if not isinstance(value, str):
        errors[field] = _("A UUID made on the device is required.")
        return None
    canonical = canonical_uuid(value)
    if canonical is None:
        errors[field] = _("Not a valid UUID.")
    return canonical


def from_iso(parse: Callable[[str], Parsed], value: str) -> Parsed | None:
    """`parse(value)` with `date.fromisoformat` or `datetime.fromisoformat`; None for text that
    is no such ISO 8601 value."""
    try:
        return parse(value)
    except ValueError:
        return None


def aware_time(
    value: Any,
    field: str,
    errors: Errors,
    *,
    required: bool = True,
    now: datetime | None = None,
    max_age: timedelta | None = MAX_AGE,
) -> datetime | None:
    """An ISO 8601 time with a whole-minute offset, not in the future and not too old.

    `max_age=None` allows any past time (editing an old record keeps its old date).
    """
    if value is None and not required:
        return None
    if not isinstance(value, str) or len(value) > 40:
        errors[field] = _("A time in ISO 8601 with a time zone offset is required.")
        return None
    parsed = from_iso(datetime.fromisoformat, value)
    if parsed is None:
        errors[field] = _("Not a valid ISO 8601 time.")
        return None
    offset = parsed.utcoffset()
    if offset is None or offset.total_seconds() % 60:
        errors[field] = _("The time needs a time zone offset, e.g. +01:00.")
        return None
    if not is_sane_date(parsed.replace(tzinfo=None)):
        # Before any arithmetic: year 1 or 9999 with an offset overflows when made UTC.
        errors[field] = date_range_message()
        return None
    now = now or datetime.now(UTC)
    if parsed - now > CLOCK_SKEW:
        errors[field] = _("The time lies in the future.")
    elif max_age is not None and now - parsed > max_age:
        errors[field] = _("The time is more than a year ago.")
    else:
        return parsed
    return None


def calendar_date(value: Any, field: str, errors: Errors, *, required: bool = True) -> date | None:
    if value in (None, "") and not required:
        return None
    parsed = (
        from_iso(date.fromisoformat, value) if isinstance(value, str) and len(value) == 10 else None
    )
    if parsed is None:
        errors[field] = _("A date (YYYY-MM-DD) is required.")
        return None
    if not is_sane_date(parsed):
        errors[field] = date_range_message()
        return None
    return parsed


def coordinate(value: Any, field: str, limit: int, errors: Errors) -> float | None:
    # Decimal degrees only: geopy would turn "59 50 12 N" into a wrong number silently.
    if value is None:
        errors[field] = _("A position is required.")
    elif not is_number(value):
        errors[field] = _("Must be a number in decimal degrees.")
    elif not -limit <= value <= limit:
        errors[field] = _("Must be between %(low)s and %(high)s.", low=-limit, high=limit)
    else:
        return float(value)
    return None


def free_text(
    value: Any, field: str, errors: Errors, *, max_length: int, required: bool = False
) -> str:
    """Text typed by a person: limited, clean, and never a Swedish personal identity number."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        errors[field] = _("Must be text.")
        return ""
    value = value.strip()
    if required and not value:
        errors[field] = _("This field is required.")
    elif len(value) > max_length:
        errors[field] = _("At most %(n)s characters.", n=max_length)
    elif not is_clean_text(value):
        errors[field] = unclean_text_message()
    elif contains_personal_identity_number(value):
        errors[field] = _(
            "The text seems to contain a personal identity number. Remove it: record situations "
            "and numbers, never who."
        )
    return value


def count(
    value: Any, field: str, errors: Errors, *, maximum: int, default: int | None = 0
) -> int | None:
    """A whole number from 0 to `maximum`; missing means `default` (None: required)."""
    if value is None:
        if default is None:
            errors[field] = _("Enter a number.")
        return default
    if not is_whole_number(value) or not 0 <= value <= maximum:
        errors[field] = _("Must be a whole number from 0 to %(n)s.", n=maximum)
        return None
    return value


def choice(value: Any, field: str, allowed: Iterable[str], errors: Errors) -> str | None:
    if not isinstance(value, str) or value not in set(allowed):
        errors[field] = _("Choose one of the options.")
        return None
    return value


def choices(
    value: Any, field: str, allowed: Iterable[str], errors: Errors, *, at_least: int = 0
) -> list[str]:
    """A list of option codes, kept in the order of `allowed` so equal content hashes equally."""
    allowed = list(allowed)
    if value is None:
        value = []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        errors[field] = _("Must be a list of options.")
        return []
    unknown = [v for v in value if v not in allowed]
    if unknown:
        errors[field] = _("Unknown option.")
        return []
    if len(set(value)) < at_least:
        errors[field] = _("Choose at least one.")
        return []
    return [v for v in allowed if v in value]


def unknown_fields(
    payload: dict[str, Any], allowed: Iterable[str], errors: Errors, prefix: str = ""
) -> None:
    for key in sorted(set(payload) - set(allowed), key=str):
        errors[f"{prefix}{key}"] = _("Unknown field.")
