"""Join codes: short enough to type from a poster, random enough to be unguessable.

Eight characters from an alphabet without look-alikes (no 0/O, 1/I/L) give 31**8 ≈ 8.5·10¹¹
codes (about 40 bits). With joining limited to a few attempts a minute per address, guessing
one code would take far longer than any walk lasts.
"""

from __future__ import annotations

import secrets

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
LENGTH = 8


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalise(typed: str) -> str | None:
    """The code as stored, from what a person typed ("abcd-efgh", " ABCD EFGH"), or None."""
    cleaned = "".join(ch for ch in (typed or "").upper() if ch not in " -\t")
    if len(cleaned) != LENGTH or any(ch not in ALPHABET for ch in cleaned):
        return None
    return cleaned


def display(code: str | None) -> str:
    """Grouped for reading aloud and typing: ABCD-EFGH."""
    if not code:
        return ""
    return f"{code[:4]}-{code[4:]}"
