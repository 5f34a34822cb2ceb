"""Review actions on observations: triage states, links to measures, duplicates."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from webapp.auth.models import User
from webapp.core.access import can_read
from webapp.core.audit.service import record as audit
from webapp.core.fieldinput import canonical_uuid
from webapp.core.outbox.service import emit
from webapp.extensions import db
from webapp.observations.models import STATUSES, Observation
from webapp.observations.service import observation_path

if TYPE_CHECKING:
    from webapp.measures.models import Measure


class ReviewError(ValueError):
    """A review action that cannot be applied; the message is shown to the coordinator."""


def _emit_status(observation: Observation) -> None:
    emit(
        "observation.status_changed",
        observation,
        visibility=observation.visibility,
        path=observation_path(observation.id),
    )


def readable_observations(ids: Iterable[str], user: User) -> list[Observation]:
    ids = [key for i in list(ids)[:500] if (key := canonical_uuid(i))]
    rows = db.session.execute(db.select(Observation).where(Observation.id.in_(ids))).scalars()
    return [row for row in rows if can_read(user, row.visibility, row.author_id)]


def set_status(observations: list[Observation], status: str, user: User) -> int:
    if status not in STATUSES:
        raise ReviewError("unknown status")
    for observation in observations:
        if observation.status != status:
            audit(
                "observation.review",
                observation,
                actor=user,
                from_status=observation.status,
                to_status=status,
            )
            observation.status = status
            _emit_status(observation)
    db.session.commit()
    return len(observations)


def _move_to(observation: Observation, status: str) -> None:
    """Set the review status; a real change is an event for webhook receivers."""
    if observation.status != status:
        observation.status = status
        _emit_status(observation)


def link_to_measure(observations: list[Observation], measure: Measure, user: User) -> int:
    for observation in observations:
        observation.measure_id = measure.id
        audit("observation.link", observation, actor=user, measure_id=measure.id)
        _move_to(observation, "linked")
    db.session.commit()
    return len(observations)


def mark_duplicate(observation: Observation, original: Observation, user: User) -> None:
    if observation.id == original.id:
        raise ReviewError("a record cannot duplicate itself")
    if original.duplicate_of_id == observation.id:
        raise ReviewError("the original is already a duplicate of this record")
    observation.duplicate_of_id = original.id
    audit("observation.duplicate", observation, actor=user, original_id=original.id)
    _move_to(observation, "duplicate")
    db.session.commit()


def merge(one: Observation, other: Observation, user: User) -> Observation:
    """Mark the later of two records as a duplicate of the earlier; returns the one kept.

    The earlier record is the first report of the thing, so links and the review trail stay on
    it; a tie in time keeps the one stored first.
    """
    original, duplicate = sorted((one, other), key=lambda o: (o.observed_at, o.created_at, o.id))
    mark_duplicate(duplicate, original, user)
    return original
