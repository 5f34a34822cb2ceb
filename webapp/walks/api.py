"""/api/v1 for walk participants: spots, photos, ratings and on-site checks, all idempotent.

Every route takes the walk's id and answers 404 for anything outside the participant's walk
(another walk, a stop, spot or measure of another walk), exactly as for ids that do not exist.
Without a valid participant session the answer is 401, so the outbox keeps its items.

A phone that joins a walk again (its session ended: the cookie lost, a renewed code) sends what
waited under its earlier participant as the new one, with the same ids (walk-participant.js). A
record the walk already has under such an id and with the very same content is answered as a
replay (_store_again): only who made it can send all of it again, and nothing is stored twice.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import jsonify, request
from flask_babel import gettext as _
from flask_wtf.csrf import generate_csrf

from webapp.core.apiwrite import no_store, store_or_problem, stored_response, valid_or_problem
from webapp.core.errors import ApiProblem
from webapp.core.fieldinput import canonical_uuid
from webapp.core.idempotency import ConflictError
from webapp.core.jsonbody import json_body
from webapp.core.routes import RouteTable
from webapp.extensions import db
from webapp.measures.models import Measure
from webapp.observations.photos import photo_uuid
from webapp.walks import participant as participants
from webapp.walks.models import WalkMeasureCheck, WalkParticipant, WalkRating, WalkSpot, WalkStop
from webapp.walks.participant_views import _measure_json, follow_up_measures
from webapp.walks.records import (
    check_json,
    rating_json,
    spot_json,
    store_check,
    store_rating,
    store_spot,
    store_spot_photo,
)
from webapp.walks.validation import validate_check, validate_rating, validate_spot

Row = TypeVar("Row")

routes = RouteTable()
register = routes.register
WALK = "/walks/<int:walk_id>"


@routes.get("/walk-session")
def walk_session():  # type: ignore[no-untyped-def]
    """Like /csrf-token, for a participant's outbox: `authenticated` means "still on the walk"."""
    current = participants.current_participant()
    return no_store(
        jsonify(
            csrf_token=generate_csrf(),
            authenticated=current is not None,
            walk_id=current.walk_id if current else None,
            # The outbox store this session may send from (see outbox.js checkOwner).
            outbox_scope=f"walk-{current.id}" if current else None,
        )
    )


@routes.get(WALK)
def walk_detail(walk_id: int):  # type: ignore[no-untyped-def]
    walk = participants.participant_for_walk(walk_id).walk
    return jsonify(
        id=walk.id,
        name=walk.name,
        starts_at=walk.starts_at.isoformat(),
        after_dark=walk.after_dark,
        meeting_point=walk.meeting_point,
        route=walk.route,
        stops=[
            {"id": s.id, "name": s.name, "lat": s.lat, "lon": s.lon, "position": s.position}
            for s in walk.stops
        ],
        follow_up=walk.follow_up_of_id is not None,
    )


def refuse_after_publication(current: WalkParticipant, model: type, record_id: str) -> None:
    """409 with the reason for a new record once the walk's protocol is published (see
    SafetyWalk.takes_records). A replay of a record stored before still gets its answer: the
    phone may have lost the first one."""
    if current.walk.takes_records or db.session.get(model, record_id) is not None:
        return
    raise ApiProblem(
        "conflict",
        message=_(
            "The walk is over and its protocol is published, so it takes no more entries. "
            "Thank you for taking part!"
        ),
    )


def _store_again(store: Callable[..., tuple[Row, bool]], *args: Any) -> tuple[Row, bool]:
    """store(*args, current) for the session's participant (the last of `args`), answered as
    store_or_problem does; but a record the same walk already has from an earlier participant,
    with the same id and content, is answered as that participant's replay would be (200, the
    stored record): the same entry, sent again by the phone that joined anew."""
    *values, current = args
    try:
        return store(*values, current)
    except ConflictError as conflict:
        existing = conflict.existing
        earlier = db.session.get(WalkParticipant, getattr(existing, "participant_id", ""))
        if earlier is None or earlier.id == current.id or earlier.walk_id != current.walk_id:
            raise ApiProblem("conflict") from None
        # Stored again as its author's: the same content is a replay, anything else stays a
        # conflict (records.py compares, as for any replay). The new row must not meet the
        # stored one in the session, where it now is.
        db.session.expunge(existing)
    return store_or_problem(store, *values, earlier)


