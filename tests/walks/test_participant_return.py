"""Coming back to a walk's page: rated stops keep their ✓, and a session that has ended sends
each person where they can join again (the walk's page for staff, the code page for others)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import csrf_token, form_csrf_token, login
from tests.walks.helpers import join, make_walk, post_rating, rating
from webapp.extensions import db
from webapp.walks.models import SafetyWalk, WalkParticipant, WalkRating

JOIN_BUTTON = "Gå med i vandringen"
STAFF_ENDED = "Din anslutning till vandringen har upphört. Tryck på ”Gå med i vandringen”"
VISITOR_ENDED = "Gå med igen med vandringens kod eller länk."
NEVER_JOINED = "Gå först med i vandringen med dess kod eller länk."


def done_stops(html: str) -> set[int]:
    """The ids of the stop cards whose ✓ ("rated") is shown."""
    done = set()
    for card in re.findall(
        r'<details class="stop-card" data-stop-id="(\d+)">(.*?)</summary>', html, re.S
    ):
        stop_id, summary = card
        if re.search(r"data-stop-done(?! hidden)[ >]", summary):
            done.add(int(stop_id))
    return done


def press_join(client: FlaskClient, walk_id: int):  # type: ignore[no-untyped-def]
    page = client.get(f"/walks/{walk_id}").get_data(as_text=True)
    return client.post(f"/walks/{walk_id}/join", data={"csrf_token": form_csrf_token(page)})


def change_walk(app: Flask, walk_id: int, **values: object) -> None:
    with app.app_context():
        walk = db.session.get(SafetyWalk, walk_id)
        for key, value in values.items():
            setattr(walk, key, value)
        db.session.commit()


# ---- rated stops after a reload ---------------------------------------------------------------


def test_stops_rated_earlier_show_their_tick_when_the_page_is_opened_again(app, coordinator):
    walk = make_walk(app, coordinator.id)
    first, second, third = (s.id for s in walk.stops)
    phone = join(app, walk.join_code)
    assert post_rating(phone, walk.id, first, rating()).status_code == 201
    assert post_rating(phone, walk.id, third, rating(lighting=0)).status_code == 201
    other = join(app, walk.join_code)  # someone else's rating is not mine
    assert post_rating(other, walk.id, second, rating()).status_code == 201

    html = phone.get(f"/walk/{walk.id}").get_data(as_text=True)
    assert done_stops(html) == {first, third}
    assert done_stops(other.get(f"/walk/{walk.id}").get_data(as_text=True)) == {second}


def test_rating_a_done_stop_again_still_counts_and_keeps_one_tick(app, coordinator):
    walk = make_walk(app, coordinator.id)
    stop = walk.stops[0].id
    phone = join(app, walk.join_code)
    assert post_rating(phone, walk.id, stop, rating(lighting=0)).status_code == 201
    assert done_stops(phone.get(f"/walk/{walk.id}").get_data(as_text=True)) == {stop}
    # The server keeps both rows; the latest one is what the walk's results use.
    assert post_rating(phone, walk.id, stop, rating(lighting=3)).status_code == 201
    assert done_stops(phone.get(f"/walk/{walk.id}").get_data(as_text=True)) == {stop}
    with app.app_context():
        from webapp.walks.stats import ratings_by_stop

        assert db.session.query(WalkRating).count() == 2
        walk_row = db.session.get(SafetyWalk, walk.id)
        assert ratings_by_stop(walk_row)[stop].averages["lighting"] == 3


# ---- a session that has ended ----------------------------------------------------------------


def test_staff_on_a_new_browser_go_back_to_the_walks_page_and_its_join_button(
    app, coordinator, staff, as_user
):
    walk = make_walk(app, coordinator.id)
    assert press_join(as_user(staff), walk.id).status_code == 302
    later = as_user(staff)  # another browser, logged in again: no participant session there
    response = later.get(f"/walk/{walk.id}")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/walks/{walk.id}")
    page = later.get(response.headers["Location"]).get_data(as_text=True)
    assert STAFF_ENDED in page and JOIN_BUTTON in page
    # The button joins them again, by the same rules as the first time.
    again = press_join(later, walk.id)
    assert again.headers["Location"].endswith(f"/walk/{walk.id}")
    assert later.get(f"/walk/{walk.id}").status_code == 200


def test_staff_who_logged_out_and_in_again_are_not_asked_for_a_code(
    app, coordinator, staff, as_user
):
    walk = make_walk(app, coordinator.id)
    client = as_user(staff)
    press_join(client, walk.id)
    client.post("/logout", data={"csrf_token": csrf_token(client)})
    client.get("/api/v1/walk-session")  # the phone's outbox notices the walk session is gone
    login(client, staff)
    response = client.get(f"/walk/{walk.id}", follow_redirects=True)
    assert response.request.path == f"/walks/{walk.id}", response.get_data(as_text=True)[:500]
    page = response.get_data(as_text=True)
    assert STAFF_ENDED in page and JOIN_BUTTON in page


def test_staff_back_on_a_walk_that_is_over_are_told_so_on_its_page(
    app, coordinator, staff, as_user
):
    walk = make_walk(app, coordinator.id)
    press_join(as_user(staff), walk.id)
    change_walk(app, walk.id, status="closed")
    response = as_user(staff).get(f"/walk/{walk.id}", follow_redirects=True)
    assert response.request.path == f"/walks/{walk.id}"
    page = response.get_data(as_text=True)
    assert "Vandringen är slut" in page and JOIN_BUTTON not in page


def test_staff_are_not_sent_to_a_walk_they_may_not_read(app, coordinator, staff, as_user):
    walk = make_walk(app, coordinator.id, visibility="police")
    response = as_user(staff).get(f"/walk/{walk.id}")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/walk/join")


def test_a_visitor_whose_session_ended_is_told_to_join_again_with_the_code_or_link(
    app, coordinator
):
    walk = make_walk(app, coordinator.id)
    phone = join(app, walk.join_code)
    change_walk(app, walk.id, join_revoked_at=datetime.now(UTC))
    response = phone.get(f"/walk/{walk.id}", follow_redirects=True)
    assert response.request.path == "/walk/join"
    assert VISITOR_ENDED in response.get_data(as_text=True)


def test_a_visitor_without_a_session_is_told_how_to_join(app, coordinator):
    walk = make_walk(app, coordinator.id)
    response = app.test_client().get(f"/walk/{walk.id}", follow_redirects=True)
    assert response.request.path == "/walk/join"
    page = response.get_data(as_text=True)
    assert NEVER_JOINED in page and VISITOR_ENDED not in page
    with app.app_context():
        assert db.session.query(WalkParticipant).count() == 0


# ---- officers and staff joining again are the same participant ---------------------------------


def staff_participants(app: Flask, walk_id: int) -> list[WalkParticipant]:
    with app.app_context():
        return list(db.session.scalars(db.select(WalkParticipant).filter_by(walk_id=walk_id)))


def test_staff_who_join_again_after_a_logout_are_counted_once_and_keep_their_ticks(
    app, coordinator, staff, as_user
):
    walk = make_walk(app, coordinator.id)
    stop = walk.stops[0].id
    client = as_user(staff)
    press_join(client, walk.id)
    assert post_rating(client, walk.id, stop, rating()).status_code == 201
    client.post("/logout", data={"csrf_token": csrf_token(client)})
    login(client, staff)
    again = press_join(client, walk.id)
    assert again.headers["Location"].endswith(f"/walk/{walk.id}")

    [participant] = staff_participants(app, walk.id)
    assert participant.user_id == staff.id
    assert done_stops(client.get(f"/walk/{walk.id}").get_data(as_text=True)) == {stop}


def test_staff_who_left_the_walk_take_part_again_as_the_same_participant(
    app, coordinator, staff, as_user
):
    walk = make_walk(app, coordinator.id)
    client = as_user(staff)
    press_join(client, walk.id)
    client.post("/walk/leave", data={"csrf_token": csrf_token(client)})
    assert client.get(f"/walk/{walk.id}").status_code == 302
    press_join(client, walk.id)
    assert client.get(f"/walk/{walk.id}").status_code == 200
    [participant] = staff_participants(app, walk.id)
    assert participant.left_at is None


def test_after_a_new_code_staff_join_again_as_the_same_participant(
    app, coordinator, staff, as_user
):
    walk = make_walk(app, coordinator.id)
    client = as_user(staff)
    press_join(client, walk.id)
    change_walk(app, walk.id, join_code="NYKOD234")
    assert client.get(f"/walk/{walk.id}").status_code == 302  # the old code's session ended
    press_join(client, walk.id)
    assert client.get(f"/walk/{walk.id}").status_code == 200
    [participant] = staff_participants(app, walk.id)
    assert participant.join_code == "NYKOD234"


def test_two_colleagues_are_two_participants_and_residents_stay_unlinked(
    app, coordinator, staff, officer, as_user
):
    walk = make_walk(app, coordinator.id)
    press_join(as_user(staff), walk.id)
    press_join(as_user(officer), walk.id)
    join(app, walk.join_code)  # a resident with the code
    links = {(p.group, p.user_id) for p in staff_participants(app, walk.id)}
    assert links == {("municipality", staff.id), ("police", officer.id), (None, None)}
