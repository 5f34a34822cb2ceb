"""Swedish organisation numbers (organisationsnummer): NNNNNN-NNNN with a Luhn check digit.

A legal person's number has 20 or more in the "month" position (third and fourth digit); a sole
trader uses the owner's personal identity number instead, which we must not store.
"""

from __future__ import annotations

import re
from enum import StrEnum

from webapp.core.privacy import luhn_ok

_PATTERN = re.compile(r"^(\d{6})-?(\d{4})$")


class OrgNumberProblem(StrEnum):
    FORMAT = "format"
    CHECK_DIGIT = "check_digit"
    PERSONAL = "personal"


def check_org_number(value: str) -> tuple[str | None, OrgNumberProblem | None]:
    """(normalised "NNNNNN-NNNN", None) for a valid number, else (None, the problem)."""
    match = _PATTERN.match(value.strip())
    if not match:
        return None, OrgNumberProblem.FORMAT
    digits = match.group(1) + match.group(2)
    if not luhn_ok(digits):
        return None, OrgNumberProblem.CHECK_DIGIT
    if int(digits[2:4]) < 20:
        return None, OrgNumberProblem.PERSONAL
    return f"{match.group(1)}-{match.group(2)}", None
