"""Journey: the coordinator marks a measure done; the officer who made its observation sees it.

On the Sunne demo, an officer's observation of broken lights in the pedestrian tunnel was made
into a decided measure (set up before the journey, as the demo's records are). The officer on a
360 px phone finds it under "Mina registreringar" as "kopplad till åtgärd". The coordinator, at a
desk, opens the measure from the menu, sets it to "klar" with the status form, is told that the
observation behind it is now closed and finds it under "avslutad" in the review queue. Back on the
phone, the officer's list says "avslutad", and the observation's page names the measure and that it
is done. Only what a person sees and does (tests/journeys/conftest.py).
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from playwright.sync_api import Page, expect

from tests.journeys.helpers import open_menu_link
from webapp.auth.models import User
from webapp.core.audit.models import AuditEntry
from webapp.extensions import db
from webapp.measures.models import Measure
from webapp.observations import review
from webapp.observations.models import Observation

pytestmark = [pytest.mark.browser, pytest.mark.journey]

NOTE = "Gångtunneln: två lysrör i taket är trasiga, mörkt i mitten"
TITLE = "Byt lysrör i gångtunneln"


def tunnel_lights_made_a_measure(app: Flask) -> str:
    """The officer's observation, turned into a decided measure (as the review does)."""
    with app.app_context():
        users = {u.username: u for u in db.session.scalars(db.select(User))}
        officer, coordinator = users["polis"], users["samordnare"]
        observation = Observation(
            id=str(uuid.uuid4()),
            lat=59.83430,
            lon=13.14120,
            accuracy_m=8.0,
            observed_at=datetime.now(UTC) - timedelta(minutes=30),
            category_code="belysning",
            note=NOTE,
            visibility="shared",
            author_id=officer.id,
            content_hash="journey-measure-done",
        )
        measure = Measure(title=TITLE, owner="municipality_technical",
                          created_by_id=coordinator.id, lat=59.83430, lon=13.14120)  # fmt: skip
        measure.change_status("decided", by=coordinator.id, comment="Efter patrullen.")
        db.session.add_all([observation, measure])
        db.session.flush()
        review.link_to_measure([observation], measure, coordinator)
        return observation.id


def my_record(page: Page):  # type: ignore[no-untyped-def]
    open_menu_link(page, "Mina registreringar")
    return page.locator("#server-list li").filter(has_text=NOTE)


LANDING = """() => {
  const main = getComputedStyle(document.getElementById("main"));
  return {
    shadow: main.boxShadow,
    outline: main.outlineStyle,
    bar_bottom: document.querySelector(".topbar").getBoundingClientRect().bottom,
    menu_top: document.querySelector(".mainnav-bar").getBoundingClientRect().top,
  };
}"""


def test_the_officer_sees_their_observation_closed_when_its_measure_is_done(
    people, demo: Flask
) -> None:
    observation_id = tunnel_lights_made_a_measure(demo)
    officer = people("polis", phone=True)
    officer.log_in("polis")
    record = my_record(officer.page)
    expect(record.locator(".state-badge")).to_have_text("kopplad till åtgärd")

    coordinator = people("samordnare", phone=False)
    page = coordinator.page
    coordinator.log_in("samordnare")
    open_menu_link(page, "Åtgärder")
    page.get_by_role("link", name=TITLE).click()
    expect(page.get_by_role("heading", name=TITLE, level=1)).to_be_visible()
    page.get_by_label("Ny status").select_option(label="klar")
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_text("Statusen är ändrad.")).to_be_visible()
    # The redirect lands on #main, which takes the focus: no focus ring around the whole page,
    # and the menu is not scrolled under the sticky top bar.
    assert page.url.endswith("#main")
    landing = page.evaluate(LANDING)
    assert landing["shadow"] == "none" and landing["outline"] == "none", landing
    assert landing["menu_top"] >= landing["bar_bottom"] - 1, landing
    expect(page.get_by_text("1 iakttagelse som åtgärden bygger på är nu avslutad.")).to_be_visible()
    # The review queue: gone from "linked", waiting under "closed".
    open_menu_link(page, "Granskning")
    tabs = page.get_by_role("navigation", name="Granskningsstatus")
    tabs.get_by_role("link", name=re.compile(r"^kopplad till åtgärd")).click()
    expect(page.get_by_role("link", name=NOTE)).to_have_count(0)
    tabs.get_by_role("link", name=re.compile(r"^avslutad \(\d+\)$")).click()
    expect(page.get_by_role("link", name=NOTE)).to_be_visible()
    coordinator.shot("measure-done-queue-closed-1366")

    # Back on the phone: the list and the record's page say it is done.
    page = officer.page
    record = my_record(page)
    expect(record.locator(".state-badge")).to_have_text("avslutad")
    officer.shot("measure-done-mine-360")
    record.get_by_role("link").click()
    facts = page.locator("dl.facts")
    expect(facts).to_contain_text("avslutad")
    measure = page.locator("#observation-measure")
    expect(measure).to_have_text(f"{TITLE} – klar")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    officer.shot("measure-done-observation-360")
    measure.get_by_role("link", name=TITLE).click()
    expect(page.get_by_role("heading", name=TITLE, level=1)).to_be_visible()
    expect(page.locator("dl.facts")).to_contain_text("klar")

    with demo.app_context():  # one move, audited once, by the coordinator
        observation = db.session.get(Observation, observation_id)
        assert observation.status == "closed"
        moves = db.session.scalars(
            db.select(AuditEntry).filter_by(action="observation.review", target_id=observation_id)
        ).all()
        coordinator_id = db.session.scalars(db.select(User.id).filter_by(username="samordnare"))
        assert [(m.actor_id, m.detail["to_status"]) for m in moves] == [
            (coordinator_id.one(), "closed")
        ]
