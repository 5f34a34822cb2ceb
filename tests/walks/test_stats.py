"""Who took part (counts, no names) and near-duplicate spots by geodesic distance."""

from __future__ import annotations

import re

from geopy.distance import geodesic

from tests.conftest import form_csrf_token
from tests.walks.helpers import CENTRUM, join, make_walk, post_spot, spot
from webapp.core.audit.models import AuditEntry
from webapp.extensions import db
from webapp.walks.models import SafetyWalk, WalkSpot
from webapp.walks.stats import duplicate_suggestions, headcount, open_spots


def _north(metres: float) -> tuple[float, float]:
    point = geodesic(meters=metres).destination(CENTRUM, bearing=0)
    return point.latitude, point.longitude


def test_participant_counts_come_from_joining_and_from_the_walk_leaders_count(
    app, coordinator, as_user
):
    walk = make_walk(app, coordinator.id)
    join(app, walk.join_code, group="residents", gender="woman", age_band="65_plus")
    join(app, walk.join_code, group="youth", gender="man", age_band="under_18")
    join(app, walk.join_code)  # said nothing about themselves
    client = as_user(coordinator)
    page = client.get(f"/walks/{walk.id}/headcount").get_data(as_text=True)
    response = client.post(
        f"/walks/{walk.id}/headcount",
        data={
            "csrf_token": form_csrf_token(page),
            "group__politicians": "2",
            "group__residents": "3",
            "gender__woman": "4",
            "age_band__50_64": "5",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        counts = headcount(db.session.get(SafetyWalk, walk.id))
        assert db.session.execute(
            db.select(AuditEntry).filter_by(action="walk.headcount")
        ).scalar_one()
    assert (counts.joined, counts.counted, counts.total) == (3, 5, 8)
    assert counts.by["group"]["residents"] == 4
    assert counts.by["group"]["politicians"] == 2
    assert counts.by["group"]["youth"] == 1
    assert counts.by["group"]["unknown"] == 1
    assert counts.by["gender"]["woman"] == 5
    assert counts.by["age_band"]["under_18"] == 1
    detail = client.get(f"/walks/{walk.id}").get_data(as_text=True)
    assert "8" in detail


def test_negative_counts_are_refused(app, coordinator, as_user):
    walk = make_walk(app, coordinator.id)
    client = as_user(coordinator)
    page = client.get(f"/walks/{walk.id}/headcount").get_data(as_text=True)
    response = client.post(
        f"/walks/{walk.id}/headcount",
        data={"csrf_token": form_csrf_token(page), "group__youth": "-3"},
    )
    assert response.status_code == 422


def _spots_at(app, coordinator, *placements):  # type: ignore[no-untyped-def]
    walk = make_walk(app, coordinator.id)
    phone = join(app, walk.join_code)
    ids = []
    for metres, category in placements:
        lat, lon = _north(metres)
        payload = spot(lat=lat, lon=lon, category=category)
        assert post_spot(phone, walk.id, payload).status_code == 201
        ids.append(payload["id"])
    return walk, ids


def test_spots_10_m_apart_of_one_category_are_suggested_and_40_m_apart_are_not(app, coordinator):
    walk, ids = _spots_at(app, coordinator, (0, "belysning"), (10, "belysning"), (50, "belysning"))
    with app.app_context():
        suggestions = duplicate_suggestions(open_spots(db.session.get(SafetyWalk, walk.id)), 25)
    assert [(s.keep.id, s.merge.id) for s in suggestions] == [(ids[0], ids[1])]
    assert 9.9 < suggestions[0].distance_m < 10.1
    # 10 -> 50 m is 40 m apart: not suggested with the default 25 m.


def test_near_spots_of_different_categories_are_not_duplicates(app, coordinator):
    walk, _ids = _spots_at(app, coordinator, (0, "belysning"), (5, "skadegorelse"))
    with app.app_context():
        assert duplicate_suggestions(open_spots(db.session.get(SafetyWalk, walk.id)), 25) == []


def test_the_duplicate_distance_is_configurable(app, coordinator, as_user):
    walk, ids = _spots_at(app, coordinator, (0, "belysning"), (40, "belysning"))
    client = as_user(coordinator)
    assert "data-suggestion" not in client.get(f"/walks/{walk.id}/review").get_data(as_text=True)
    app.config["WALK_DUPLICATE_DISTANCE_M"] = 50
    assert "data-suggestion" in client.get(f"/walks/{walk.id}/review").get_data(as_text=True)


def test_merging_marks_the_duplicate_and_undo_restores_it(app, coordinator, as_user):
    walk, ids = _spots_at(app, coordinator, (0, "belysning"), (10, "belysning"))
    client = as_user(coordinator)
    page = client.get(f"/walks/{walk.id}/review").get_data(as_text=True)
    token = form_csrf_token(page)
    response = client.post(
        f"/walks/{walk.id}/spots/{ids[1]}/merge", data={"csrf_token": token, "into": ids[0]}
    )
    assert response.status_code == 302
    with app.app_context():
        merged = db.session.get(WalkSpot, ids[1])
        assert (merged.status, merged.duplicate_of_id) == ("duplicate", ids[0])
        assert db.session.execute(
            db.select(AuditEntry).filter_by(action="walk_spot.merge")
        ).scalar_one()
    assert "data-suggestion" not in client.get(f"/walks/{walk.id}/review").get_data(as_text=True)
    client.post(
        f"/walks/{walk.id}/spots/{ids[1]}/status", data={"csrf_token": token, "status": "new"}
    )
    with app.app_context():
        assert db.session.get(WalkSpot, ids[1]).status == "new"


def test_a_spot_cannot_be_merged_into_a_spot_of_another_walk(app, coordinator, as_user):
    walk, ids = _spots_at(app, coordinator, (0, "belysning"))
    other, other_ids = _spots_at(app, coordinator, (0, "belysning"))
    client = as_user(coordinator)
    token = form_csrf_token(client.get(f"/walks/{walk.id}/review").get_data(as_text=True))
    response = client.post(
        f"/walks/{walk.id}/spots/{ids[0]}/merge", data={"csrf_token": token, "into": other_ids[0]}
    )
    assert response.status_code == 404


def test_a_count_by_gender_or_age_above_everyone_who_took_part_is_refused_and_kept(
    app, coordinator, as_user
):
    walk = make_walk(app, coordinator.id)
    join(app, walk.join_code, group="residents", gender="woman", age_band="30_49")
    client = as_user(coordinator)
    page = client.get(f"/walks/{walk.id}/headcount").get_data(as_text=True)
    sent = {
        "group__residents": "2",
        "gender__woman": "2",
        "gender__man": "2",
        "age_band__18_29": "2",
    }
    response = client.post(
        f"/walks/{walk.id}/headcount", data={"csrf_token": form_csrf_token(page), **sent}
    )
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "Kön: 5 personer, men 3 deltog (1 via telefon, 2 räknade per grupp)." in text
    assert "Ålder:" not in text.split("Kön: 5")[1].split("</form>")[0]  # age adds up: 3 of 3
    assert re.search(r'name="gender__man"[^>]*value="2"', text)  # nothing typed is lost
    with app.app_context():
        assert db.session.get(SafetyWalk, walk.id).headcount == {}


def test_the_public_protocol_leaves_out_a_gender_or_age_breakdown_with_small_groups(
    app, coordinator, as_user
):
    walk = make_walk(app, coordinator.id)
    with app.app_context():
        db.session.get(SafetyWalk, walk.id).headcount = {
            "group": {"residents": 7},
            "gender": {"woman": 4, "man": 3},
            "age_band": {"30_49": 6, "65_plus": 1},
        }
        db.session.commit()
    client = as_user(coordinator)
    public = client.get(f"/walks/{walk.id}/protocol?version=public").get_data(as_text=True)
    internal = client.get(f"/walks/{walk.id}/protocol").get_data(as_text=True)
    assert "Kvinna 4, Man 3" in public  # every group of 3 or more
    assert "65 år eller äldre 1" not in public and "65" not in public.split("Ålder")[1][:300]
    assert "färre än 3 personer" in public
    assert "Boende 7" in public
    assert "färre än 3 personer" not in internal
