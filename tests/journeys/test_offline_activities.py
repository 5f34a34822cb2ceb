"""Journey 2: an officer, first time on a fresh phone, logs in once online, then works without
signal: a business visit outside the town, an ANDT intervention (a personnummer in the text is
refused with the reason), a school and social-services meeting with follow-ups. Every form opens
offline although none was opened before; back online, each entry arrives exactly once and shows
in the activity list.
"""

from __future__ import annotations

import re
from datetime import timedelta

from babel.dates import format_date
from playwright.sync_api import Page, expect

from tests.journeys.helpers import open_menu_link
from webapp.activities.models import Activity
from webapp.core.localtime import local_today
from webapp.extensions import db

ROTTNEROS = {"latitude": 59.7800, "longitude": 13.1200, "accuracy": 12}
PERSONNUMMER = "640823-3234"


def open_form(page: Page, name: str) -> None:
    """From wherever the officer is, back to the start page and into one activity form."""
    page.get_by_role("link", name="Trygg Sunne", exact=True).click()
    page.get_by_role("link", name="Registrera en aktivitet").click()
    page.get_by_role("link", name=name).click()
    expect(page.locator("#activity-form")).to_be_visible()
    expect(page.locator("#offline-page")).to_have_count(0)


def save_and_expect_queued(page: Page) -> None:
    page.get_by_role("button", name="Spara").click()
    expect(page.locator("[data-save-status]")).to_contain_text("Sparad i telefonen")
    expect(page.locator("[data-form-alert]")).to_be_hidden()


