"""A participant told the walk's code out loud, with no QR code at hand, finds where to type it
from the first page a phone shows (the login page) and reaches the walk."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.walks.helpers import make_walk

pytestmark = pytest.mark.browser


def test_a_participant_types_the_code_from_the_first_page(phone, app, coordinator):
    walk = make_walk(app, coordinator.id)
    page = phone.page
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto("/")
    page.get_by_role("link", name="Ska du gå en trygghetsvandring? Skriv in vandringens kod").tap()
    page.get_by_label("Anslutningskod").fill(walk.join_code.lower())
    page.get_by_role("button", name="Fortsätt").tap()
    page.get_by_role("button", name="Gå med i vandringen").tap()
    expect(page.get_by_role("heading", name="Markera en plats")).to_be_visible()
