"""GET /api/v1/map/trends: counts per area per week from the stored membership, within access."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.conftest import make_user
from tests.map.helpers import add_observation
from webapp.core.access import Role
from webapp.core.audit.models import AuditEntry
from webapp.extensions import db
from webapp.geo.areas import Area
from webapp.observations.areas import RURAL_AREA_ID, observation_areas, week_index
from webapp.observations.models import Observation

URL = "/api/v1/map/trends"
CENTRUM = (59.8366, 13.1440)  # inside centrum, tätort and kommun
TOWN_EDGE = (59.8500, 13.1700)  # inside tätort (box ±0.02 / ±0.04) but not centrum
RURAL = (59.9000, 13.0500)  # in Sunne kommun, outside the tätort box
HOUR = 1.0


def by_code(answer: dict) -> dict[str, list[int]]:
    return {area["code"]: area["counts"] for area in answer["areas"]}


def get(client, **params):  # type: ignore[no-untyped-def]
    response = client.get(URL, query_string=params)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "private, no-store"
    return response.get_json()


@pytest.fixture
def world(app, officer, staff, coordinator):  # type: ignore[no-untyped-def]
    """3 police, 2 municipal and 1 shared record in centrum this week; one rural, one town."""
    with app.app_context():
        for _ in range(3):
            add_observation(officer, visibility="police", lat=CENTRUM[0], lon=CENTRUM[1])
        for _ in range(2):
            add_observation(staff, visibility="municipality", lat=CENTRUM[0], lon=CENTRUM[1])
        add_observation(officer, visibility="shared", lat=CENTRUM[0], lon=CENTRUM[1])
        add_observation(
            staff, visibility="shared", lat=RURAL[0], lon=RURAL[1], category="skadegorelse"
        )
        add_observation(
            staff, visibility="shared", lat=TOWN_EDGE[0], lon=TOWN_EDGE[1], status="closed"
        )
    return {"officer": officer, "staff": staff, "coordinator": coordinator}


def test_every_area_and_the_rural_rest_with_52_weeks_by_default(world, as_user):
    answer = get(as_user(world["coordinator"]))
    assert len(answer["weeks"]) == 52  # this week and the 51 before, as the caption says
    assert answer["weeks"][-1]["week"] == week_index(datetime.now(UTC))
    counts = by_code(answer)
    assert set(counts) == {"sunne-centrum", "sunne-tatort", "sunne-kommun", "landsbygd"}
    assert sum(counts["sunne-centrum"]) == 6
    assert sum(counts["sunne-tatort"]) == 7
    assert sum(counts["sunne-kommun"]) == 8
    assert sum(counts["landsbygd"]) == 1
    assert all(len(c) == 52 for c in counts.values())


def test_counts_hide_what_the_viewer_may_not_read(world, as_user):
    centrum = {
        role: sum(by_code(get(as_user(world[role])))["sunne-centrum"])
        for role in ("officer", "staff", "coordinator")
    }
    # Officer: 3 police + 1 shared; staff: 2 municipal + 1 shared; coordinator: all 6.
    assert centrum == {"officer": 4, "staff": 3, "coordinator": 6}


def test_counting_police_records_is_audited_and_other_counts_are_not(app, world, as_user):
    get(as_user(world["staff"]))
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(AuditEntry)) == 0
    get(as_user(world["officer"]), category="belysning")
    with app.app_context():
        entries = list(db.session.scalars(db.select(AuditEntry)))
        assert [e.action for e in entries] == ["observation.trend"]
        # 3 police records, each counted in centrum, tätort and kommun.
        assert entries[0].detail["police_records"] == 9
        assert entries[0].detail["filters"] == {"category": "belysning"}


def test_filters_category_status_visibility_and_area(world, as_user):
    client = as_user(world["coordinator"])
    assert sum(by_code(get(client, category="skadegorelse"))["sunne-kommun"]) == 1
    assert sum(by_code(get(client, status="closed"))["sunne-tatort"]) == 1
    assert sum(by_code(get(client, status="closed"))["sunne-centrum"]) == 0
    assert sum(by_code(get(client, visibility="police"))["sunne-centrum"]) == 3
    assert sum(by_code(get(client, mine="true"))["sunne-centrum"]) == 0
    only = get(client, area="sunne-centrum,landsbygd")
    assert [a["code"] for a in only["areas"]] == ["sunne-centrum", "landsbygd"]


def test_a_status_change_moves_the_record_between_filters(app, world, as_user):
    client = as_user(world["coordinator"])
    assert sum(by_code(get(client, status="reviewed"))["sunne-centrum"]) == 0
    with app.app_context():
        observation = db.session.scalars(
            db.select(Observation).where(Observation.visibility == "municipality")
        ).first()
        observation.status = "reviewed"
        db.session.commit()
    assert sum(by_code(get(client, status="reviewed"))["sunne-centrum"]) == 1


def test_empty_weeks_are_zeros_and_the_period_is_the_one_asked_for(app, officer, as_user):
    with app.app_context():
        # Half a minute ago: an hour ago lay in last week just after local midnight on Monday.
        add_observation(
            officer, visibility="police", lat=CENTRUM[0], lon=CENTRUM[1], hours_ago=0.01
        )
        add_observation(
            officer, visibility="police", lat=CENTRUM[0], lon=CENTRUM[1], hours_ago=24 * 21 + 1
        )
        # Outside the period asked for below: must not be counted.
        add_observation(
            officer, visibility="police", lat=CENTRUM[0], lon=CENTRUM[1], hours_ago=24 * 70
        )
    now = datetime.now(UTC)
    since = (now - timedelta(days=28)).date().isoformat()
    answer = get(as_user(officer), since=since)
    weeks = [w["week"] for w in answer["weeks"]]
    assert weeks == list(range(weeks[0], weeks[-1] + 1))
    assert len(weeks) in (5, 6)
    counts = by_code(answer)["sunne-centrum"]
    assert sum(counts) == 2
    assert counts[-1] >= 1
    assert counts.count(0) == len(counts) - 2  # the weeks in between are zeros, not missing


def test_an_area_added_later_shows_up_with_its_counts(app, world, as_user):
    with app.app_context():
        lat, lon = RURAL
        square = [
            [lon - 0.01, lat - 0.01],
            [lon + 0.01, lat - 0.01],
            [lon + 0.01, lat + 0.01],
            [lon - 0.01, lat + 0.01],
            [lon - 0.01, lat - 0.01],
        ]
        db.session.add(
            Area(
                code="by-norr",
                name="Byn i norr",
                kind="patrol",
                geometry={"type": "Polygon", "coordinates": [square]},
            )
        )
        db.session.commit()
    counts = by_code(get(as_user(world["coordinator"])))
    assert sum(counts["by-norr"]) == 1
    # Moving the outline to centrum rebuilds its membership.
    with app.app_context():
        area = db.session.scalars(db.select(Area).filter_by(code="by-norr")).one()
        lat, lon = CENTRUM
        area.geometry = {
            "type": "Polygon",
            "coordinates": [[[lon - 0.001, lat - 0.001], [lon + 0.001, lat - 0.001],
                             [lon + 0.001, lat + 0.001], [lon - 0.001, lat - 0.001]]],
        }  # fmt: skip
        db.session.commit()
    assert sum(by_code(get(as_user(world["coordinator"])))["by-norr"]) == 6


def _rural_rows(observation_id: str) -> int:
    return db.session.scalar(
        db.select(db.func.count())
        .select_from(observation_areas)
        .where(observation_areas.c.observation_id == observation_id)
        .where(observation_areas.c.area_id == RURAL_AREA_ID)
    )


def test_a_record_moved_from_the_town_to_the_countryside_counts_as_rural(app, world, as_user):
    client = as_user(world["coordinator"])
    before = by_code(get(client))
    assert sum(before["landsbygd"]) == 1
    with app.app_context():
        town_record = db.session.scalars(
            db.select(Observation).where(Observation.status == "closed")
        ).one()  # the one at TOWN_EDGE
        assert _rural_rows(town_record.id) == 0
        town_record.lat, town_record.lon = RURAL
        db.session.commit()
        assert _rural_rows(town_record.id) == 1  # stored on write, not computed when read
    after = by_code(get(client))
    assert sum(after["landsbygd"]) == 2
    assert sum(after["sunne-tatort"]) == sum(before["sunne-tatort"]) - 1
    assert sum(after["sunne-kommun"]) == sum(before["sunne-kommun"])
    # And back: no rural row is left behind.
    with app.app_context():
        record = db.session.get(Observation, town_record.id)
        record.lat, record.lon = TOWN_EDGE
        db.session.commit()
        assert _rural_rows(record.id) == 0
    assert sum(by_code(get(client))["landsbygd"]) == 1


def test_changing_or_deleting_the_town_outline_rebuilds_the_rural_rows(app, world, as_user):
    client = as_user(world["coordinator"])
    with app.app_context():
        town = db.session.scalars(db.select(Area).filter_by(code="sunne-tatort")).one()
        lat, lon = CENTRUM  # the town shrinks to a small square around centrum
        town.geometry = {
            "type": "Polygon",
            "coordinates": [[[lon - 0.005, lat - 0.005], [lon + 0.005, lat - 0.005],
                             [lon + 0.005, lat + 0.005], [lon - 0.005, lat + 0.005],
                             [lon - 0.005, lat - 0.005]]],
        }  # fmt: skip
        db.session.commit()
    counts = by_code(get(client))
    assert sum(counts["landsbygd"]) == 2  # the record at TOWN_EDGE is now outside the town
    assert sum(counts["sunne-tatort"]) == 6
    with app.app_context():
        db.session.delete(db.session.scalars(db.select(Area).filter_by(code="sunne-tatort")).one())
        db.session.commit()
        # No town left: no "Landsbygd" row in the answer, and no rows of the deleted area.
        assert (
            db.session.scalar(
                db.select(db.func.count())
                .select_from(observation_areas)
                .where(observation_areas.c.area_id.not_in(db.select(Area.id)))
                .where(observation_areas.c.area_id != RURAL_AREA_ID)
            )
            == 0
        )
    assert "landsbygd" not in by_code(get(client))


def test_deleting_a_record_deletes_its_membership(app, world):
    with app.app_context():
        observation = db.session.scalars(db.select(Observation)).first()
        db.session.delete(observation)
        db.session.commit()
        left = db.session.scalar(
            db.select(db.func.count())
            .select_from(observation_areas)
            .where(observation_areas.c.observation_id == observation.id)
        )
        assert left == 0


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"category": "nope"}, "category"),
        ({"status": "lost"}, "status"),
        ({"since": "yesterday"}, "since"),
        ({"since": "2020-01-01", "until": "2019-01-01"}, "until"),
        ({"since": "2015-01-01", "until": "2025-01-01"}, "since"),
        ({"area": "atlantis"}, "area"),
        ({"area": "<script>"}, "area"),
        ({"visibility": "everyone"}, "visibility"),
        ({"activity_type": "-1"}, "activity_type"),
    ],
)
def test_bad_input_is_a_422_naming_the_parameter(app, as_user, params, field):
    with app.app_context():
        user = make_user(Role.COORDINATOR, "samordnare2", organisation="municipality")
    response = as_user(user).get(URL, query_string=params)
    assert response.status_code == 422, response.get_data(as_text=True)
    assert response.is_json
    assert field in response.get_json()["error"]["fields"]


def test_only_field_users_may_ask(app, client, admin, as_user):
    assert client.get(URL).status_code == 401
    assert as_user(admin).get(URL).status_code == 403


def test_a_week_cut_by_the_period_names_the_days_it_counts(app, officer, as_user):
    """Wednesday 2025-11-05 to Wednesday 2025-11-26 (until the 27th): the first and last weeks
    count only their days inside, and say which (the map's week slider counts the same)."""
    stockholm = ZoneInfo("Europe/Stockholm")
    with app.app_context():
        for day, hour in ((3, 12), (5, 8), (26, 23), (27, 9)):  # Mon before, in, in, Thu after
            at = datetime(2025, 11, day, hour, 30, tzinfo=stockholm)
            add_observation(officer, lat=CENTRUM[0], lon=CENTRUM[1], observed_at=at)
    answer = get(as_user(officer), since="2025-11-05T00:00:00", until="2025-11-27T00:00:00")
    weeks = answer["weeks"]
    assert [(w["starts"], w["from"], w["to"]) for w in weeks] == [
        ("2025-11-03", "2025-11-05", "2025-11-09"),
        ("2025-11-10", "2025-11-10", "2025-11-16"),
        ("2025-11-17", "2025-11-17", "2025-11-23"),
        ("2025-11-24", "2025-11-24", "2025-11-26"),
    ]
    # Monday the 3rd and Thursday the 27th lie in those weeks but outside the period.
    assert by_code(answer)["sunne-centrum"] == [1, 0, 0, 1]
