"""Which promises an activity counts for, kept right when promises change.

An activity whose author ticked no promise counts for every promise that serves its type and
whose period covers its local day ("Nothing ticked: it counts for the promises valid on the
date"). That set changes when a coordinator enters a new promise period, moves a promise's dates
or changes which promises a type serves; `relink_activities` then derives the links again, in
set-based SQL, so work logged before the promise existed counts for it and the report, the
activity pages and the promise list all read the same links. Hand-picked links stay as picked.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from sqlalchemy import delete, insert, literal, select

from webapp.activities.models import Activity, ActivityType
from webapp.core.localtime import local_midnight_utc
from webapp.extensions import db
from webapp.promises.models import Promise, activity_promises


def relink_activities(type_ids: Iterable[int]) -> int:
    """Derive the promise links of the un-ticked activities of these types; returns how many
    links exist for them afterwards. Flushes; the caller commits with its audit entry."""
    type_ids = sorted(set(type_ids))
    if not type_ids:
        return 0
    db.session.flush()
    derived = select(Activity.id).where(
        Activity.activity_type_id.in_(type_ids), Activity.promises_chosen.is_(False)
    )
    db.session.execute(
        delete(activity_promises).where(activity_promises.c.activity_id.in_(derived))
    )
    linked = 0
    for activity_type in db.session.scalars(
        select(ActivityType).where(ActivityType.id.in_(type_ids))
    ):
        for promise in activity_type.promises:
            linked += _link_covered(activity_type.id, promise)
    # The ORM's copies of Activity.promises are stale after the bulk change.
    db.session.expire_all()
    return linked


def _link_covered(type_id: int, promise: Promise) -> int:
    covered = [
        Activity.activity_type_id == type_id,
        Activity.promises_chosen.is_(False),
        Activity.started_at >= local_midnight_utc(promise.starts_on),
    ]
    if promise.ends_on is not None:
        covered.append(
            Activity.started_at < local_midnight_utc(promise.ends_on + timedelta(days=1))
        )
    rows = select(Activity.id, literal(promise.id)).where(*covered)
    result = db.session.execute(
        insert(activity_promises).from_select(["activity_id", "promise_id"], rows)
    )
    return max(result.rowcount or 0, 0)
