"""The coordinator shows the council the report on a phone: this year, then the last quarter,
then back to this year.

What a first-time reader met on the Sunne demo:
- the only quick period was "Förra kvartalet", and once chosen it was still the only one: no
  quick way back to this year;
- under the maps, "Cirkelns yta = antal uppgifter av slagen ovan per ruta" read as a formula;
- on a measure's card "Ansvarig" stood alone, its "Kommunen – socialförvaltningen" on the line
  below, unlike every other line of the card.
"""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.journeys.helpers import open_menu_link
from webapp.core.localtime import local_today

QUICK = ("Det här året", "Förra kvartalet", "Förra året")

# Each "Ansvarig" line of the cards: how far its value sits below its label, which starts the
# line (0: beside it; a line height: under it).
OWNER_DROPS = """() => [...document.querySelectorAll('main td[data-label="Ansvarig"]')]
  .filter(td => td.getClientRects().length)
  .map(td => ({text: td.textContent.trim(),
               drop: td.querySelector('.cell').getBoundingClientRect().top
                     - td.getBoundingClientRect().top
                     - parseFloat(getComputedStyle(td).paddingTop)}))"""


def quick_links(page: Page):  # type: ignore[no-untyped-def]
    return page.get_by_role("list", name="Snabbval:").get_by_role("link")


def expect_chosen(page: Page, chosen: str) -> None:
    links = quick_links(page)
    expect(links).to_have_text(list(QUICK))
    for name in QUICK:
        link = page.get_by_role("link", name=name, exact=True)
        if name == chosen:
            expect(link).to_have_attribute("aria-current", "true")
        else:
            expect(link).not_to_have_attribute("aria-current", "true")


def test_the_quick_periods_stay_and_lead_back_to_this_year(people):  # type: ignore[no-untyped-def]
    coordinator = people("samordnare", phone=True)
    page = coordinator.page
    coordinator.log_in("samordnare")
    open_menu_link(page, "Rapporter")
    # The report opens on this year (in January on the year that just ended).
    expect_chosen(page, "Förra året" if local_today().month == 1 else "Det här året")

    # The maps' key says in words what a circle's size means.
    maps = page.locator("section[aria-labelledby=map-heading] .report-maps")
    expect(maps).to_contain_text("Ju större cirkel, desto fler uppgifter i rutan (som mest")
    expect(maps).not_to_contain_text("Cirkelns yta")

    # On a phone a measure's owner stands beside "Ansvarig", as every other line's value does.
    owners = page.evaluate(OWNER_DROPS)
    assert any("socialförvaltningen" in o["text"].replace("\u00ad", "") for o in owners), owners
    assert [o for o in owners if o["drop"] > 2] == []
    measure_card = (
        page.locator("main td[data-label=Ansvarig]")
        .filter(has_text="social")
        .first.locator("xpath=..")
    )
    measure_card.scroll_into_view_if_needed()
    coordinator.shot("council-phone-owner-line", full_page=False)

    page.get_by_role("link", name="Förra kvartalet", exact=True).click()
    expect(page.locator(".report-period")).to_contain_text("dagar)")
    expect_chosen(page, "Förra kvartalet")
    quick_links(page).first.scroll_into_view_if_needed()
    coordinator.shot("council-phone-quick-periods", full_page=False)

    page.get_by_role("link", name="Det här året", exact=True).click()
    expect_chosen(page, "Det här året")
    first_of_january = f"1 januari {local_today().year}"
    expect(page.locator(".report-period")).to_contain_text(first_of_january)
