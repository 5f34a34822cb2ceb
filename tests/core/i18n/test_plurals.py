"""Counts take the right plural form, and ambiguous words the right Swedish word for their noun.

Pages are rendered with 1 and with 2 of something, in Swedish and in English (Accept-Language:
these users have not chosen a language, so the browser's wish decides).
"""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.activities.helpers import patrol_payload
from tests.conftest import api_post
from tests.walks.helpers import join, make_walk, post_spot, spot

PATROL_PEOPLE = {
    ("sv", 1): "1 person",
    ("sv", 2): "2 personer",
    ("en", 1): "1 person",
    ("en", 2): "2 people",
}
WALK_SPOTS = {
    ("sv", 1): "1 plats markerad.",
    ("sv", 2): "2 platser markerade.",
    ("en", 1): "1 spot marked.",
    ("en", 2): "2 spots marked.",
}
WALK_PARTICIPANTS = {
    ("sv", 1): "1 deltagare: 1 anslöt med telefonen",
    ("sv", 2): "2 deltagare: 2 anslöt med telefonen",
    ("en", 1): "1 participant: 1 joined by phone",
    ("en", 2): "2 participants: 2 joined by phone",
}
WRONG_FORMS = ("1 personer", "1 people", "1 platser", "1 spots", "1 participants", "2 plats ")


def page(client: FlaskClient, url: str, language: str) -> str:
    response = client.get(url, headers={"Accept-Language": language}, follow_redirects=True)
    assert response.status_code == 200, response.status_code
    return " ".join(response.get_data(as_text=True).split())


@pytest.mark.parametrize("people", [1, 2])
def test_patrol_page_counts_the_people_who_took_part(as_user, officer, people):  # type: ignore[no-untyped-def]
    client = as_user(officer)
    payload = patrol_payload(details={"participants_count": people, "organisations": ["police"]})
    response = api_post(client, "/api/v1/activities", payload)
    assert response.status_code == 201, response.get_json()
    for language in ("sv", "en"):
        html = page(client, f"/activities/{payload['id']}", language)
        assert PATROL_PEOPLE[(language, people)] in html
        assert not [wrong for wrong in WRONG_FORMS if wrong in html]


@pytest.mark.parametrize("count", [1, 2])
def test_walk_page_counts_spots_and_participants(app: Flask, as_user, coordinator, count):  # type: ignore[no-untyped-def]
    walk = make_walk(app, coordinator.id)
    for _ in range(count):
        phone = join(app, walk.join_code)
        assert post_spot(phone, walk.id, spot()).status_code == 201
    client = as_user(coordinator)
    for language in ("sv", "en"):
        html = page(client, f"/walks/{walk.id}", language)
        assert WALK_SPOTS[(language, count)] in html
        assert WALK_PARTICIPANTS[(language, count)] in html
        assert not [wrong for wrong in WRONG_FORMS if wrong in html]


def test_texts_for_the_scripts_come_in_both_forms(as_user, officer, coordinator):  # type: ignore[no-untyped-def]
    """The scripts fill in {n} and take the …-one text when it is 1."""
    start = page(as_user(officer), "/", "sv")
    assert 'data-sent-one="{n} registrering har skickats in."' in start
    assert 'data-sent="{n} registreringar har skickats in."' in start
    patrols = page(as_user(officer), "/patrols/", "sv")
    assert 'data-text-point-one="{n} punkt, {m} m"' in patrols
    assert 'data-text-points="{n} punkter, {m} m"' in patrols
    review_map = page(as_user(coordinator), "/review/map", "en")
    assert "{n} record shown" in review_map and "{n} records shown" in review_map


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("sv", {"owner": "Annan", "organisation": "Annan", "theme": "Annat"}),
        ("en", {"owner": "Other", "organisation": "Other", "theme": "Other"}),
    ],
)
def test_other_agrees_with_its_noun(app: Flask, language: str, expected: dict[str, str]) -> None:
    from webapp.activities.kinds.meeting import ORGANISATIONS, THEMES
    from webapp.core.labels import MEASURE_OWNER

    with app.test_request_context(headers={"Accept-Language": language}):
        found = {
            "owner": str(MEASURE_OWNER["other"]),  # en ansvarig: "Annan"
            "organisation": str(ORGANISATIONS["annan"]),  # en organisation: "Annan"
            "theme": str(THEMES["annat"]),  # ett tema: "Annat"
        }
    assert found == expected
