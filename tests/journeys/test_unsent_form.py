"""Journey: the login ends in another tab while a form is being filled in; nothing is lost.

The coordinator decides a measure for a place marked on the demo's safety walk, on a phone.
Before sending, they log out in another tab (a colleague borrowed the phone, or the session
ran out). The form's post is refused at its CSRF check; the page says why, leads through the
login back to the form, and the form fills itself in with what was typed.
"""

from __future__ import annotations

from playwright.sync_api import expect

from tests.journeys.helpers import log_out_in_another_tab, open_menu_link
from webapp.extensions import db
from webapp.measures.models import Measure

TITLE = "Röj sly vid gångvägen mot skolan"
DESCRIPTION = "Buskarna skymmer sikten från gångvägen på kvällen."


def test_a_form_sent_after_logging_out_elsewhere_is_filled_in_again(people, demo):  # type: ignore[no-untyped-def]
    coordinator = people("samordnare")
    page = coordinator.page
    coordinator.log_in("samordnare")
    open_menu_link(page, "Trygghetsvandringar")
    page.get_by_role("link", name="Trygghetsvandring Sunne centrum").first.click()
    page.get_by_role("link", name="Gå igenom de markerade platserna").click()
    page.get_by_role("link", name="Besluta en åtgärd").first.click()
    page.get_by_label("Vad ska göras").fill(TITLE)
    page.get_by_label("Beskrivning").fill(DESCRIPTION)
    page.get_by_label("Ansvarig", exact=True).select_option(label="Fastighetsägare")

    log_out_in_another_tab(coordinator.context)  # type: ignore[attr-defined]

    page.get_by_role("button", name="Skapa åtgärd").click()
    expect(page.get_by_role("heading", name="Du är inte längre inloggad")).to_be_visible()
    page.get_by_role("link", name="Logga in igen").click()
    page.get_by_label("Användarnamn").fill("samordnare")
    page.get_by_label("Lösenord").fill("sunne-demo-2016")
    page.get_by_role("button", name="Logga in").click()

    # Back on the form (the login led there), which offers what was typed.
    expect(page.get_by_role("heading", name="Ny åtgärd")).to_be_visible()
    page.get_by_role("button", name="Fyll i formuläret igen").click()
    expect(page.get_by_label("Vad ska göras")).to_have_value(TITLE)
    expect(page.get_by_label("Beskrivning")).to_have_value(DESCRIPTION)
    expect(page.get_by_label("Ansvarig", exact=True)).to_have_value("property_owner")
    coordinator.shot("unsent-form-filled-again")
    page.get_by_role("button", name="Skapa åtgärd").click()
    expect(page.get_by_text("Åtgärden är skapad.")).to_be_visible()
    expect(page.get_by_role("button", name="Fyll i formuläret igen")).to_have_count(0)
    with demo.app_context():
        made = db.session.execute(db.select(Measure).filter_by(title=TITLE)).scalars().all()
    assert [m.description for m in made] == [DESCRIPTION]
    assert coordinator.errors == []
