"""Foot patrols: start and stop (idempotent), duration, route, observations, forgotten patrols."""

from __future__ import annotations

import html
import json
import re
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from geopy.distance import geodesic

from tests.activities.helpers import ago, iso, load, patrol_payload
from tests.conftest import api_post, form_csrf_token
from webapp.activities.models import Activity
from webapp.activities.patrols.service import close_stale_patrols
from webapp.core.audit.models import AuditEntry
from webapp.extensions import db

URL = "/api/v1/activities"
ROUTE = [[13.1440, 59.8366], [13.1452, 59.8371], [13.1470, 59.8368], [13.1481, 59.8360]]


def stop(client, patrol_id, **payload):  # type: ignore[no-untyped-def]
    payload.setdefault("ended_at", iso(ago(minutes=5)))
    return api_post(client, f"{URL}/{patrol_id}/stop", payload)


def test_stopping_a_patrol_records_its_end_and_duration(officer_client):
    now = ago()
    started = iso(now - timedelta(minutes=95))
    patrol = api_post(officer_client, URL, patrol_payload(started_at=started)).get_json()
    assert patrol["ended_at"] is None and patrol["duration_s"] is None
    response = stop(officer_client, patrol["id"], ended_at=iso(now - timedelta(minutes=5)))
    assert response.status_code == 200
    body = response.get_json()
    assert body["duration_s"] == 90 * 60
    assert body["auto_closed"] is False


def test_replaying_a_stop_returns_the_patrol_and_a_different_stop_conflicts(
    officer_client, started_patrol
):
    ended = iso(ago(minutes=2))
    first = stop(
        officer_client,
        started_patrol["id"],
        ended_at=ended,
        route={"type": "LineString", "coordinates": ROUTE},
    )
    again = stop(
        officer_client,
        started_patrol["id"],
        ended_at=ended,
        route={"type": "LineString", "coordinates": ROUTE},
    )
    other = stop(officer_client, started_patrol["id"], ended_at=iso(ago(minutes=1)))
    assert (first.status_code, again.status_code, other.status_code) == (200, 200, 409)
    assert again.get_json()["ended_at"] == first.get_json()["ended_at"]


def test_replaying_the_start_after_the_stop_is_still_a_replay(officer_client):
    payload = patrol_payload()
    api_post(officer_client, URL, payload)
    stop(officer_client, payload["id"])
    assert api_post(officer_client, URL, payload).status_code == 200


def test_stop_before_start_is_refused(officer_client, started_patrol):
    response = stop(officer_client, started_patrol["id"], ended_at=iso(ago(hours=3)))
    assert response.status_code == 422
    assert "ended_at" in response.get_json()["error"]["fields"]


def test_stopping_something_that_is_not_a_patrol_is_refused(officer_client):
    from tests.activities.helpers import andt_payload

    andt = api_post(officer_client, URL, andt_payload()).get_json()
    assert stop(officer_client, andt["id"]).status_code == 422


def test_only_the_author_or_a_coordinator_stops_a_patrol(
    as_user, app, officer, coordinator, started_patrol
):
    from tests.conftest import make_user
    from webapp.core.access import Role

    with app.app_context():
        colleague = make_user(Role.OFFICER, "colleague")
    assert stop(as_user(colleague), started_patrol["id"]).status_code == 403
    assert stop(as_user(coordinator), started_patrol["id"]).status_code == 200


def test_route_length_is_the_sum_of_geodesic_segments(officer_client, started_patrol):
    response = stop(
        officer_client, started_patrol["id"], route={"type": "LineString", "coordinates": ROUTE}
    )
    body = response.get_json()
    expected = sum(
        geodesic((a[1], a[0]), (b[1], b[0])).meters for a, b in zip(ROUTE, ROUTE[1:], strict=False)
    )
    assert body["length_m"] == pytest.approx(expected, abs=0.1)
    assert body["route"]["coordinates"] == ROUTE


def test_route_along_a_meridian_has_the_known_length(officer_client, started_patrol):
    # One degree of latitude from the equator is 110 574 m on WGS84 (geodesic, not a sphere).
    route = {"type": "LineString", "coordinates": [[0.0, 0.0], [0.0, 0.5], [0.0, 1.0]]}
    body = stop(officer_client, started_patrol["id"], route=route).get_json()
    assert body["length_m"] == pytest.approx(110_574.4, abs=1)


@pytest.mark.parametrize(
    "route",
    [
        {"type": "Point", "coordinates": [13.1, 59.8]},
        {"type": "LineString", "coordinates": [[13.1, 99.0], [13.2, 59.8]]},
        {"type": "LineString", "coordinates": [["13.1", "59.8"], [13.2, 59.8]]},
        {"type": "LineString", "coordinates": "13.1,59.8"},
        [[13.1, 59.8], [13.2, 59.8]],
    ],
)
def test_malformed_routes_are_refused(officer_client, started_patrol, route):
    response = stop(officer_client, started_patrol["id"], route=route)
    assert response.status_code == 422
    assert "route" in response.get_json()["error"]["fields"]


