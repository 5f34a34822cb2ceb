"""Storing what participants send exactly once: spots, photos, ratings and on-site checks.

Same pattern as observations (webapp.core.idempotency): the phone's UUID is the primary key, a
replay with the same content and participant is answered with the stored row, anything else
under that UUID is a conflict.
"""

from __future__ import annotations

from datetime import UTC, timedelta, timezone
from typing import Any, TypeVar

from webapp.core.audit.service import record as audit
from webapp.core.idempotency import content_digest, insert_once
from webapp.extensions import db
from webapp.observations.photos import store_photo_once
from webapp.walks.models import (
    WalkMeasureCheck,
    WalkParticipant,
    WalkRating,
    WalkSpot,
    WalkSpotPhoto,
    WalkStop,
)
from webapp.walks.validation import CleanCheck, CleanRating, CleanSpot

Row = TypeVar("Row", WalkSpot, WalkRating, WalkMeasureCheck)


def _actor(participant: WalkParticipant) -> str:
    return f"participant {participant.id[:8]}"


def store_spot(clean: CleanSpot, participant: WalkParticipant) -> tuple[WalkSpot, bool]:
    canonical = {**clean.canonical(), "walk_id": participant.walk_id}
    spot = _participant_row(WalkSpot, participant, canonical, **clean.columns())
    return _store_once(spot, "walk_spot.create", participant, walk_id=participant.walk_id)


def _participant_row(
    model: type[Row], participant: WalkParticipant, canonical: dict[str, Any], **columns: Any
) -> Row:
    """A participant's new record: its walk and its participant (the keys all of them share),
    and the digest of its `canonical` content that tells a replay from a conflict."""
    return model(
        walk_id=participant.walk_id,
        participant_id=participant.id,
        content_hash=content_digest(canonical),
        **columns,
    )


def _store_once(row: Any, action: str, participant: WalkParticipant, **details: Any) -> Any:
    """Insert a participant's record once (a replay finds it), audit and commit a new one."""
    row, created = insert_once(row)
    if created:
        audit(action, row, actor_label=_actor(participant), **details)
        db.session.commit()
    return row, created


def store_rating(
    clean: CleanRating, stop: WalkStop, participant: WalkParticipant
) -> tuple[WalkRating, bool]:
    rating = _participant_row(
        WalkRating,
        participant,
        clean.canonical(stop.id),
        id=clean.id,
        stop_id=stop.id,
        note=clean.note,
        rated_at=clean.rated_at.astimezone(UTC),
        **clean.values,
    )
    return _store_once(
        rating, "walk.rating", participant, walk_id=participant.walk_id, stop_id=stop.id
    )


def store_check(
    clean: CleanCheck, measure_id: int, participant: WalkParticipant
) -> tuple[WalkMeasureCheck, bool]:
    columns = clean.canonical(measure_id)  # a check's columns are all its content
    check = _participant_row(WalkMeasureCheck, participant, columns, **columns)
    return _store_once(
        check, "walk.measure_check", participant, measure_id=measure_id, answer=clean.answer
    )


def store_spot_photo(spot: WalkSpot, photo_id: str, raw: bytes) -> tuple[WalkSpotPhoto, bool]:
    """Store a spot's photo once, in the observations' store (EXIF stripped): store_photo_once."""
    spot_id = spot.id
    return store_photo_once(
        WalkSpotPhoto,
        photo_id,
        raw,
        {"spot_id": spot_id},
        lambda row: audit(
            "walk_photo.create", row, target_type="walk_spot_photos", spot_id=spot_id
        ),
    )


# ---- JSON shapes ------------------------------------------------------------------------------


def spot_json(spot: WalkSpot, participant: WalkParticipant | None) -> dict[str, Any]:
    """A spot as a participant sees it: others' spots without their notes."""
    mine = participant is not None and spot.participant_id == participant.id
    zone = timezone(timedelta(minutes=spot.observed_utc_offset_min))
    data: dict[str, Any] = {
        "id": spot.id,
        "lat": spot.lat,
        "lon": spot.lon,
        "category": spot.category_code,
        "mine": mine,
    }
    if mine:
        data.update(
            note=spot.note,
            accuracy_m=spot.accuracy_m,
            manual_position=spot.manual_position,
            observed_at=spot.observed_at.astimezone(zone).isoformat(),
            photos=len(spot.photos),
        )
    return data


def rating_json(rating: WalkRating) -> dict[str, Any]:
    return {
        "id": rating.id,
        "stop_id": rating.stop_id,
        **rating.values(),
        "note": rating.note,
        "rated_at": rating.rated_at.isoformat(),
    }


def check_json(check: WalkMeasureCheck) -> dict[str, Any]:
    return {
        "id": check.id,
        "measure_id": check.measure_id,
        "answer": check.answer,
        "note": check.note,
    }
