"""Choosing a password with a one-time code: too many failed attempts from one address are
refused like a held login, with the form as typed (never the passwords), the wait in words and
the same wait in Retry-After."""

from __future__ import annotations

import re
from html import unescape

from tests.conftest import form_csrf_token
from webapp.auth.account_views import CODE_ATTEMPT_LIMIT

URL = "/account/set-password"
TYPED_PASSWORD = "a long secret typed here"  # noqa: S105 - what the person typed, to look for


def _attempt(client, code: str = "ABCD-EFGH-JKMN"):  # type: ignore[no-untyped-def]
    page = client.get(URL)
    data = {
        "csrf_token": form_csrf_token(page.get_data(as_text=True)),
        "code": code,
        "password": TYPED_PASSWORD,
        "repeat": TYPED_PASSWORD,
    }
    return client.post(URL, data=data)


def _refusal(response) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    """The page's message and the code left in its form."""
    html = response.get_data(as_text=True)
    (message,) = re.findall(r'<p class="flash flash-error" role="alert">([^<]*)</p>', html)
    (typed,) = re.findall(r'<input [^>]*name="code"[^>]*value="([^"]*)"', html)
    return unescape(message), unescape(typed)


def test_the_limit_is_ten_failed_attempts_in_five_minutes():
    assert CODE_ATTEMPT_LIMIT == "10 per 5 minutes"


def test_over_the_limit_the_form_comes_back_with_the_code_and_the_wait_said_twice(client):
    """It used to be the general error page ("Vänta en stund"): no form, no number, while
    Retry-After said 300."""
    assert [_attempt(client).status_code for _ in range(10)] == [400] * 10

    held = _attempt(client, code="wxyz-2345-6789")

    assert held.status_code == 429
    message, typed = _refusal(held)
    assert message == "För många försök. Vänta 5 minuter och försök igen."
    assert held.headers["Retry-After"] == "300"
    assert typed == "wxyz-2345-6789"
    assert TYPED_PASSWORD not in held.get_data(as_text=True)
    assert held.get_data(as_text=True).count('type="password"') == 2  # asked for again, empty


def test_the_refusal_speaks_english_when_chosen(client):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    for _ in range(10):
        _attempt(client)

    held = _attempt(client)

    message, _typed = _refusal(held)
    assert message == "Too many attempts. Wait 5 minutes and try again."
    assert held.headers["Retry-After"] == "300"


def test_a_wrong_code_is_not_told_to_come_back_later(client):
    """Flask-Limiter's hook put Retry-After: 300 on every answer of the view, a typo too."""
    wrong = _attempt(client)

    assert wrong.status_code == 400
    assert "Retry-After" not in wrong.headers
    assert not any(name.startswith("X-RateLimit") for name, _value in wrong.headers)


def test_showing_the_form_is_not_limited(client):
    for _ in range(10):
        _attempt(client)

    assert client.get(URL).status_code == 200