def test_too_many_route_points_are_refused(app, officer_client, started_patrol):
    app.config["PATROL_ROUTE_MAX_POINTS"] = 3
    response = stop(
        officer_client, started_patrol["id"], route={"type": "LineString", "coordinates": ROUTE}
    )
    assert response.status_code == 422


def test_observation_made_during_a_patrol_attaches_to_it(officer_client, started_patrol):
    page = officer_client.get("/").get_data(as_text=True)
    open_id = re.search(r'data-open-patrol-id="([^"]+)"', page).group(1)
    assert open_id == started_patrol["id"]
    assert officer_client.get("/api/v1/patrols/open").get_json()["patrol"]["id"] == open_id
    observation = {
        "id": str(uuid.uuid4()),
        "lat": 59.8366,
        "lon": 13.1440,
        "observed_at": iso(ago(minutes=10)),
        "category": "belysning",
        "note": "Trasig gatlampa",
        "activity_id": open_id,
    }
    response = api_post(officer_client, "/api/v1/observations", observation)
    assert response.status_code == 201
    assert response.get_json()["activity_id"] == started_patrol["id"]
    detail = officer_client.get(f"/patrols/{started_patrol['id']}").get_data(as_text=True)
    assert "Trasig gatlampa" in detail
    # On the patrol's map in its category's colour (all were one orange), as in its list.
    map_data = json.loads(html.unescape(re.search(r'data-map="([^"]*)"', detail).group(1)))
    assert [o["color"] for o in map_data["observations"]] == ["#E69F00"]  # belysning
    assert 'style="--cat-color: #E69F00"' in detail


def test_no_open_patrol_attribute_after_the_stop(officer_client, started_patrol):
    stop(officer_client, started_patrol["id"])
    assert "data-open-patrol-id" not in officer_client.get("/").get_data(as_text=True)
    assert officer_client.get("/api/v1/patrols/open").get_json() == {"patrol": None}


def test_stale_patrol_is_closed_at_the_limit_and_flagged(app, officer_client):
    started = ago(hours=10)
    payload = patrol_payload(started_at=iso(started))
    api_post(officer_client, URL, payload)
    with app.app_context():
        closed = close_stale_patrols()
        assert [p.id for p in closed] == [payload["id"]]
        assert db.session.execute(
            db.select(AuditEntry).filter_by(action="patrol.auto_close")
        ).scalar_one()
    patrol = load(app, payload["id"])
    assert patrol.auto_closed is True
    assert patrol.ended_at == started + timedelta(hours=app.config["PATROL_MAX_HOURS"])


def test_stale_patrols_are_closed_when_patrols_are_listed(app, officer_client):
    payload = patrol_payload(started_at=iso(ago(hours=9)))
    api_post(officer_client, URL, payload)
    page = officer_client.get("/patrols/").get_data(as_text=True)
    assert load(app, payload["id"]).auto_closed is True
    assert "data-open-patrol-id" not in page


def test_patrol_limit_is_configurable(app, officer_client):
    app.config["PATROL_MAX_HOURS"] = 1
    payload = patrol_payload(started_at=iso(ago(minutes=90)))
    api_post(officer_client, URL, payload)
    with app.app_context():
        assert len(close_stale_patrols()) == 1


def test_close_stale_patrols_command(app, officer_client, coordinator_client):
    api_post(officer_client, URL, patrol_payload(started_at=iso(ago(hours=20))))
    api_post(coordinator_client, URL, patrol_payload(started_at=iso(ago(hours=1))))
    result = app.test_cli_runner().invoke(args=["close-stale-patrols"])
    assert result.exit_code == 0, result.output
    assert "1 stale patrol(s) closed." in result.output


def test_late_stop_from_the_phone_replaces_the_automatic_close(app, officer_client):
    payload = patrol_payload(started_at=iso(ago(hours=12)))
    api_post(officer_client, URL, payload)
    with app.app_context():
        close_stale_patrols()
    real_end = ago(hours=10)
    response = stop(officer_client, payload["id"], ended_at=iso(real_end))
    assert response.status_code == 200
    assert response.get_json()["auto_closed"] is False
    assert load(app, payload["id"]).ended_at == real_end


