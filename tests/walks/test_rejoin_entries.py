"""A phone that joins a walk again (its session ended: the cookie lost, a renewed code) is a new
participant, and sends what waited under the earlier one with the same ids. An entry the walk
already has with that id and the very same content is answered as a replay, never stored twice;
its photos that had not arrived may follow from the new session. Anything else stays as it was:
other content is a conflict, another walk's entry is a conflict, and nobody else adds photos."""

from __future__ import annotations

import io
import uuid

from flask.testing import FlaskClient
from PIL import Image

from tests.conftest import api_post, csrf_token
from tests.walks.helpers import join, make_walk, post_rating, post_spot, rating, spot
from webapp.extensions import db
from webapp.walks.models import WalkRating, WalkSpot


def _jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (30, 120, 30)).save(buffer, "JPEG")
    return buffer.getvalue()


def put_photo(phone: FlaskClient, walk_id: int, spot_id: str, photo_id: str) -> int:
    return phone.put(
        f"/api/v1/walks/{walk_id}/spots/{spot_id}/photos/{photo_id}",
        data=_jpeg(),
        headers={"X-CSRFToken": csrf_token(phone), "Content-Type": "image/jpeg"},
    ).status_code


def test_an_entry_sent_again_after_joining_anew_is_a_replay_stored_once(app, coordinator):
    walk = make_walk(app, coordinator.id)
    earlier = join(app, walk.join_code)
    marked, rated = spot(), rating()
    stop_id = walk.stops[0].id
    assert post_spot(earlier, walk.id, marked).status_code == 201
    assert post_rating(earlier, walk.id, stop_id, rated).status_code == 201

    anew = join(app, walk.join_code)  # the same phone, its cookie lost
    replay = post_spot(anew, walk.id, marked)
    assert replay.status_code == 200
    assert replay.get_json()["id"] == marked["id"]
    assert post_rating(anew, walk.id, stop_id, rated).status_code == 200
    # Not the same entry: other content, or the same rating for another stop.
    assert post_spot(anew, walk.id, {**marked, "note": "Något annat"}).status_code == 409
    assert post_rating(anew, walk.id, walk.stops[1].id, rated).status_code == 409
    with app.app_context():
        (stored,) = db.session.execute(db.select(WalkSpot)).scalars()
        (kept,) = db.session.execute(db.select(WalkRating)).scalars()
        assert stored.participant_id == kept.participant_id  # the earlier participant's, as made


def test_a_check_sent_again_after_joining_anew_is_a_replay(app, coordinator, as_user):
    from tests.walks.test_follow_up import _follow_up

    _, follow_up, shared_id, _ = _follow_up(app, coordinator, as_user)
    url = f"/api/v1/walks/{follow_up.id}/measures/{shared_id}/checks"
    check = {"id": str(uuid.uuid4()), "answer": "partly", "note": "En lampa saknas"}
    assert api_post(join(app, follow_up.join_code), url, check).status_code == 201
    anew = join(app, follow_up.join_code)
    assert api_post(anew, url, check).status_code == 200
    assert api_post(anew, url, {**check, "answer": "resolved"}).status_code == 409


def test_photos_that_waited_follow_the_spot_sent_again_and_only_from_that_session(
    app, coordinator, photo_backend
):
    walk = make_walk(app, coordinator.id)
    earlier = join(app, walk.join_code)
    marked = spot()
    assert post_spot(earlier, walk.id, marked).status_code == 201
    photo = str(uuid.uuid4())

    anew = join(app, walk.join_code)
    assert put_photo(anew, walk.id, marked["id"], photo) == 404  # not before it sent the spot
    assert post_spot(anew, walk.id, marked).status_code == 200
    assert put_photo(anew, walk.id, marked["id"], photo) == 201
    assert put_photo(anew, walk.id, marked["id"], photo) == 200
    # Someone else on the walk, who knows the spot's id from the map, still cannot.
    stranger = join(app, walk.join_code)
    assert put_photo(stranger, walk.id, marked["id"], str(uuid.uuid4())) == 404
    with app.app_context():
        assert len(db.session.get(WalkSpot, marked["id"]).photos) == 1


def test_an_entry_of_another_walk_is_no_replay(app, coordinator):
    first = make_walk(app, coordinator.id)
    second = make_walk(app, coordinator.id, name="Trygghetsvandring norr")
    marked = spot()
    assert post_spot(join(app, first.join_code), first.id, marked).status_code == 201
    other = join(app, second.join_code)
    assert post_spot(other, second.id, marked).status_code == 409
    assert put_photo(other, second.id, marked["id"], str(uuid.uuid4())) == 404
