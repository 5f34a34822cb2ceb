"""Spots, ratings and photos from participants' phones: validated, stored once, replayable."""

from __future__ import annotations

import io
import uuid

import pytest
from PIL import Image

from tests.conftest import csrf_token, remove_stored, stored_bytes, stored_keys
from tests.walks.helpers import join, make_walk, post_rating, post_spot, rating, spot
from webapp.core.audit.models import AuditEntry
from webapp.extensions import db
from webapp.walks.models import WalkRating, WalkSpot, WalkSpotPhoto
from webapp.walks.stats import ratings_by_stop


@pytest.fixture
def walk_and_phone(app, coordinator):  # type: ignore[no-untyped-def]
    walk = make_walk(app, coordinator.id)
    return walk, join(app, walk.join_code)


def test_a_spot_is_stored_once_replayed_and_conflicts_on_other_content(app, walk_and_phone):
    walk, phone = walk_and_phone
    payload = spot()
    first = post_spot(phone, walk.id, payload)
    assert first.status_code == 201
    assert first.get_json()["note"] == payload["note"]
    assert post_spot(phone, walk.id, payload).status_code == 200
    assert post_spot(phone, walk.id, {**payload, "note": "Annat"}).status_code == 409
    # The same UUID from another participant is never a second row: a conflict with other
    # content; the same content is this phone's entry sent again (test_rejoin_entries.py).
    other = join(app, walk.join_code)
    assert post_spot(other, walk.id, {**payload, "note": "Annat"}).status_code == 409
    assert post_spot(other, walk.id, payload).status_code == 200
    with app.app_context():
        assert db.session.execute(db.select(WalkSpot)).scalar_one().walk_id == walk.id
        assert db.session.execute(
            db.select(AuditEntry).filter_by(action="walk_spot.create")
        ).scalar_one()


@pytest.mark.parametrize(
    "change, field",
    [
        ({"note": "Killen 811218-9876 står här"}, "note"),
        ({"category": "nope"}, "category"),
        ({"lat": 91}, "lat"),
        ({"lat": "59.8"}, "lat"),
        ({"observed_at": "2020-01-01T10:00:00"}, "observed_at"),
        ({"id": "not-a-uuid"}, "id"),
        ({"extra": 1}, "extra"),
    ],
)
def test_bad_spots_get_422_with_the_field_named(app, walk_and_phone, change, field):
    walk, phone = walk_and_phone
    response = post_spot(phone, walk.id, spot(**change))
    assert response.status_code == 422
    assert field in response.get_json()["error"]["fields"]


def test_a_spot_body_that_is_not_an_object_is_422(app, walk_and_phone):
    walk, phone = walk_and_phone
    response = phone.post(
        f"/api/v1/walks/{walk.id}/spots", json=[1, 2], headers={"X-CSRFToken": csrf_token(phone)}
    )
    assert response.status_code == 422


@pytest.mark.parametrize("value", [4, -1, "2", True, 1.5])
def test_ratings_outside_0_to_3_are_refused(app, walk_and_phone, value):
    walk, phone = walk_and_phone
    response = post_rating(phone, walk.id, walk.stops[0].id, rating(lighting=value))
    assert response.status_code == 422
    assert "lighting" in response.get_json()["error"]["fields"]


def test_a_rating_needs_at_least_one_factor(app, walk_and_phone):
    walk, phone = walk_and_phone
    empty = rating(
        lighting=None, overview=None, people=None, upkeep=None, walkway=None, feeling=None
    )
    assert post_rating(phone, walk.id, walk.stops[0].id, empty).status_code == 422
    assert post_rating(phone, walk.id, walk.stops[0].id, {**empty, "feeling": 0}).status_code == 201


def test_a_rating_is_stored_once_replayed_and_conflicts_on_other_content(app, walk_and_phone):
    walk, phone = walk_and_phone
    payload = rating()
    stop_id = walk.stops[0].id
    assert post_rating(phone, walk.id, stop_id, payload).status_code == 201
    replay = post_rating(phone, walk.id, stop_id, payload)
    assert replay.status_code == 200 and replay.get_json()["lighting"] == 1
    assert post_rating(phone, walk.id, stop_id, {**payload, "lighting": 3}).status_code == 409
    # The same UUID sent for another stop is other content: a conflict as well.
    assert post_rating(phone, walk.id, walk.stops[1].id, payload).status_code == 409
    with app.app_context():
        assert db.session.execute(db.select(db.func.count()).select_from(WalkRating)).scalar() == 1
        assert db.session.execute(
            db.select(AuditEntry).filter_by(action="walk.rating")
        ).scalar_one()


