"""GET /api/v1/map/extent (the map zooms to what a filter shows) and the measures layer's owner."""

from __future__ import annotations

import pytest

from tests.map.helpers import add_observation
from webapp.core.audit.models import AuditEntry
from webapp.extensions import db
from webapp.measures.models import Measure

URL = "/api/v1/map/extent"


def get(client, **params):  # type: ignore[no-untyped-def]
    response = client.get(URL, query_string=params)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "private, no-store"
    return response.get_json()


@pytest.fixture
def spread(app, officer, staff):  # type: ignore[no-untyped-def]
    """Lighting in two places, litter in a third, and a police record far off."""
    with app.app_context():
        add_observation(staff, visibility="shared", lat=59.8300, lon=13.1300)
        add_observation(staff, visibility="shared", lat=59.8400, lon=13.1500)
        add_observation(staff, visibility="shared", lat=59.9000, lon=13.0500,
                        category="nedskrapning")  # fmt: skip
        add_observation(officer, visibility="police", lat=59.7000, lon=13.3000)


def test_the_box_holds_what_the_filters_keep_and_the_viewer_may_read(
    app, spread, staff, coordinator, as_user
):
    lighting = get(as_user(coordinator), category="belysning")
    assert lighting == {"count": 3, "bbox": [13.13, 59.70, 13.30, 59.84]}
    # The municipal staff may not read the police record: neither counted nor in the box.
    mine_to_read = get(as_user(staff), category="belysning")
    assert mine_to_read == {"count": 2, "bbox": [13.13, 59.83, 13.15, 59.84]}
    assert get(as_user(staff), category="nedskrapning") == {
        "count": 1, "bbox": [13.05, 59.90, 13.05, 59.90]
    }  # fmt: skip
    assert get(as_user(staff), status="closed") == {"count": 0, "bbox": None}
    with app.app_context():  # only the coordinator's box held a police record
        assert db.session.scalar(db.select(db.func.count()).select_from(AuditEntry)) == 1


def test_a_box_around_police_records_is_audited(app, spread, officer, as_user):
    assert get(as_user(officer), category="belysning")["count"] == 3
    with app.app_context():
        entries = list(db.session.scalars(db.select(AuditEntry)))
        assert [e.action for e in entries] == ["observation.aggregate"]
        assert entries[0].detail["police_records"] == 1
        assert entries[0].detail["filters"] == {"category": "belysning"}


def test_bad_filters_are_a_422_and_only_field_users_ask(app, admin, coordinator, as_user, client):
    assert as_user(coordinator).get(URL, query_string={"since": "yesterday"}).status_code == 422
    assert client.get(URL).status_code == 401
    assert as_user(admin).get(URL).status_code == 403


def test_the_measures_layer_names_who_carries_a_measure_out(app, coordinator, as_user):
    with app.app_context():
        db.session.add(Measure(title="Laga lampan", owner="municipality_technical",
                               owner_detail="Gatuenheten <b>", created_by_id=coordinator.id,
                               lat=59.8366, lon=13.1440))  # fmt: skip
        db.session.commit()
    response = as_user(coordinator).get("/api/v1/measures.geojson")
    props = response.get_json()["features"][0]["properties"]
    assert props["owner_label"] == "Kommunen – tekniska förvaltningen"
    assert props["owner_detail"] == "Gatuenheten <b>"  # data; the page sets it as text
    assert props["status_label"] == "föreslagen"
