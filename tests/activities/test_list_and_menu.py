"""The activity list and the menu as a first-time user met them: a patrol page offered to staff
who record no patrols, police-only types in staff's filter, no way to find one's own entries,
and a business visit's row with nothing that told it from the others."""

from __future__ import annotations

import re
from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient

from tests.activities.helpers import andt_payload, meeting_payload, visit_payload
from tests.conftest import api_post, make_user
from webapp.activities.models import ActivityType
from webapp.core.access import Role
from webapp.core.localtime import local_today
from webapp.extensions import db

URL = "/api/v1/activities"


def record(client: FlaskClient, payload: dict) -> str:
    response = api_post(client, URL, payload)
    assert response.status_code == 201, response.get_json()
    return payload["id"]


def type_options(html: str) -> set[str]:
    select = re.search(r'<select id="f-type" name="type">(.*?)</select>', html, re.S)
    assert select is not None
    return set(re.findall(r'<option value="([^"]+)"', select.group(1)))


def list_rows(html: str) -> list[str]:
    body = re.search(r"<tbody>(.*?)</tbody>", html, re.S)
    assert body is not None
    return re.findall(r"<tr>(.*?)</tr>", body.group(1), re.S)


def test_staff_are_offered_no_patrol_page_while_every_patrol_type_is_police_work(
    app: Flask, staff_client: FlaskClient, officer_client: FlaskClient
) -> None:
    start = staff_client.get("/").get_data(as_text=True)
    assert 'href="/patrols/"' not in start  # neither in the menu nor on the start page
    assert 'href="/patrols/"' not in staff_client.get("/activities/").get_data(as_text=True)
    assert start.count('href="/activities/"') >= 1  # the rest of the menu is there
    assert 'href="/patrols/"' in officer_client.get("/").get_data(as_text=True)
    assert 'href="/patrols/"' in officer_client.get("/activities/").get_data(as_text=True)

    # A patrol the municipality takes part in (night walks): then staff start patrols too.
    with app.app_context():
        db.session.add(
            ActivityType(
                code="nattvandring", name="Nattvandring", kind="patrol", organisation="joint"
            )
        )
        db.session.commit()
    assert 'href="/patrols/"' in staff_client.get("/").get_data(as_text=True)


def test_the_type_filter_lists_the_types_the_viewer_can_read(
    app: Flask, staff_client: FlaskClient, officer_client: FlaskClient
) -> None:
    record(officer_client, visit_payload())  # police only
    record(officer_client, andt_payload())  # police only
    html = staff_client.get("/activities/").get_data(as_text=True)
    options = type_options(html)
    assert "foretagsbesok" not in options and "andt" not in options and "fotpatrull" not in options
    assert "samverkan-skola-soc" in options  # joint work staff record
    assert {"foretagsbesok", "andt", "fotpatrull"} <= type_options(
        officer_client.get("/activities/").get_data(as_text=True)
    )

    # A visit shared with the municipality is in staff's list, so its type is in the filter.
    record(officer_client, visit_payload(visibility="shared"))
    options = type_options(staff_client.get("/activities/").get_data(as_text=True))
    assert "foretagsbesok" in options and "andt" not in options


def test_mine_shows_only_what_the_officer_recorded(
    app: Flask, officer_client: FlaskClient, as_user
) -> None:  # type: ignore[no-untyped-def]
    with app.app_context():
        colleague = make_user(Role.OFFICER, "colleague", organisation="police")
    own = record(officer_client, visit_payload())
    theirs = record(as_user(colleague), visit_payload())
    record(as_user(colleague), meeting_payload())

    everyone = officer_client.get("/activities/").get_data(as_text=True)
    assert own in everyone and theirs in everyone
    mine = officer_client.get("/activities/?mine=1").get_data(as_text=True)
    assert len(list_rows(mine)) == 1 and own in mine and theirs not in mine
    assert "<h1>My activities</h1>" in mine
    assert re.search(r'name="mine" value="1" checked', mine)
    # "My records" leads here by name.
    records = officer_client.get("/field/mine").get_data(as_text=True)
    assert re.search(r'<a href="/activities/\?mine=1"[^>]*>My activities</a>', records)


def test_a_row_says_which_business_or_where(app: Flask, officer_client: FlaskClient) -> None:
    """A visit with no place typed showed "–": the business tells it apart. An entry with only
    a position shows the area it lies in."""
    record(officer_client, visit_payload())  # Rottneros, no place, no area
    in_centrum = andt_payload(place=None, lat=59.8366, lon=13.1440)
    del in_centrum["place"]
    record(officer_client, in_centrum)
    rows = list_rows(officer_client.get("/activities/").get_data(as_text=True))
    visit = next(r for r in rows if "Besök hos handlare" in r)
    assert "Rottneros Bygg AB · Sunne kommun" in visit
    andt = next(r for r in rows if "ANDT" in r)
    assert '<span class="cell">Sunne centrum</span>' in andt


def test_a_refused_visit_form_leads_with_its_errors(officer_client: FlaskClient) -> None:
    """Without the script (or on an edit): the list of errors is focused as the page opens, and
    the position's message stands under its heading, not under the map."""
    from tests.conftest import form_csrf_token

    form = officer_client.get("/activities/new/foretagsbesok").get_data(as_text=True)
    response = officer_client.post(
        "/activities/new/foretagsbesok",
        data={
            "csrf_token": form_csrf_token(form),
            "started_at": f"{local_today() - timedelta(days=1)}T10:00",
            "details.topics": "trygghet",
        },
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert re.search(r'id="form-errors"[^>]*autofocus', html)
    # In the form's order (the validator checks the position before the details).
    assert html.index('<a href="#f-details-business_name">') < html.index('<a href="#f-lat">')
    assert html.index('id="f-lat-error"') < html.index("data-locate")