@routes.get(f"{WALK}/spots", "walk_spots")
def list_spots(walk_id: int):  # type: ignore[no-untyped-def]
    current = participants.participant_for_walk(walk_id)
    spots = db.session.execute(db.select(WalkSpot).filter_by(walk_id=walk_id)).scalars()
    return jsonify(spots=[spot_json(s, current) for s in spots if s.status != "duplicate"])


@routes.post(f"{WALK}/spots", "walk_create_spot")
def create_spot(walk_id: int):  # type: ignore[no-untyped-def]
    current = participants.participant_for_walk(walk_id)
    clean = valid_or_problem(validate_spot(json_body()))
    refuse_after_publication(current, WalkSpot, clean.id)
    spot, created = _store_again(store_spot, clean, current)
    if spot.participant_id != current.id:
        participants.vouch_for_spot(spot.id)  # its photos that waited may follow
    return stored_response(spot_json(spot, current), created)


@routes.put(f"{WALK}/spots/<spot_id>/photos/<photo_id>", "walk_spot_photo")
def put_photo(walk_id: int, spot_id: str, photo_id: str):  # type: ignore[no-untyped-def]
    current = participants.participant_for_walk(walk_id)
    spot = db.session.get(WalkSpot, canonical_uuid(spot_id)) if canonical_uuid(spot_id) else None
    # Only the phone that marked the spot adds its photo; to others it does not exist.
    if (
        spot is None
        or spot.walk_id != walk_id
        or not participants.may_add_photo(spot.participant_id, spot.id, current)
    ):
        raise ApiProblem("not_found")
    photo, created = store_spot_photo(spot, photo_uuid(photo_id), request.get_data(cache=False))
    return stored_response(
        {"id": photo.id, "spot_id": photo.spot_id, "width": photo.width, "height": photo.height},
        created,
    )


@routes.post(f"{WALK}/stops/<int:stop_id>/ratings", "walk_rate_stop")
def rate_stop(walk_id: int, stop_id: int):  # type: ignore[no-untyped-def]
    current = participants.participant_for_walk(walk_id)
    stop = db.session.get(WalkStop, stop_id)
    if stop is None or stop.walk_id != walk_id:
        raise ApiProblem("not_found")
    clean = valid_or_problem(validate_rating(json_body()))
    refuse_after_publication(current, WalkRating, clean.id)
    rating, created = _store_again(store_rating, clean, stop, current)
    return stored_response(rating_json(rating), created)


def _checkable_measure(walk_id: int, measure_id: int) -> Measure:
    """A measure of the walk this one follows up, shared with residents; else 404."""
    current = participants.participant_for_walk(walk_id)
    for measure in follow_up_measures(current.walk):
        if measure.id == measure_id:
            return measure
    raise ApiProblem("not_found")


@routes.get(f"{WALK}/measures/<int:measure_id>", "walk_measure")
def get_measure(walk_id: int, measure_id: int):  # type: ignore[no-untyped-def]
    return jsonify(_measure_json(_checkable_measure(walk_id, measure_id)))


@routes.post(f"{WALK}/measures/<int:measure_id>/checks", "walk_check_measure")
def check_measure(walk_id: int, measure_id: int):  # type: ignore[no-untyped-def]
    measure = _checkable_measure(walk_id, measure_id)
    current = participants.participant_for_walk(walk_id)
    clean = valid_or_problem(validate_check(json_body()))
    refuse_after_publication(current, WalkMeasureCheck, clean.id)
    check, created = _store_again(store_check, clean, measure.id, current)
    return stored_response(check_json(check), created)
