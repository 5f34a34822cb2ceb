"""Phones retrying at once: one activity row per UUID, one stop per patrol."""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any

from tests.activities.helpers import ago, iso, patrol_payload
from tests.conftest import api_post, csrf_token, login
from webapp.activities.models import Activity
from webapp.core.audit.models import AuditEntry
from webapp.extensions import db

THREADS = 6


def race(app, user, url: str, body: dict[str, Any]) -> list[tuple[int, Any]]:  # type: ignore[no-untyped-def]
    clients = [login(app.test_client(), user) for _ in range(THREADS)]
    tokens = [csrf_token(c) for c in clients]  # fetched first so only the POSTs race
    barrier = threading.Barrier(THREADS)
    results: list[Any] = [None] * THREADS

    def worker(index: int) -> None:
        try:
            barrier.wait(timeout=30)
            response = clients[index].post(url, json=body, headers={"X-CSRFToken": tokens[index]})
            results[index] = (response.status_code, response.get_json())
        except BaseException as error:  # noqa: BLE001 - reported below
            results[index] = error

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not [r for r in results if isinstance(r, BaseException)], results
    return results


def test_the_same_start_sent_at_once_stores_one_patrol(app, officer):
    body = patrol_payload()
    results = race(app, officer, "/api/v1/activities", body)
    assert Counter(status for status, _ in results) == {201: 1, 200: THREADS - 1}
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Activity)) == 1
        creates = db.session.scalars(
            db.select(AuditEntry).filter_by(action="activity.create")
        ).all()
        assert len(creates) == 1


def test_the_same_stop_sent_at_once_stops_once(app, officer, officer_client):
    body = patrol_payload()
    api_post(officer_client, "/api/v1/activities", body)
    results = race(
        app, officer, f"/api/v1/activities/{body['id']}/stop", {"ended_at": iso(ago(minutes=1))}
    )
    assert Counter(status for status, _ in results) == {200: THREADS}
    with app.app_context():
        stops = db.session.scalars(db.select(AuditEntry).filter_by(action="patrol.stop")).all()
        assert len(stops) == 1
