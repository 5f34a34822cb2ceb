"""Nothing unmoderated is public, contact details reach only the coordinator, text stays text.

The checks walk every GET route of the app (not a list kept by hand), so a new page or JSON
that leaked a report would fail here too.
"""

from __future__ import annotations

import uuid

import pytest
from flask import Flask
from werkzeug.routing import IntegerConverter, Rule

from tests.citizen.helpers import CONTACT, HOSTILE, make_survey, post_report, report_payload
from tests.conftest import form_csrf_token

SKIP = {"static", "field.vendor", "auth.logout"}


def _get_urls(app: Flask, values: dict[str, object]) -> list[str]:
    urls = []
    adapter = app.url_map.bind("localhost")
    for rule in app.url_map.iter_rules():
        if "GET" not in (rule.methods or ()) or rule.endpoint in SKIP:
            continue
        urls.append(adapter.build(rule.endpoint, _arguments(rule, values)))
    return sorted(set(urls))


def _arguments(rule: Rule, values: dict[str, object]) -> dict[str, object]:
    arguments = {}
    for name in rule.arguments:
        converter = rule._converters[name]
        if isinstance(converter, IntegerConverter):
            default: object = 1
        elif converter.__class__.__name__ == "AnyConverter":
            default = sorted(converter.items)[0]
        else:
            default = str(uuid.uuid4())
        arguments[name] = values.get(name, default)
    return arguments


def _bodies(client, urls: list[str], *, html_only: bool = False) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """The bodies of the pages that answered (redirects to /login echo the URL asked for)."""
    bodies = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code < 500, url
        if response.status_code < 300 and (response.mimetype == "text/html" or not html_only):
            bodies[url] = response.get_data().decode("utf-8", "replace")  # PDFs and ZIPs too
    return bodies


@pytest.fixture
def hostile_report(app, client) -> str:  # type: ignore[no-untyped-def]
    """A pending report sent through the API, with hostile text and contact details."""
    payload = report_payload(app, text=HOSTILE, contact=CONTACT)
    assert post_report(client, payload).status_code == 201
    return payload["id"]


def test_nothing_of_an_unmoderated_report_appears_on_any_public_page_or_json(
    app, hostile_report, coordinator
):
    _sid, code, _q = make_survey(app, coordinator.id)
    urls = _get_urls(app, {"report_id": hostile_report, "code": code})
    assert "/report" in urls and "/feedback" in urls and "/api/v1/public/reports.geojson" in urls

    for url, body in _bodies(app.test_client(), urls).items():
        for secret in ("HOSTILE-MARK", CONTACT, hostile_report):
            # As in the access matrix, an id the caller put in the URL may come back: the
            # report's follow-up page sends the language and theme switches back to itself.
            assert secret in url or secret not in body, f"{secret} leaked on {url}"


@pytest.mark.parametrize("persona", ["officer", "staff", "admin", "outsider"])
def test_contact_details_reach_no_one_but_the_coordinator(
    app, request, as_user, coordinator, hostile_report, persona
):
    # The coordinator turns it into a review item: officers and staff then see the observation.
    desk = as_user(coordinator)
    token = form_csrf_token(desk.get("/citizen/reports/").get_data(as_text=True))
    desk.post(f"/citizen/reports/{hostile_report}/convert", data={"csrf_token": token})
    from webapp.citizen.models import PublicReport
    from webapp.extensions import db

    with app.app_context():
        observation_id = db.session.get(PublicReport, hostile_report).observation_id
    client = as_user(request.getfixturevalue(persona))
    urls = _get_urls(app, {"report_id": hostile_report, "observation_id": observation_id})
    urls.append("/api/v1/observations.geojson")

    bodies = _bodies(client, urls)

    for url, body in bodies.items():
        assert CONTACT not in body, f"contact details leaked to {persona} on {url}"
    if persona in ("officer", "staff"):
        # They do see the review item itself on the map layer (proof the walk reached it).
        assert observation_id in bodies["/api/v1/observations.geojson"]


def test_the_coordinator_sees_the_contact_details_on_the_report_page(
    app, as_user, coordinator, hostile_report
):
    page = as_user(coordinator).get(f"/citizen/reports/{hostile_report}").get_data(as_text=True)

    assert CONTACT in page


def test_hostile_text_is_escaped_on_every_coordinator_page(
    app, as_user, coordinator, hostile_report
):
    client = as_user(coordinator)
    token = form_csrf_token(client.get("/citizen/reports/").get_data(as_text=True))
    client.post(
        f"/citizen/reports/{hostile_report}/publish",
        data={"csrf_token": token, "public_text": HOSTILE},
    )
    urls = _get_urls(app, {"report_id": hostile_report})

    bodies = _bodies(client, urls, html_only=True)

    assert f"/citizen/reports/{hostile_report}" in bodies
    for url, body in bodies.items():
        assert "<script>alert(1)" not in body, url
        assert "<img src=x" not in body, url


def test_published_hostile_text_is_only_data_in_the_public_json(
    app, as_user, coordinator, hostile_report, client
):
    desk = as_user(coordinator)
    token = form_csrf_token(desk.get("/citizen/reports/").get_data(as_text=True))
    desk.post(
        f"/citizen/reports/{hostile_report}/publish",
        data={"csrf_token": token, "public_text": HOSTILE},
    )

    response = client.get("/api/v1/public/reports.geojson")

    assert response.mimetype == "application/geo+json"
    assert "<" not in response.get_data(as_text=True)  # escaped as \\u003c, like Jinja's tojson
    [feature] = response.get_json()["features"]
    assert feature["properties"]["text"] == HOSTILE
    assert set(feature["properties"]) == {
        "id",
        "feeling",
        "feeling_label",
        "category",
        "category_label",
        "color",
        "text",
        "measure",
    }
    assert CONTACT not in response.get_data(as_text=True)
    for page in ("/report", "/feedback"):
        assert "HOSTILE-MARK" not in client.get(page).get_data(as_text=True)
