"""When a walk may lie: a planned walk not in the past; a held walk may be recorded afterwards."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from werkzeug.datastructures import MultiDict

from tests.walks.helpers import make_walk
from tests.walks.test_plan_form import submitted
from webapp.core.localtime import local_today
from webapp.extensions import db
from webapp.walks.models import SafetyWalk

ROUTE = {"type": "LineString", "coordinates": [[13.144, 59.8366], [13.142, 59.838]]}
STOPS = [{"id": None, "name": "Torget", "lat": 59.8366, "lon": 13.144}]
PAST_DAY = "2020-03-01"
PAST_MESSAGE = "En planerad vandring kan inte ligga bakåt i tiden"


def _set(fields: MultiDict, **values: str) -> None:
    for name, value in values.items():
        fields[name] = value  # replaces; MultiDict.update would add a second value


def _new_plan(client, day: str):  # type: ignore[no-untyped-def]
    fields = submitted(
        client.get("/walks/new").get_data(as_text=True),
        "walk-form",
        **{"route-input": json.dumps(ROUTE), "stops-input": json.dumps(STOPS)},
    )
    _set(
        fields,
        name="Kvällsvandring",
        day=day,
        start_time="19:00",
        meeting_point="Stortorget",
        notes="Ta med reflexvästar",
    )
    return client.post("/walks/new", data=fields)


def _walk_count(app) -> int:  # type: ignore[no-untyped-def]
    with app.app_context():
        return len(db.session.execute(db.select(SafetyWalk.id)).all())


def test_a_new_walk_in_the_past_is_refused_with_a_message_at_the_date(app, coordinator, as_user):
    response = _new_plan(as_user(coordinator), PAST_DAY)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert f'<p class="error" id="day-error">{PAST_MESSAGE}' in page
    assert _walk_count(app) == 0
    # Everything typed and drawn comes back.
    again = submitted(page, "walk-form")
    assert again["name"] == "Kvällsvandring" and again["day"] == PAST_DAY
    assert (
        again["meeting_point"] == "Stortorget" and again["notes"].strip() == "Ta med reflexvästar"
    )
    assert json.loads(again["route"]) == ROUTE
    assert [s["name"] for s in json.loads(again["stops"])] == ["Torget"]


def test_a_walk_planned_for_today_is_accepted(app, coordinator, as_user):
    response = _new_plan(as_user(coordinator), local_today().isoformat())
    assert response.status_code == 302
    assert _walk_count(app) == 1


def _edit(client, walk_id: int, **changes: str):  # type: ignore[no-untyped-def]
    fields = submitted(client.get(f"/walks/{walk_id}/edit").get_data(as_text=True), "walk-form")
    _set(fields, **changes)
    return client.post(f"/walks/{walk_id}/edit", data=fields)


def test_moving_a_planned_walk_into_the_past_is_refused(app, coordinator, as_user):
    walk = make_walk(app, coordinator.id)
    response = _edit(as_user(coordinator), walk.id, day=PAST_DAY)
    assert response.status_code == 422
    assert PAST_MESSAGE in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(SafetyWalk, walk.id).starts_at.year != 2020


def test_a_walk_that_took_place_can_be_recorded_with_its_past_date(app, coordinator, as_user):
    walk = make_walk(app, coordinator.id)
    response = _edit(as_user(coordinator), walk.id, day=PAST_DAY, status="held")
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        saved = db.session.get(SafetyWalk, walk.id)
        assert saved.status == "held" and saved.starts_at.year == 2020


def test_a_planned_walk_whose_day_has_passed_can_still_be_edited(app, coordinator, as_user):
    # Not yet marked held: the coordinator may still fix its notes without inventing a date.
    walk = make_walk(app, coordinator.id, starts_at=datetime.now(UTC) - timedelta(days=3))
    response = _edit(as_user(coordinator), walk.id, notes="Hölls, protokoll kommer")
    assert response.status_code == 302, response.get_data(as_text=True)


def test_a_follow_up_walk_in_the_past_is_refused(app, coordinator, as_user):
    original = make_walk(app, coordinator.id)
    client = as_user(coordinator)
    fields = submitted(client.get(f"/walks/{original.id}").get_data(as_text=True), "follow-up-form")
    _set(fields, day=PAST_DAY, start_time="19:00")
    response = client.post(f"/walks/{original.id}/follow-up", data=fields, follow_redirects=True)
    assert PAST_MESSAGE in response.get_data(as_text=True)
    assert _walk_count(app) == 1
