"""Review actions on observations: triage states, links to measures, duplicates.

An observation linked to a measure follows the measure: it reads "linked to a measure" while the
work is ahead and "closed" once the measure is done, so the person who made it and the review
queue see that what it led to is done. A measure that leaves "done" again (reopened, or only
partly done after all) takes its observations back to "linked". "Closed" is also a state the
coordinator sets by hand, so an observation's status never tells a reader who may not read the
measure (a police-only measure, a municipal observation) that a measure exists or how it ended.
"""

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


# The measure status that closes the observations linked to it (measures.models.STATUSES):
# "partly done", "not feasible" and "other owner" leave the problem there, still linked.
MEASURE_DONE = "done"


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


def linked_status(measure: Measure) -> str:
    """The review status of an observation linked to `measure`: closed once it is done."""
    return "closed" if measure.status == MEASURE_DONE else "linked"


def link_to_measure(observations: list[Observation], measure: Measure, user: User) -> int:
    for observation in observations:
        observation.measure_id = measure.id
        audit("observation.link", observation, actor=user, measure_id=measure.id)
        _move_to(observation, linked_status(measure))
    db.session.commit()
    return len(observations)


def follow_measure(measure: Measure, previous: str, user: User) -> list[Observation]:
    """After `measure` moved from the status `previous`: move the observations linked to it to
    the status its new state gives them (linked_status), each with its audit entry by `user`,
    who changed the measure; returns the observations moved. The caller commits, with the
    measure's own change.

    Only a move into or out of "done" moves them, and only between the two states the rule
    sets: a duplicate stays a duplicate, and an observation the coordinator put back to "new"
    or "reviewed", or closed by hand while the work went on, stays where it was put. A measure
    that leaves "done" takes every closed observation linked to it back to "linked", also one
    closed by hand: it still belongs to the measure, whose work goes on.
    """
    if (previous == MEASURE_DONE) == (measure.status == MEASURE_DONE):
        return []
    target = linked_status(measure)
    source = "linked" if target == "closed" else "closed"
    moved = list(
        db.session.execute(
            db.select(Observation)
            .where(Observation.measure_id == measure.id, Observation.status == source)
            .order_by(Observation.observed_at, Observation.id)
        ).scalars()
    )
    reason = "measure_done" if target == "closed" else "measure_not_done"
    for observation in moved:
        audit(
            "observation.review",
            observation,
            actor=user,
            from_status=source,
            to_status=target,
            measure_id=measure.id,
            reason=reason,
        )
        _move_to(observation, target)
    return moved


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