def test_an_officer_logs_activities_offline_on_a_fresh_phone(people, demo):
    officer = people("officer", phone=True)
    page = officer.page
    officer.log_in("polis")
    # The phone says when the forms are stored; none of them has been opened.
    expect(page.get_by_text("Formulären fungerar utan nät på den här telefonen.")).to_be_visible(
        timeout=20_000
    )
    officer.shot("02-forms-ready-offline", full_page=False)
    before = activity_ids(demo)

    officer.go_offline()
    expect(page.locator("#net-status .net-indicator")).to_have_text("Ingen anslutning")

    # A business visit outside the town: the phone's own position, about 7 km south.
    officer.context.set_geolocation(ROTTNEROS)  # type: ignore[attr-defined]
    open_form(page, "Besök hos handlare och företag utanför Sunne tätort")
    page.get_by_label("Företag", exact=True).fill("Rottneros Bygg AB")
    page.get_by_label("Inbrott/stöld").check()
    page.get_by_label(re.compile(r"^Resultat")).fill("Tipsade om grannsamverkan mot brott.")
    page.get_by_role("button", name="Använd min position").click()
    expect(page.locator("[data-position-status]")).to_contain_text("12")
    save_and_expect_queued(page)

    # An ANDT intervention: a personnummer in the text is refused here, offline, with the reason.
    open_form(page, "Insats mot ungdomar gällande ANDT")
    expect(page.locator(".privacy-notice")).to_be_visible()
    page.get_by_label(re.compile(r"^Plats")).fill("Skateparken")
    page.get_by_label("Samtal", exact=True).check()
    page.get_by_label("under 15").fill("2")
    page.get_by_label("15–17", exact=True).fill("6")
    page.get_by_label("Tobak", exact=True).check()
    actions = page.get_by_label("Vidtagna åtgärder")
    actions.fill(f"Samtal med pojke {PERSONNUMMER} om snus")
    page.get_by_role("button", name="Spara").click()
    alert = page.locator("[data-form-alert]")
    expect(alert).to_be_visible()
    expect(alert).to_have_attribute("role", "alert")
    expect(alert).to_contain_text("personnummer")
    expect(page.locator("#f-details-actions-client-error")).to_contain_text("personnummer")
    officer.shot("02-andt-personnummer-refused", full_page=False)
    assert officer_outbox(page) == 1  # only the visit: the refused entry was not queued
    actions.fill("Samtal med tre ungdomar om snus")
    save_and_expect_queued(page)

    # A meeting with the school and social services, with two agreed follow-ups.
    open_form(page, "Samverkan med skola och socialtjänst om ungdomar i riskzonen")
    page.get_by_label("Skola", exact=True).check()
    page.get_by_label("Socialtjänst", exact=True).check()
    page.get_by_label("Antal ärenden som togs upp").fill("3")
    due = (local_today() + timedelta(days=14)).isoformat()
    for index, (what, owner) in enumerate(
        [("Kartlägga frånvaro i årskurs 8", "skola"), ("Informera fritidsgården", "fritid")]
    ):
        page.locator(f"#f-details-follow_ups-{index}-what").fill(what)
        page.locator(f"#f-details-follow_ups-{index}-owner").select_option(owner)
        page.locator(f"#f-details-follow_ups-{index}-due_on").fill(due)
    save_and_expect_queued(page)
    expect(page.locator("#net-status [data-outbox-count]")).to_have_text("3")

    officer.go_online()
    expect(page.locator("#net-status .outbox-count")).to_be_hidden(timeout=30_000)

    # Where the officer (and the coordinator) sees them: the activity list.
    open_menu_link(page, "Aktiviteter")
    listing = page.locator("main")
    for text in (
        "Besök hos handlare och företag utanför Sunne tätort",
        "Insats mot ungdomar gällande ANDT",
        "Samverkan med skola och socialtjänst om ungdomar i riskzonen",
    ):
        expect(listing).to_contain_text(text)
    officer.shot("02-offline-activities-arrived")

    # Exactly once each, and the visit knows it lay outside the town.
    with demo.app_context():
        new = (
            db.session.execute(db.select(Activity).where(Activity.id.not_in(before)))
            .scalars()
            .all()
        )
        kinds = sorted(a.activity_type.code for a in new)
        assert kinds == ["andt", "foretagsbesok", "samverkan-skola-soc"]
        visit = next(a for a in new if a.activity_type.code == "foretagsbesok")
        assert visit.outside_tatort is True
        meeting = next(a for a in new if a.activity_type.code == "samverkan-skola-soc")
        assert len(meeting.follow_ups) == 2
        andt = next(a for a in new if a.activity_type.code == "andt")
        assert not re.search(r"\d{6}-\d{4}", andt.details.get("actions", ""))

    # Two weeks on: the open follow-ups list leads to the meeting, where one is ticked off.
    open_menu_link(page, "Uppföljningar som inte är klara")
    agreed = page.get_by_role("link", name="Kartlägga frånvaro i årskurs 8")
    expect(agreed).to_have_count(1)
    row = page.get_by_role("row").filter(has=agreed)
    expect(row).to_contain_text(format_date(local_today() + timedelta(days=14), "medium", "sv"))
    expect(row).to_contain_text("Skola")
    officer.shot("02-follow-ups-open", full_page=False)
    agreed.click()
    page.get_by_role("button", name="Markera som klar: Kartlägga frånvaro i årskurs 8").click()
    expect(page.get_by_text("Markerad som klar.")).to_be_visible()
    ticked = page.locator(".follow-up-list li").filter(has_text="Kartlägga frånvaro")
    expect(ticked).to_contain_text("klar " + format_date(local_today(), "medium", "sv"))
    expect(
        ticked.get_by_role("button", name="Öppna igen: Kartlägga frånvaro i årskurs 8")
    ).to_be_visible()
    open_menu_link(page, "Uppföljningar som inte är klara")
    expect(page.get_by_role("link", name="Kartlägga frånvaro i årskurs 8")).to_have_count(0)
    expect(page.get_by_role("link", name="Informera fritidsgården")).to_have_count(1)


def activity_ids(app) -> set[str]:  # type: ignore[no-untyped-def]
    with app.app_context():
        return set(db.session.execute(db.select(Activity.id)).scalars())


def officer_outbox(page: Page) -> int:
    return page.evaluate("() => TryggOutbox.count()")
