"""Password policy: long enough, not a well-known password, not the user name."""

from __future__ import annotations

from flask_babel import gettext as _

MIN_LENGTH = 12
# The most common passwords in breach lists, plus Swedish favourites; lower-cased.
COMMON = frozenset(
    """
    123456 123456789 12345678 1234567890 password password1 qwerty qwerty123 111111 123123
    abc123 1q2w3e4r 1q2w3e4r5t iloveyou admin welcome letmein monkey dragon sunshine
    qwertyuiop asdfghjkl zxcvbnm passw0rd p@ssw0rd trustno1 football baseball princess
    losenord lösenord losenord123 lösenord123 sommar sommar2024 sommar2025 sommar2026
    vinter2025 hejsan hejsan123 sverige sverige123 sunne sunne123 polisen polisen123
    kommunen kommunen123 hemligt hemligt123 qwertyuiop123 password123 administrator
    changeme changeme123 correcthorsebatterystaple
    """.split()  # noqa: SIM905 - a word list reads better as words than as quoted strings
)


def password_problem(password: str, username: str = "") -> str | None:
    """A message saying what is wrong with the password, or None if it is acceptable."""
    if len(password) < MIN_LENGTH:
        return _("The password must be at least %(n)s characters.", n=MIN_LENGTH)
    folded = password.lower()
    if folded in COMMON or folded.replace(" ", "") in COMMON:
        return _("That password is too common. Choose another.")
    if username and username.lower() in folded:
        return _("The password must not contain the user name.")
    if len(set(folded)) < 5:
        return _("The password needs more different characters.")
    return None
