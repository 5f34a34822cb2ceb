"""Data protection checks shared by every free-text field: record situations, not people."""

from __future__ import annotations

import re

# YYMMDD-NNNN, YYYYMMDD-NNNN, with -, + or nothing between; the date's parts may be split by
# hyphens too (10-05-12-1234). A phone's keyboard may turn the hyphen into an en dash or a minus
# sign: they count as hyphens. Written the way a personnummer is written (a date, then a hyphen
# or + and four digits) it is refused even with a wrong check digit: a mistyped number still
# points at a person. A bare run of digits (or one with a space) must also pass the Luhn test, so
# dates, phone and lamp numbers rarely trip it.
_PERSONNUMMER = re.compile(
    r"(?<!\d)(?:19|20)?(\d{2})-?(\d{2})-?(\d{2})([-+ \u2013\u2212]?)(\d{3})(\d)(?!\d)"
)
_WRITTEN_AS_ONE = ("-", "+", "\u2013", "\u2212")


def luhn_ok(digits: str) -> bool:
    """The Luhn check digit test of personal identity and organisation numbers."""
    total = 0
    for index, char in enumerate(digits):
        value = int(char) * (2 if index % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def contains_personal_identity_number(text: str) -> bool:
    for match in _PERSONNUMMER.finditer(text or ""):
        yy, mm, dd, separator, serial, check = match.groups()
        day = int(dd) - 60 if int(dd) > 60 else int(dd)  # samordningsnummer add 60 to the day
        if not (1 <= int(mm) <= 12 and 1 <= day <= 31):
            continue
        if separator in _WRITTEN_AS_ONE or luhn_ok(yy + mm + dd + serial + check):
            return True
    return False
