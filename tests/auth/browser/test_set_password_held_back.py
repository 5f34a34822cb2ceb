"""A new colleague types the one-time code and a password after someone on the same network has
tried many wrong codes: the page keeps the code, asks for the password again (never sent back)
and says how long to wait, as Retry-After does."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.auth.test_set_password_throttling import _attempt
from tests.browser.conftest import BrowserNet, new_phone_context, tile_host

pytestmark = pytest.mark.browser


def test_the_code_stays_and_the_wait_is_told(browser, live_server, app):  # type: ignore[no-untyped-def]
    guesser = app.test_client()  # the same address as the phone: this machine
    assert [_attempt(guesser).status_code for _ in range(10)] == [400] * 10
    context = new_phone_context(browser, live_server, BrowserNet(tile_host=tile_host(app)))
    page = context.new_page()
    page.goto("/login")
    page.get_by_role("link", name="Har du fått en engångskod? Välj ditt lösenord").tap()

    page.get_by_label("Engångskod").fill("k7q2-m9x4-p3r8")
    page.get_by_label("Nytt lösenord", exact=True).fill("ett långt lösenord på fjället")
    page.get_by_label("Nytt lösenord igen").fill("ett långt lösenord på fjället")
    with page.expect_response(lambda r: r.request.method == "POST") as answered:
        page.get_by_role("button", name="Spara lösenordet").tap()

    expect(page.get_by_role("alert")).to_have_text(
        "För många försök. Vänta 5 minuter och försök igen."
    )
    assert answered.value.status == 429
    assert answered.value.headers["retry-after"] == "300"
    expect(page.get_by_label("Engångskod")).to_have_value("k7q2-m9x4-p3r8")
    expect(page.get_by_label("Nytt lösenord", exact=True)).to_have_value("")
    expect(page.get_by_label("Nytt lösenord igen")).to_have_value("")
    context.close()
