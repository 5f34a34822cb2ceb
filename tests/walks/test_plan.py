"""Planning walks: the coordinator creates, edits and deletes them; others only read."""

from __future__ import annotations

import json

import pytest

from tests.conftest import form_csrf_token
from tests.walks.helpers import join, make_walk, post_rating, rating
from webapp.core.audit.models import AuditEntry
from webapp.extensions import db
from webapp.walks import joincode
from webapp.walks.models import SafetyWalk

ROUTE = {
    "type": "LineString",
    "coordinates": [[13.1440, 59.8366], [13.1420, 59.8380], [13.1460, 59.8350]],
}


def _form(client, url: str, **fields):  # type: ignore[no-untyped-def]
    page = client.get(url).get_data(as_text=True)
    data = {
        "csrf_token": form_csrf_token(page),
        "name": "Trygghetsvandring Sunne centrum",
        "day": "2030-10-14",
        "start_time": "18:30",
        "end_time": "20:00",
        "light": "after_dark",
        "meeting_point": "Stortorget",
        "invited": "Polisen\nTekniska förvaltningen\nPolisen\n",
        "route": json.dumps(ROUTE),
        "stops": json.dumps(
            [
                {"name": "Stortorget", "lat": 59.8366, "lon": 13.1440},
                {"name": "Busstationen", "lat": 59.8380, "lon": 13.1420},
            ]
        ),
        "visibility": "shared",
        "status": "planned",
        "summary": "",
        "notes": "Ta med reflexvästar",
        **fields,
    }
    return client.post(url, data=data)


def test_coordinator_plans_a_walk_with_route_stops_and_a_join_code(app, coordinator, as_user):
    response = _form(as_user(coordinator), "/walks/new")
    assert response.status_code == 302
    with app.app_context():
        walk = db.session.execute(db.select(SafetyWalk)).scalar_one()
        assert walk.after_dark and walk.meeting_point == "Stortorget"
        assert walk.invited_organisations == ["Polisen", "Tekniska förvaltningen"]
        assert walk.route == ROUTE
        assert [(s.position, s.name) for s in walk.stops] == [
            (1, "Stortorget"),
            (2, "Busstationen"),
        ]
        # 18:30 in Stockholm in October is 16:30 UTC (summer time ends the last Sunday).
        assert walk.starts_at.hour == 16 and walk.starts_at.minute == 30
        assert joincode.normalise(walk.join_code) == walk.join_code
        assert db.session.execute(
            db.select(AuditEntry).filter_by(action="walk.create")
        ).scalar_one()
    assert response.headers["Location"].endswith(f"/walks/{walk.id}")


@pytest.mark.parametrize("persona", ["officer", "staff"])
def test_only_the_coordinator_plans_edits_and_deletes(app, request, coordinator, as_user, persona):
    walk = make_walk(app, coordinator.id)
    client = as_user(request.getfixturevalue(persona))
    assert client.get("/walks/new").status_code == 403
    assert client.get(f"/walks/{walk.id}/edit").status_code == 403
    token = form_csrf_token(client.get(f"/walks/{walk.id}").get_data(as_text=True))
    assert client.post("/walks/new", data={"csrf_token": token, "name": "x"}).status_code == 403
    assert client.post(f"/walks/{walk.id}/delete", data={"csrf_token": token}).status_code == 403
    assert (
        client.post(f"/walks/{walk.id}/code/revoke", data={"csrf_token": token}).status_code == 403
    )
    # ...but they read the walk and its protocol.
    assert client.get(f"/walks/{walk.id}").status_code == 200
    assert client.get(f"/walks/{walk.id}/protocol").status_code == 200


def test_admin_sees_no_walks(app, coordinator, admin, as_user):
    walk = make_walk(app, coordinator.id)
    assert as_user(admin).get("/walks/").status_code == 403
    assert as_user(admin).get(f"/walks/{walk.id}").status_code == 403


def test_police_walks_are_hidden_from_municipal_staff(app, coordinator, staff, officer, as_user):
    walk = make_walk(app, coordinator.id, visibility="police")
    assert as_user(staff).get(f"/walks/{walk.id}").status_code == 404
    assert walk.name not in as_user(staff).get("/walks/").get_data(as_text=True)
    assert as_user(officer).get(f"/walks/{walk.id}").status_code == 200