def test_starting_a_patrol_closes_the_forgotten_one(app, officer_client):
    first = patrol_payload(started_at=iso(ago(hours=3)))
    api_post(officer_client, URL, first)
    second = patrol_payload(started_at=iso(ago(minutes=30)))
    api_post(officer_client, URL, second)
    old = load(app, first["id"])
    assert old.auto_closed is True
    assert old.ended_at == datetime.fromisoformat(second["started_at"])
    assert officer_client.get("/api/v1/patrols/open").get_json()["patrol"]["id"] == second["id"]


def test_start_and_stop_through_the_plain_forms(app, officer_client):
    page = officer_client.get("/patrols/")
    html = page.get_data(as_text=True)
    patrol_id = re.search(r'name="id" value="([^"]+)"', html).group(1)
    form = {
        "csrf_token": form_csrf_token(html),
        "id": patrol_id,
        "activity_type": "fotpatrull",
        "details.participants_count": "3",
        "details.organisations": ["police", "volunteers"],
        "area": "sunne-centrum",
        "visibility": "police",
    }
    assert officer_client.post("/patrols/start", data=form).status_code == 302
    patrol = load(app, patrol_id)
    assert patrol.details == {"participants_count": 3, "organisations": ["police", "volunteers"]}
    running = officer_client.get("/patrols/").get_data(as_text=True)
    assert f"/patrols/{patrol_id}/stop" in running
    response = officer_client.post(
        f"/patrols/{patrol_id}/stop", data={"csrf_token": form_csrf_token(running)}
    )
    assert response.status_code == 302
    assert load(app, patrol_id).ended_at is not None


def test_start_form_errors_are_shown_with_422(officer_client):
    html = officer_client.get("/patrols/").get_data(as_text=True)
    form = {
        "csrf_token": form_csrf_token(html),
        "id": str(uuid.uuid4()),
        "activity_type": "fotpatrull",
        "details.participants_count": "0",
        "area": "sunne-centrum",
    }
    response = officer_client.post("/patrols/start", data=form)
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert 'aria-invalid="true"' in text


def test_patrol_map_carries_user_text_as_data_only(officer_client, started_patrol):
    hostile = "${alert(1)}</script><img src=x onerror=alert(2)>`"
    api_post(
        officer_client,
        "/api/v1/observations",
        {
            "id": str(uuid.uuid4()),
            "lat": 59.8366,
            "lon": 13.1440,
            "observed_at": iso(ago(minutes=10)),
            "category": "ovrigt",
            "note": hostile,
            "activity_id": started_patrol["id"],
        },
    )
    stop(officer_client, started_patrol["id"], route={"type": "LineString", "coordinates": ROUTE})
    html = officer_client.get(f"/patrols/{started_patrol['id']}").get_data(as_text=True)
    assert "<img src=x" not in html
    assert "</script><img" not in html
    attribute = re.search(r'data-map="([^"]+)"', html).group(1)
    import html as html_module

    data = json.loads(html_module.unescape(attribute))
    assert data["observations"][0]["note"] == hostile
    assert data["route"]["coordinates"] == ROUTE
    # No inline scripts: every <script> is an external file with the nonce.
    for tag in re.findall(r"<script[^>]*>", html):
        assert "src=" in tag and "nonce=" in tag


def test_patrol_pages_render_for_each_field_role(
    as_user, officer, staff, coordinator, started_patrol
):
    for user in (officer, staff, coordinator):
        assert as_user(user).get("/patrols/").status_code == 200


def test_stopped_patrol_shows_duration_and_length(officer_client, started_patrol):
    stop(
        officer_client,
        started_patrol["id"],
        ended_at=iso(
            datetime.fromisoformat(started_patrol["started_at"]).astimezone(UTC)
            + timedelta(minutes=50)
        ),
        route={"type": "LineString", "coordinates": ROUTE},
    )
    html = officer_client.get(f"/patrols/{started_patrol['id']}").get_data(as_text=True)
    assert "50 min" in html
    assert " km" in html


def test_patrol_start_is_audited_and_stop_too(app, officer_client, started_patrol):
    stop(officer_client, started_patrol["id"])
    with app.app_context():
        actions = (
            db.session.execute(
                db.select(AuditEntry.action).where(AuditEntry.target_id == started_patrol["id"])
            )
            .scalars()
            .all()
        )
    assert "activity.create" in actions
    assert "patrol.stop" in actions


def test_open_patrol_of_someone_else_is_not_mine(as_user, app, coordinator, started_patrol):
    assert "data-open-patrol-id" not in as_user(coordinator).get("/").get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Activity, started_patrol["id"]).ended_at is None


def test_a_duration_reads_in_hours_and_minutes_without_a_zero() -> None:
    from webapp.activities.views import duration

    assert duration(timedelta(minutes=45)) == "45 min"
    assert duration(timedelta(minutes=90)) == "1 h 30 min"
    assert duration(timedelta(hours=1)) == "1 h"  # was "1 h 0 min"
    assert duration(None) == "–"