def test_rating_a_stop_again_replaces_the_earlier_rating_in_the_averages(app, walk_and_phone):
    walk, phone = walk_and_phone
    stop_id = walk.stops[0].id
    post_rating(phone, walk.id, stop_id, rating(lighting=0))
    post_rating(phone, walk.id, stop_id, rating(lighting=2))
    post_rating(join(app, walk.join_code), walk.id, stop_id, rating(lighting=3, feeling=None))
    with app.app_context():
        from webapp.walks.models import SafetyWalk

        result = ratings_by_stop(db.session.get(SafetyWalk, walk.id))[stop_id]
    assert result.count == 2
    assert result.averages["lighting"] == 2.5
    assert result.averages["feeling"] == 1.0  # the second participant skipped it


def _jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 30)).save(buffer, "JPEG")
    return buffer.getvalue()


def test_a_spot_photo_is_stored_once_for_its_author(app, photo_backend, walk_and_phone):
    walk, phone = walk_and_phone
    payload = spot()
    post_spot(phone, walk.id, payload)
    url = f"/api/v1/walks/{walk.id}/spots/{payload['id']}/photos/{uuid.uuid4()}"
    headers = {"X-CSRFToken": csrf_token(phone), "Content-Type": "image/jpeg"}
    assert phone.put(url, data=_jpeg(), headers=headers).status_code == 201
    assert phone.put(url, data=_jpeg(), headers=headers).status_code == 200
    assert phone.put(url, data=b"not an image at all", headers=headers).status_code == 409
    other = join(app, walk.join_code)
    assert (
        other.put(
            url, data=_jpeg(), headers={**headers, "X-CSRFToken": csrf_token(other)}
        ).status_code
        == 404
    )
    with app.app_context():
        photo = db.session.execute(db.select(WalkSpotPhoto)).scalar_one()
        assert photo.width == 64
        name = photo.storage_name
    assert stored_keys(app) == [name]  # one blob: replays and the conflict stored nothing


def test_a_spot_photo_is_served_from_the_store_to_the_walk_readers(
    app, photo_backend, walk_and_phone, coordinator, as_user
):
    walk, phone = walk_and_phone
    payload = spot()
    post_spot(phone, walk.id, payload)
    photo_id = str(uuid.uuid4())
    uploaded = phone.put(
        f"/api/v1/walks/{walk.id}/spots/{payload['id']}/photos/{photo_id}",
        data=_jpeg(),
        headers={"X-CSRFToken": csrf_token(phone), "Content-Type": "image/jpeg"},
    )
    assert uploaded.status_code == 201
    with app.app_context():
        row = db.session.get(WalkSpotPhoto, photo_id)
        name, sha = row.storage_name, row.sha256
    reader = as_user(coordinator)
    url = f"/walks/{walk.id}/photos/{photo_id}.jpg"

    served = reader.get(url)
    assert served.status_code == 200 and served.mimetype == "image/jpeg"
    assert served.data == stored_bytes(app, name)
    assert served.headers["ETag"] == f'"{sha[:32]}"'
    assert reader.get(url, headers={"If-None-Match": served.headers["ETag"]}).status_code == 304
    other = make_walk(app, coordinator.id)
    assert reader.get(f"/walks/{other.id}/photos/{photo_id}.jpg").status_code == 404
    remove_stored(app, name)
    assert reader.get(url).status_code == 404


def test_a_broken_photo_is_422(app, walk_and_phone):
    walk, phone = walk_and_phone
    payload = spot()
    post_spot(phone, walk.id, payload)
    response = phone.put(
        f"/api/v1/walks/{walk.id}/spots/{payload['id']}/photos/{uuid.uuid4()}",
        data=b"garbage",
        headers={"X-CSRFToken": csrf_token(phone), "Content-Type": "image/jpeg"},
    )
    assert response.status_code == 422
