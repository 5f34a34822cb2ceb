"""The one guard against CSV injection, for every CSV we write (report exports, user exports).

A cell that starts with =, +, -, @, a tab or a carriage return is run as a formula by Excel and
LibreOffice (OWASP "CSV injection": `=HYPERLINK(…)` leaks data, `+cmd|…` runs a program). A
leading apostrophe makes the spreadsheet show the text as text, and a person can still read it.
"""

from __future__ import annotations

from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """Text that a spreadsheet would evaluate, made inert; any other value unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value
