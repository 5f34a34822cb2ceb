"""A coordinator working through the queue turns records into a measure and finds the way back
to the tab and page they were on; the queue's actions sit above its rows."""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qs, urlsplit

from tests.conftest import form_csrf_token
from tests.map.helpers import add_observation
from webapp.extensions import db
from webapp.measures.models import Measure

MEASURE_FORM = {
    "title": "Byt armaturer vid gångtunneln",
    "description": "",
    "owner": "municipality_technical",
    "owner_detail": "",
    "deadline": "",
    "recheck_on": "",
    "priority": "medium",
    "visibility": "shared",
}


def _attribute(page: str, pattern: str) -> str:
    match = re.search(pattern, page)
    assert match, f"not in the page: {pattern}"
    return html.unescape(match.group(1))


def _back_link(page: str) -> str:
    return _attribute(page, r'<p class="back-link"><a href="([^"]+)"')


def _make_measure(client, form_page: str, bulk_form: str):  # type: ignore[no-untyped-def]
    """Tick every record of the bulk form, choose "new measure", fill the form in and send it."""
    response = client.post(
        "/review/bulk",
        data={
            "csrf_token": form_csrf_token(form_page),
            "ids": re.findall(r'name="ids" value="([^"]+)"', bulk_form),
            "queue": _attribute(bulk_form, r'name="queue" value="([^"]+)"'),
            "action": "new_measure",
        },
    )
    assert response.status_code == 302
    new_page = client.get(response.headers["Location"]).get_data(as_text=True)
    action = _attribute(new_page, r'<form method="post" action="(/measures/new[^"]*)"')
    observation_ids = _attribute(new_page, r'name="observation_ids" type="hidden" value="([^"]*)"')
    data = {"csrf_token": form_csrf_token(new_page), "observation_ids": observation_ids}
    return new_page, client.post(action, data=data | MEASURE_FORM)


def test_a_measure_made_from_the_queue_leads_back_to_its_tab_and_page(
    app, officer, coordinator, as_user, monkeypatch
):
    monkeypatch.setattr("webapp.map.views.QUEUE_PAGE_SIZE", 1)
    with app.app_context():
        add_observation(officer, status="reviewed", hours_ago=1)
        older = add_observation(officer, status="reviewed", hours_ago=5)
    client = as_user(coordinator)
    queue = client.get("/review/?status=reviewed&page=2").get_data(as_text=True)

    new_page, response = _make_measure(client, queue, queue)  # the one row on page 2

    # The form leads back before it is sent (the coordinator may change their mind) ...
    assert _back_link(new_page) == "/review/?status=reviewed&page=2"
    assert "Tillbaka till granskningskön" in new_page
    # ... and the new measure's page after.
    assert response.status_code == 302
    with app.app_context():
        measure = db.session.execute(db.select(Measure)).scalar_one()
        assert [o.id for o in measure.observations] == [older]
    location = urlsplit(response.headers["Location"])
    assert location.path == f"/measures/{measure.id}"
    assert parse_qs(location.query) == {"back": ["/review/?status=reviewed&page=2"]}
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Åtgärden är skapad." in page
    assert _back_link(page) == "/review/?status=reviewed&page=2"


def test_a_measure_made_on_a_records_page_leads_back_to_the_queue_it_was_opened_from(
    app, officer, coordinator, as_user
):
    with app.app_context():
        observation_id = add_observation(officer)
    client = as_user(coordinator)
    record = client.get(f"/review/observations/{observation_id}?status=new&page=3")
    record_page = record.get_data(as_text=True)
    bulk_form = record_page[record_page.index('action="/review/bulk"') :]

    _, response = _make_measure(client, record_page, bulk_form)

    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert _back_link(page) == "/review/?status=new&page=3"


def test_the_actions_stand_above_the_rows_and_the_keyboard_can_jump_back_to_them(
    app, officer, coordinator, as_user
):
    """At 1366 px the actions sat under fifty rows; now they come first, where ticking starts,
    and a link after the rows leads a keyboard back up to them."""
    with app.app_context():
        for _ in range(3):
            add_observation(officer)
    page = as_user(coordinator).get("/review/").get_data(as_text=True)
    bar = page.index('<fieldset class="bulk" id="bulk-actions"')
    first_box = page.index('name="ids"')
    skip = page.index('<a class="bulk-skip" href="#bulk-actions">')
    assert page.index('<form method="post" action="/review/bulk"') < bar < first_box < skip
    assert page.index("</table>") < skip < page.index("</form>")
