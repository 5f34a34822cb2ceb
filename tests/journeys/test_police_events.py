"""Journey (issue 20): the police's public events, imported from a saved answer, in the
coordinator's weekly picture: a list with links beside our own records, never a map point."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import expect

from tests.journeys.helpers import open_menu_link

SAMPLE = Path(__file__).resolve().parent.parent / "interop" / "events-sample.json"


def test_the_weekly_picture_lists_the_polices_events(demo, people):
    result = demo.test_cli_runner().invoke(args=["police-events", "import", "--file", str(SAMPLE)])
    assert "kept=9" in result.output, result.output
    coordinator = people("samordnare", phone=False)
    page = coordinator.page
    coordinator.log_in("samordnare")
    open_menu_link(page, "Rapporter")
    page.get_by_role("link", name="Veckans lägesbild").click()
    page.locator("#w-day").fill("2026-12-01")
    page.get_by_role("button", name="Visa").click()
    section = page.locator("section[aria-labelledby='police-heading']")
    # Week 49 (30 November – 6 December): 5 of the 9 kept events; the others are week 48's.
    expect(section.get_by_role("heading", level=2)).to_have_text(
        "Polisens händelser (polisen.se) (5)"
    )
    link = section.get_by_role("link", name="1 december 14.05, Trafikolycka, Sunne")
    expect(link).to_have_attribute(
        "href",
        "https://polisen.se/aktuellt/handelser/2026/december/1/1-december-14.05-trafikolycka-sunne/",
    )
    expect(section.get_by_text("Sunnemo")).to_have_count(0)
    expect(section.locator("#police-import")).to_contain_text("hämtades senast")
    section.scroll_into_view_if_needed()
    coordinator.shot("20-weekly-police-events")
