"""The journey scaffolding itself: a person logs in from `/` and sees their start page."""

from playwright.sync_api import expect


def test_an_officer_logs_in_from_the_start_page(people):
    officer = people("officer")
    officer.log_in("polis")
    expect(officer.page.locator("main")).to_be_visible()
    officer.shot("00-officer-start")
