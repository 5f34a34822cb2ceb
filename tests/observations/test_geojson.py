"""GET /api/v1/observations.geojson: RFC 7946, filters in the database, visibility per role."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

import pytest
from flask import Flask

from tests.conftest import make_user
from tests.observations.conftest import CEST, GEOJSON_URL, create, observed_at
from webapp.core.access import Role
from webapp.core.audit.models import AuditEntry
from webapp.extensions import db
from webapp.observations.models import Observation

TORSBY = (60.1347, 12.9914)


def feature_ids(response) -> set[str]:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.get_data(as_text=True)
    return {feature["id"] for feature in response.get_json()["features"]}


def get_ids(client, **params: str) -> set[str]:  # type: ignore[no-untyped-def]
    return feature_ids(client.get(GEOJSON_URL, query_string=params))


def assert_rfc7946_feature_collection(document: Any) -> None:
    """The parts of RFC 7946 a Point FeatureCollection must satisfy."""
    assert document["type"] == "FeatureCollection"
    assert isinstance(document["features"], list)
    assert "crs" not in document  # removed in RFC 7946 (section 4: always WGS 84)
    for feature in document["features"]:
        assert feature["type"] == "Feature"
        assert isinstance(feature["id"], str | int | float)
        assert isinstance(feature["properties"], dict)
        geometry = feature["geometry"]
        assert geometry["type"] == "Point"
        position = geometry["coordinates"]
        assert len(position) == 2
        lon, lat = position
        assert all(isinstance(v, int | float) and not isinstance(v, bool) for v in position)
        assert -180 <= lon <= 180 and -90 <= lat <= 90


def set_status(app: Flask, observation_id: str, status: str) -> None:
    with app.app_context():
        db.session.get(Observation, observation_id).status = status
        db.session.commit()


@pytest.fixture
def world(app, officer, staff, coordinator, as_user) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """Records of every visibility from several authors."""
    with app.app_context():
        colleague = make_user(Role.OFFICER, "colleague")
    officer_client, staff_client = as_user(officer), as_user(staff)
    ids = {
        "officer_police": create(officer_client)["id"],
        "officer_shared": create(officer_client, visibility="shared")["id"],
        "colleague_police": create(as_user(colleague))["id"],
        "staff_municipal": create(staff_client)["id"],
        "staff_shared": create(staff_client, visibility="shared")["id"],
        "coordinator_police": create(as_user(coordinator), visibility="police")["id"],
        "coordinator_municipal": create(as_user(coordinator), visibility="municipality")["id"],
    }
    # A municipal record written by the officer (e.g. before a change of role): still theirs.
    ids["officer_municipal_own"] = create(as_user(coordinator), visibility="municipality")["id"]
    with app.app_context():
        db.session.get(Observation, ids["officer_municipal_own"]).author_id = officer.id
        db.session.commit()
    return ids


def test_geojson_is_an_rfc7946_feature_collection_with_lon_lat_order(officer_client):
    lat, lon = 59.8370, 13.1452
    record = create(officer_client, lat=lat, lon=lon, note="Mörk gångtunnel")

    response = officer_client.get(GEOJSON_URL)

    assert response.status_code == 200
    assert response.mimetype == "application/geo+json"
    document = json.loads(response.get_data(as_text=True))
    assert_rfc7946_feature_collection(document)
    (feature,) = document["features"]
    assert feature["id"] == record["id"]
    assert feature["geometry"]["coordinates"] == [lon, lat]
    properties = feature["properties"]
    assert properties["category"] == "belysning"
    assert properties["category_label"] == {"sv": "Belysning", "en": "Lighting"}
    assert properties["note"] == "Mörk gångtunnel"
    assert properties["mine"] is True
    assert datetime.fromisoformat(properties["observed_at"]) == datetime.fromisoformat(
        record["observed_at"]
    )
    assert "author_id" not in properties


def test_empty_collection_is_still_valid(officer_client):
    document = officer_client.get(GEOJSON_URL).get_json()
    assert document == {"type": "FeatureCollection", "features": []}


def test_officer_sees_police_shared_and_own(world, officer_client):
    assert get_ids(officer_client) == {
        world[k]
        for k in (
            "officer_police",
            "officer_shared",
            "colleague_police",
            "staff_shared",
            "coordinator_police",
            "officer_municipal_own",
        )
    }


def test_staff_sees_municipal_shared_and_own(world, staff_client):
    assert get_ids(staff_client) == {
        world[k]
        for k in (
            "officer_shared",
            "staff_municipal",
            "staff_shared",
            "coordinator_municipal",
            "officer_municipal_own",
        )
    }


def test_outsider_sees_no_police_record(world, as_user, outsider):
    seen = get_ids(as_user(outsider))
    assert not seen & {
        world["officer_police"],
        world["colleague_police"],
        world["coordinator_police"],
    }


def test_coordinator_sees_everything(world, coordinator_client):
    assert get_ids(coordinator_client) == set(world.values())


def test_admin_is_not_a_field_role_and_gets_403(world, as_user, admin):
    response = as_user(admin).get(GEOJSON_URL)
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "forbidden"


def test_anonymous_gets_401(client):
    response = client.get(GEOJSON_URL)
    assert response.status_code == 401
    assert response.is_json


def test_reading_police_records_is_audited_as_observation_list(app, world, officer, officer_client):
    officer_client.get(GEOJSON_URL, query_string={"category": "belysning"})
    with app.app_context():
        entries = db.session.scalars(
            db.select(AuditEntry).filter_by(action="observation.list")
        ).all()
        assert len(entries) == 1
        assert entries[0].actor_id == officer.id
        assert entries[0].detail["police_records"] == 3
        assert entries[0].detail["filters"] == {"category": "belysning"}


def test_a_listing_without_police_records_is_not_audited(app, world, staff_client):
    staff_client.get(GEOJSON_URL)
    with app.app_context():
        assert not db.session.scalars(
            db.select(AuditEntry).filter_by(action="observation.list")
        ).all()


def test_filter_since_and_until(officer_client):
    recent = create(officer_client, observed_at=observed_at(hours_ago=24))["id"]
    middle = create(officer_client, observed_at=observed_at(hours_ago=72))["id"]
    old = create(officer_client, observed_at=observed_at(hours_ago=240))["id"]
    now = datetime.now(UTC)
    four_days_ago = (now - timedelta(days=4)).isoformat()
    two_days_ago = (now - timedelta(days=2)).isoformat()

    assert get_ids(officer_client, since=four_days_ago) == {recent, middle}
    assert get_ids(officer_client, until=two_days_ago) == {middle, old}
    assert get_ids(officer_client, since=four_days_ago, until=two_days_ago) == {middle}


def test_since_with_an_unencoded_plus_in_the_offset_still_works(officer_client):
    recent = create(officer_client, observed_at=observed_at(hours_ago=1))["id"]
    create(officer_client, observed_at=observed_at(hours_ago=240))
    since = (datetime.now(UTC) - timedelta(days=2)).astimezone(CEST).replace(microsecond=0)
    since = since.isoformat()
    assert since.endswith("+02:00")
    response = officer_client.get(f"{GEOJSON_URL}?since={since}")  # '+' arrives as a space
    assert feature_ids(response) == {recent}


def test_a_date_without_time_means_local_midnight(officer_client):
    record = create(officer_client, observed_at=observed_at(hours_ago=1))["id"]
    tomorrow = (datetime.now(UTC) + timedelta(days=2)).date().isoformat()
    assert get_ids(officer_client, until=tomorrow) == {record}
    assert get_ids(officer_client, since=tomorrow) == set()


def test_filter_category(officer_client):
    light = create(officer_client, category="belysning")["id"]
    traffic = create(officer_client, category="trafik")["id"]
    create(officer_client, category="nedskrapning")
    assert get_ids(officer_client, category="belysning") == {light}
    assert get_ids(officer_client, category="belysning,trafik") == {light, traffic}


def test_filter_status(app, officer_client):
    new = create(officer_client)["id"]
    reviewed = create(officer_client)["id"]
    set_status(app, reviewed, "reviewed")
    assert get_ids(officer_client, status="reviewed") == {reviewed}
    assert get_ids(officer_client, status="new") == {new}
    assert get_ids(officer_client, status="new,reviewed") == {new, reviewed}


def test_filter_bbox(officer_client):
    sunne = create(officer_client, lat=59.8366, lon=13.1440)["id"]
    torsby = create(officer_client, lat=TORSBY[0], lon=TORSBY[1])["id"]
    assert get_ids(officer_client, bbox="13.10,59.80,13.20,59.90") == {sunne}
    assert get_ids(officer_client, bbox="12.90,60.10,13.00,60.20") == {torsby}
    assert get_ids(officer_client, bbox="12.0,59.0,14.0,61.0") == {sunne, torsby}
    assert get_ids(officer_client, bbox="-10,-10,10,10") == set()
    # The box edges are inclusive.
    assert get_ids(officer_client, bbox="13.1440,59.8366,13.1440,59.8366") == {sunne}


def test_bbox_across_the_antimeridian(officer_client):
    fiji = create(officer_client, lat=-17.8, lon=178.0)["id"]
    samoa = create(officer_client, lat=-13.8, lon=-171.8)["id"]
    create(officer_client, lat=59.8366, lon=13.1440)
    assert get_ids(officer_client, bbox="170,-20,-170,-10") == {fiji, samoa}


def test_filter_mine(app, officer_client, as_user):
    with app.app_context():
        colleague = make_user(Role.OFFICER, "colleague")
    mine = create(officer_client)["id"]
    theirs = create(as_user(colleague))["id"]
    assert get_ids(officer_client) == {mine, theirs}
    assert get_ids(officer_client, mine="1") == {mine}
    assert get_ids(officer_client, mine="true") == {mine}
    assert get_ids(officer_client, mine="0") == {mine, theirs}


def test_filters_combine(officer_client):
    target = create(officer_client, category="trafik", observed_at=observed_at(hours_ago=2))["id"]
    create(officer_client, category="trafik", lat=TORSBY[0], lon=TORSBY[1])
    create(officer_client, category="belysning")
    create(officer_client, category="trafik", observed_at=observed_at(hours_ago=300))
    since = (datetime.now(UTC) - timedelta(days=1)).isoformat()
    assert get_ids(
        officer_client, category="trafik", bbox="13.10,59.80,13.20,59.90", since=since, mine="1"
    ) == {target}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"since": "igår"}, "since"),
        ({"since": "2024-13-01"}, "since"),
        ({"until": "2024-05-01T25:00"}, "until"),
        ({"since": "0001-01-01T00:00:00+01:00"}, "since"),
        ({"until": "0001-01-01"}, "until"),
        ({"until": "9999-12-31T23:59:59-01:00"}, "until"),
        ({"since": "2024-06-01T00:00:00Z", "until": "2024-05-01T00:00:00Z"}, "until"),
        ({"category": "finns-inte"}, "category"),
        ({"category": "belysning,finns-inte"}, "category"),
        ({"category": "belysning\x00"}, "category"),
        ({"category": "a" * 41}, "category"),
        ({"category": ",".join(["belysning"] * 51)}, "category"),
        ({"status": "open"}, "status"),
        ({"status": "new,bogus"}, "status"),
        ({"bbox": "1,2,3"}, "bbox"),
        ({"bbox": "1,2,3,4,5"}, "bbox"),
        ({"bbox": "a,b,c,d"}, "bbox"),
        ({"bbox": "nan,59,14,60"}, "bbox"),
        ({"bbox": "13,inf,14,60"}, "bbox"),
        ({"bbox": "13,60,14,59"}, "bbox"),  # min_lat above max_lat
        ({"bbox": "13,59,14,91"}, "bbox"),
        ({"bbox": "-181,59,14,60"}, "bbox"),
        ({"bbox": "59.8,13.1,59.9,13.2"}, None),  # lat/lon swapped: valid box, just elsewhere
        ({"mine": "maybe"}, "mine"),
    ],
)
def test_bad_filter_values_are_422_json(officer_client, params, field):
    response = officer_client.get(GEOJSON_URL, query_string=params)
    if field is None:
        assert response.status_code == 200
        return
    assert response.status_code == 422, response.get_data(as_text=True)
    error = response.get_json()["error"]
    assert error["code"] == "validation_failed"
    assert field in error["fields"]


def test_hostile_text_stays_text_in_geojson(officer_client):
    note = "</script><script>alert(1)</script> ${alert(document.domain)} `x` <b>fet</b>"
    create(officer_client, note=note)
    response = officer_client.get(GEOJSON_URL)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.mimetype == "application/geo+json"
    (feature,) = json.loads(response.get_data(as_text=True))["features"]
    assert feature["properties"]["note"] == note


def test_query_string_parameters_reach_the_audit_untouched(app, officer_client):
    create(officer_client)
    officer_client.get(GEOJSON_URL, query_string={"bbox": "13,59,14,60", "status": "new"})
    with app.app_context():
        entry = db.session.scalars(db.select(AuditEntry).filter_by(action="observation.list")).one()
        assert entry.detail["filters"] == {"bbox": "13,59,14,60", "status": "new"}
        assert urlencode(entry.detail["filters"])


def test_unknown_parameters_are_ignored_and_kept_out_of_the_audit(app, officer_client):
    create(officer_client)
    response = officer_client.get(f"{GEOJSON_URL}?status=new&junk=%00%FF&x=" + "y" * 2000)
    assert response.status_code == 200
    with app.app_context():
        entry = db.session.scalars(db.select(AuditEntry).filter_by(action="observation.list")).one()
        assert entry.detail["filters"] == {"status": "new"}


def test_filters_by_visibility_activity_type_and_promise(app, officer, coordinator, as_user):
    """The map's filters: visibility, activity type and the promise the activity serves."""
    from datetime import UTC, datetime

    from tests.map.helpers import add_observation
    from webapp.activities.models import Activity, ActivityType
    from webapp.promises.models import Promise

    with app.app_context():
        from webapp.extensions import db

        patrol_type = db.session.execute(
            db.select(ActivityType).filter_by(code="fotpatrull")
        ).scalar_one()
        andt_type = db.session.execute(db.select(ActivityType).filter_by(code="andt")).scalar_one()
        safety_promise = patrol_type.promises[0]
        drug_promise = andt_type.promises[0]
        assert safety_promise.id != drug_promise.id
        ids = {}
        for key, activity_type in (("patrol", patrol_type), ("andt", andt_type)):
            activity = Activity(
                activity_type_id=activity_type.id,
                started_at=datetime.now(UTC),
                visibility="police",
                author_id=officer.id,
            )
            db.session.add(activity)
            db.session.flush()
            ids[key] = add_observation(officer, visibility="police")
            from webapp.observations.models import Observation

            db.session.get(Observation, ids[key]).activity_id = activity.id
            db.session.commit()
        ids["shared"] = add_observation(officer, visibility="shared")
        patrol_type_id, drug_promise_id = patrol_type.id, drug_promise.id
        assert db.session.get(Promise, drug_promise_id) is not None

    client = as_user(coordinator)

    def feature_ids(**params):  # type: ignore[no-untyped-def]
        response = client.get("/api/v1/observations.geojson", query_string=params)
        assert response.status_code == 200, response.get_json()
        return {f["id"] for f in response.get_json()["features"]}

    assert feature_ids(visibility="shared") == {ids["shared"]}
    assert feature_ids(activity_type=patrol_type_id) == {ids["patrol"]}
    assert feature_ids(promise=drug_promise_id) == {ids["andt"]}
    for bad in ({"visibility": "secret"}, {"activity_type": "x"}, {"promise": "-1"}):
        assert client.get("/api/v1/observations.geojson", query_string=bad).status_code == 422