def test_editing_keeps_stops_by_id_and_reorders_them(app, coordinator, as_user):
    walk = make_walk(app, coordinator.id)
    first, second, third = walk.stops
    stops = [
        {"id": third.id, "name": "Parken (vid lekplatsen)", "lat": third.lat, "lon": third.lon},
        {"id": first.id, "name": first.name, "lat": first.lat, "lon": first.lon},
        {"name": "Ny plats", "lat": 59.837, "lon": 13.145},
    ]
    response = _form(as_user(coordinator), f"/walks/{walk.id}/edit", stops=json.dumps(stops))
    assert response.status_code == 302
    with app.app_context():
        walk = db.session.get(SafetyWalk, walk.id)
        assert [(s.position, s.name) for s in walk.stops] == [
            (1, "Parken (vid lekplatsen)"),
            (2, "Stortorget"),
            (3, "Ny plats"),
        ]
        assert walk.stops[0].id == third.id
        assert second.id not in [s.id for s in walk.stops]


def test_a_rated_stop_cannot_be_removed(app, coordinator, as_user):
    walk = make_walk(app, coordinator.id)
    phone = join(app, walk.join_code)
    assert post_rating(phone, walk.id, walk.stops[0].id, rating()).status_code == 201
    stops = [{"id": s.id, "name": s.name, "lat": s.lat, "lon": s.lon} for s in walk.stops[1:]]
    response = _form(as_user(coordinator), f"/walks/{walk.id}/edit", stops=json.dumps(stops))
    assert response.status_code == 409
    assert "har betyg" in response.get_data(as_text=True) or "has ratings" in response.get_data(
        as_text=True
    )
    with app.app_context():
        assert len(db.session.get(SafetyWalk, walk.id).stops) == 3


@pytest.mark.parametrize(
    "field, value",
    [
        ("route", "not json"),
        ("route", json.dumps({"type": "Point", "coordinates": [13.1, 59.8]})),
        ("route", json.dumps({"type": "LineString", "coordinates": [[13.1, 99.0], [13.2, 59.8]]})),
        ("stops", json.dumps([{"name": "", "lat": 59.8, "lon": 13.1}])),
        ("stops", json.dumps([{"name": "Torget", "lat": "59.8", "lon": 13.1}])),
        ("stops", json.dumps([{"name": "Ring 811218-9876", "lat": 59.8, "lon": 13.1}])),
        ("name", ""),
        ("notes", "Prata med 811218-9876"),
    ],
)
def test_bad_plans_are_refused_with_422(app, coordinator, as_user, field, value):
    assert _form(as_user(coordinator), "/walks/new", **{field: value}).status_code == 422
    with app.app_context():
        assert db.session.execute(db.select(SafetyWalk)).first() is None


def test_a_walk_nobody_joined_can_be_deleted_but_not_one_with_participants(
    app, coordinator, as_user
):
    empty = make_walk(app, coordinator.id)
    used = make_walk(app, coordinator.id)
    join(app, used.join_code)
    client = as_user(coordinator)
    token = form_csrf_token(client.get(f"/walks/{empty.id}").get_data(as_text=True))
    assert client.post(f"/walks/{empty.id}/delete", data={"csrf_token": token}).status_code == 302
    client.post(f"/walks/{used.id}/delete", data={"csrf_token": token})
    with app.app_context():
        assert db.session.get(SafetyWalk, empty.id) is None
        assert db.session.get(SafetyWalk, used.id) is not None
        assert db.session.execute(
            db.select(AuditEntry).filter_by(action="walk.delete")
        ).scalar_one()


def test_the_poster_has_a_qr_code_of_the_join_link(app, coordinator, as_user):
    walk = make_walk(app, coordinator.id)
    client = as_user(coordinator)
    page = client.get(f"/walks/{walk.id}/poster").get_data(as_text=True)
    assert f"/walk/join/{walk.join_code}" in page
    assert joincode.display(walk.join_code) in page
    svg = client.get(f"/walks/{walk.id}/qr.svg")
    assert svg.status_code == 200 and svg.mimetype == "image/svg+xml"
    assert svg.get_data(as_text=True).startswith("<svg")


def test_the_qr_link_uses_the_configured_public_address(app, coordinator, as_user):
    walk = make_walk(app, coordinator.id)
    app.config["WALK_PUBLIC_BASE_URL"] = "https://trygg.sunne.se/"
    page = as_user(coordinator).get(f"/walks/{walk.id}/poster").get_data(as_text=True)
    assert f"https://trygg.sunne.se/walk/join/{walk.join_code}" in page
