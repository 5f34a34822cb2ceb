"""The map page is a small skeleton: no data, no CDN, no user text inside it."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta

from webapp.extensions import db
from webapp.observations.models import Observation

HOSTILE = "<img src=x onerror=alert(1)> ${alert(2)} `tick` </script><script>alert(3)</script>"


def _bulk_insert(author_id: int, count: int) -> None:
    now = datetime.now(UTC)
    rows = [
        {
            "id": str(uuid.uuid4()),
            "lat": 59.83 + (i % 100) * 0.0001,
            "lon": 13.14 + (i // 100 % 100) * 0.0001,
            "observed_at": now - timedelta(minutes=i),
            "observed_utc_offset_min": 60,
            "category_code": "ovrigt",
            "note": HOSTILE,
            "visibility": "police",
            "status": "new",
            "author_id": author_id,
            "content_hash": "bulk",
            "manual_position": False,
        }
        for i in range(count)
    ]
    db.session.execute(db.insert(Observation), rows)
    db.session.commit()


def test_map_page_stays_small_and_carries_no_records(app, officer, coordinator, as_user):
    with app.app_context():
        _bulk_insert(officer.id, 5000)
    page = as_user(coordinator).get("/review/map")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert len(page.data) < 100_000
    assert "onerror" not in html and "alert(" not in html


def test_map_page_loads_every_asset_from_our_own_server(app, coordinator, as_user):
    html = as_user(coordinator).get("/review/map").get_data(as_text=True)
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources, "expected script and stylesheet references"
    external = [s for s in sources if s.startswith(("http:", "https:", "//"))]
    assert external == []
    assert "/vendor/leaflet/leaflet.js" in sources
    # Observations are clustered on the server: no client-side clustering library any more.
    assert not any("markercluster" in s for s in sources)
    assert any("cluster-layer.js" in s for s in sources)
    assert any("leaflet_heat" in s for s in sources)


def test_every_inline_script_and_style_carries_the_csp_nonce(app, coordinator, as_user):
    response = as_user(coordinator).get("/review/map")
    nonce = re.search(r"'nonce-([^']+)'", response.headers["Content-Security-Policy"]).group(1)
    html = response.get_data(as_text=True)
    tags = re.findall(r"<(?:script|style)\b[^>]*>", html)
    assert tags
    assert all(f'nonce="{nonce}"' in tag for tag in tags)


def test_zooming_stays_allowed_on_the_map_page(app, coordinator, as_user):
    html = as_user(coordinator).get("/review/map").get_data(as_text=True)
    assert "user-scalable=no" not in html and "maximum-scale" not in html


def test_admin_has_no_map_of_record_content(app, admin, as_user):
    assert as_user(admin).get("/review/map").status_code == 403


def test_map_layers_for_walks_patrols_and_visits_respect_visibility(
    app, officer, staff, coordinator, as_user
):
    from datetime import UTC, datetime

    from webapp.activities.models import Activity, ActivityType
    from webapp.walks.models import SafetyWalk, WalkStop

    with app.app_context():
        patrol_type = (
            db.session.execute(db.select(ActivityType).filter_by(kind="patrol")).scalars().first()
        )
        visit_type = (
            db.session.execute(db.select(ActivityType).filter_by(kind="business_visit"))
            .scalars()
            .first()
        )
        now = datetime.now(UTC)
        route = {"type": "LineString", "coordinates": [[13.14, 59.83], [13.15, 59.84]]}
        db.session.add_all(
            [
                Activity(
                    activity_type_id=patrol_type.id,
                    started_at=now,
                    ended_at=now,
                    route=route,
                    length_m=1234.0,
                    visibility="police",
                    author_id=officer.id,
                ),
                Activity(
                    activity_type_id=visit_type.id,
                    started_at=now,
                    lat=59.9,
                    lon=13.0,
                    outside_tatort=True,
                    place=HOSTILE,
                    visibility="shared",
                    author_id=officer.id,
                    details={"business_name": HOSTILE},
                ),
            ]
        )
        walk = SafetyWalk(
            name="Kvällsvandring",
            starts_at=now,
            visibility="shared",
            route=route,
            created_by_id=coordinator.id,
        )
        walk.stops = [WalkStop(position=0, name="Torget", lat=59.8366, lon=13.144)]
        db.session.add(walk)
        db.session.commit()

    def kinds(user, url):  # type: ignore[no-untyped-def]
        response = as_user(user).get(url)
        assert response.status_code == 200
        return sorted(f["properties"]["kind"] for f in response.get_json()["features"])

    assert kinds(coordinator, "/api/v1/map/activities.geojson") == ["business_visit", "patrol"]
    assert kinds(staff, "/api/v1/map/activities.geojson") == ["business_visit"]
    assert kinds(staff, "/api/v1/map/walks.geojson") == ["route", "stop"]
    visit = as_user(staff).get("/api/v1/map/activities.geojson").get_json()["features"][0]
    assert visit["properties"]["business"] == HOSTILE  # data, shown with textContent in the page
    assert as_user(staff).get("/api/v1/map/walks.geojson?since=not-a-date").status_code == 422
