"""An activity's history reads as words: field names, labels, local times, no stored codes."""

from __future__ import annotations

import re
from html import unescape

import pytest
from flask import Flask

from tests.activities.helpers import meeting_edit_form, meeting_payload
from tests.conftest import api_post, form_csrf_token
from webapp.activities.history import changed_text, plain_text, previous_values
from webapp.activities.kinds import get_kind

URL = "/api/v1/activities"
STARTED = "2026-12-01T10:00:00+00:00"  # 11:00 in Sunne (winter time)


@pytest.fixture
def swedish(app: Flask):  # type: ignore[no-untyped-def]
    with app.test_request_context(headers={"Accept-Language": "sv"}):
        app.config["LANGUAGES"] = ("sv", "en")
        yield


def test_times_codes_and_yes_no_read_as_words(swedish):
    rows = previous_values(
        {
            "started_at": STARTED,
            "ended_at": None,
            "visibility": "police",
            "lat": 59.8366,
            "lon": 13.144,
            "accuracy_m": 8.0,
            "manual_position": False,
            "place": "",
        },
        get_kind("business_visit"),
    )
    assert rows == [
        ("Starttid", "1 dec. 2026 11:00"),
        ("Sluttid", "–"),
        ("Synlig för", "endast polisen"),
        ("Position på kartan", "59,83660, 13,14400 (± 8 m) – placerad för hand på kartan: Nej"),
        ("Plats", "–"),
    ]


def test_details_are_named_one_by_one_and_only_those_that_changed(swedish):
    kind = get_kind("andt")
    before = {
        "intervention": "samtal",
        "reached": {"under_15": 2, "age_15_17": 3},
        "substances": ["alkohol", "tobak"],
        "actions": "",
    }
    after = {**before, "reached": {"under_15": 2, "age_15_17": 4}, "substances": ["alkohol"]}
    rows = previous_values({"details": before}, kind, {"details": after})
    assert rows == [
        ("Unga som nåddes, efter ålder", "under 15: 2, 15–17: 3"),
        ("Preparat och teman", "Alkohol, Tobak"),
    ]
    changed = changed_text(["details", "visibility"], {"details": before}, kind, {"details": after})
    assert changed == "unga som nåddes, efter ålder, preparat och teman, synlig för"
    assert "{" not in str(rows)


def test_position_names_itself_once_and_empty_values_read_as_a_dash(swedish):
    kind = get_kind("business_visit")
    assert changed_text(["lat", "lon", "accuracy_m"], {}, kind) == "position på kartan"
    assert previous_values({"lat": None, "lon": None}, kind) == [("Position på kartan", "–")]
    assert plain_text(True) == "Ja"
    assert plain_text([]) == "–"
    assert plain_text({"a_key": 1}) == "a_key: 1"  # no braces even for an unknown key


def test_an_edit_made_in_the_form_shows_in_swedish_on_the_page(app, staff_client):
    payload = meeting_payload(started_at=STARTED, ended_at="2026-12-01T11:00:00+00:00")
    body = api_post(staff_client, URL, payload).get_json()
    edit = staff_client.get(f"/activities/{body['id']}/edit").get_data(as_text=True)
    form = meeting_edit_form(
        edit,
        body,
        started_at="2026-12-01T11:30",  # half an hour later, Sunne time
        visibility="municipality",
    )
    assert staff_client.post(f"/activities/{body['id']}/edit", data=form).status_code == 302

    app.config["LANGUAGES"] = ("sv", "en")
    staff_client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "sv"
    html = staff_client.get(f"/activities/{body['id']}").get_data(as_text=True)
    history = unescape(html[html.index("<h2>Historik</h2>") :])
    assert "ändrade starttid, synlig för, antal ärenden som togs upp" in history
    assert "<dt>Starttid</dt><dd>1 dec. 2026 11:00</dd>" in history
    assert "<dt>Synlig för</dt><dd>delad</dd>" in history
    assert "<dt>Antal ärenden som togs upp</dt><dd>4</dd>" in history
    for raw in ("started_at", "visibility", "cases_discussed", "shared", "{", '"'):
        assert raw not in re.sub(r"<[^>]+>", "", history), raw


def test_follow_ups_and_promises_read_as_words(swedish):
    kind = get_kind("meeting")
    rows = previous_values(
        {
            "promise_ids": [],
            "follow_ups": [
                {"what": "Informera fritidsgården", "owner": "fritid", "due_on": "2026-12-15"}
            ],
        },
        kind,
    )
    assert rows == [
        ("Medborgarlöften", "inget löfte"),
        ("Uppföljningar", "Informera fritidsgården – Fritid och ungdom, senast 15 dec. 2026"),
    ]


def test_the_patrol_page_shows_its_history_in_words(app, officer_client, started_patrol):
    patrol_id = started_patrol["id"]
    page = officer_client.get(f"/activities/{patrol_id}/edit").get_data(as_text=True)
    form = {
        "csrf_token": form_csrf_token(page),
        "started_at": re.search(r'name="started_at" value="([^"]+)"', page).group(1),
        "details.participants_count": "4",
        "details.organisations": ["police", "municipality"],
        "area": "sunne-centrum",
        "visibility": "police",
    }
    assert officer_client.post(f"/activities/{patrol_id}/edit", data=form).status_code == 302
    officer_client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    html = unescape(officer_client.get(f"/patrols/{patrol_id}").get_data(as_text=True))
    history = html[html.index("<h2>History</h2>") :]
    assert "changed how many took part, from which organisations" in history
    assert "<dt>How many took part</dt><dd>2</dd>" in history
    assert "<dt>From which organisations</dt><dd>Police</dd>" in history
    assert "participants_count" not in history
