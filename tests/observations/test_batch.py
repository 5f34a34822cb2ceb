"""POST /api/v1/observations/batch: each item answered on its own, exactly as the single POST."""

from __future__ import annotations

import pytest

from tests.conftest import api_post
from tests.observations.conftest import create, observation_count, payload
from webapp.core.audit.models import AuditEntry
from webapp.extensions import db
from webapp.observations.models import Observation

BATCH = "/api/v1/observations/batch"


def post_batch(client, items):  # type: ignore[no-untyped-def]
    return api_post(client, BATCH, {"items": items})


def audit_creates(app) -> int:  # type: ignore[no-untyped-def]
    with app.app_context():
        return db.session.scalar(
            db.select(db.func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.action == "observation.create")
        )


def test_mixed_items_each_get_their_own_status(app, officer, as_user):
    client = as_user(officer)
    replayed = payload(note="Redan skickad")
    create(client, **replayed)
    taken = payload()
    create(client, **taken)
    fresh = [payload(note=f"Ny {i}") for i in range(3)]
    items = [
        fresh[0],
        replayed,  # same content again: a replay
        {**taken, "note": "Annat innehåll"},  # same id, other content: a conflict
        {**payload(), "lat": 123},  # invalid
        fresh[1],
        "not an object",
        fresh[2],
    ]
    response = post_batch(client, items)
    assert response.status_code == 200, response.get_json()
    results = response.get_json()["results"]
    assert [r["status"] for r in results] == [201, 200, 409, 422, 201, 422, 201]
    assert [r.get("id") for r in results[:5]] == [i["id"] for i in items[:5]]
    assert results[0]["observation"]["note"] == "Ny 0"
    assert results[1]["observation"]["note"] == "Redan skickad"
    assert results[2]["error"]["code"] == "conflict"
    assert "lat" in results[3]["error"]["fields"]
    assert "_" in results[5]["error"]["fields"]
    assert observation_count(app) == 2 + 3
    assert audit_creates(app) == 2 + 3  # one per record created, none for replays


def test_sending_the_same_batch_again_changes_nothing(app, officer, as_user):
    client = as_user(officer)
    items = [payload(note=f"Kö {i}") for i in range(5)]
    first = post_batch(client, items).get_json()["results"]
    again = post_batch(client, items).get_json()["results"]
    assert [r["status"] for r in first] == [201] * 5
    assert [r["status"] for r in again] == [200] * 5
    assert [r["observation"] for r in again] == [r["observation"] for r in first]
    assert observation_count(app) == 5
    assert audit_creates(app) == 5


def test_one_id_twice_in_a_batch_is_stored_once(app, officer, as_user):
    item = payload()
    results = post_batch(as_user(officer), [item, item, {**item, "note": "x"}]).get_json()
    assert [r["status"] for r in results["results"]] == [201, 200, 409]
    assert observation_count(app) == 1


def test_another_authors_id_is_a_conflict_and_reveals_nothing(app, officer, staff, as_user):
    item = payload(visibility="police")
    create(as_user(officer), **item)
    result = post_batch(as_user(staff), [{**item, "visibility": "municipality"}]).get_json()
    assert result["results"][0]["status"] == 409
    assert "observation" not in result["results"][0]


def test_the_batch_size_is_limited(app, officer, as_user):
    app.config["OBSERVATION_BATCH_MAX"] = 3
    client = as_user(officer)
    response = post_batch(client, [payload() for _ in range(4)])
    assert response.status_code == 422
    assert "items" in response.get_json()["error"]["fields"]
    assert observation_count(app) == 0
    assert post_batch(client, [payload() for _ in range(3)]).status_code == 200


@pytest.mark.parametrize("body", [{}, {"items": []}, {"items": {}}, [], {"items": [], "x": 1}])
def test_a_malformed_batch_is_a_422(app, officer, as_user, body):
    response = api_post(as_user(officer), BATCH, body)
    assert response.status_code == 422
    assert response.is_json


def test_a_batch_needs_a_csrf_token(app, officer, as_user):
    client = as_user(officer)
    response = client.post(BATCH, json={"items": [payload()]})
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "csrf_failed"
    assert observation_count(app) == 0


def test_only_field_users_may_send(app, client, admin, as_user):
    assert client.post(BATCH, json={"items": [payload()]}).status_code in (400, 401)
    assert post_batch(as_user(admin), [payload()]).status_code == 403
    assert observation_count(app) == 0


def test_visibility_rules_hold_per_item(app, staff, as_user):
    # Municipal staff may not label a record as police information: that item alone fails.
    results = post_batch(
        as_user(staff), [payload(visibility="police"), payload(visibility="municipality")]
    ).get_json()["results"]
    assert [r["status"] for r in results] == [422, 201]
    assert "visibility" in results[0]["error"]["fields"]
    with app.app_context():
        assert db.session.scalars(db.select(Observation.visibility)).all() == ["municipality"]


def test_each_created_item_writes_its_webhook_event_and_a_replay_none(app, officer, as_user):
    from webapp.core.outbox.models import OutboxEvent

    def events() -> list[str]:
        with app.app_context():
            return list(
                db.session.scalars(
                    db.select(OutboxEvent.target_id).where(
                        OutboxEvent.type == "observation.created"
                    )
                )
            )

    client = as_user(officer)
    items = [payload(visibility="shared"), payload(visibility="shared")]
    assert post_batch(client, items).status_code == 200
    assert sorted(events()) == sorted(item["id"] for item in items)
    post_batch(client, items)  # replays: nothing new happened
    assert len(events()) == 2
