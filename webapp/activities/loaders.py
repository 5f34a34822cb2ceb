"""Loaders with the access check built in: every activity view starts with one of these."""

from __future__ import annotations

from flask_login import current_user
from sqlalchemy import Select
from sqlalchemy.orm import contains_eager, selectinload

from webapp.activities.models import Activity, ActivityType, FollowUp
from webapp.auth.models import User
from webapp.core.access import Role, can_read, visibility_filter
from webapp.core.audit.service import record as audit
from webapp.core.audit.service import record_police_reads
from webapp.core.errors import ApiProblem
from webapp.core.fieldinput import canonical_uuid
from webapp.extensions import db


def get_activity_or_404(activity_id: str, *, write: bool = False, lock: bool = False) -> Activity:
    """The activity if the current user may see it (404 otherwise, so ids cannot be probed).

    `write=True` allows only the author and coordinators (403 for other readers). Reads of
    police records are audited. `lock=True` locks the row for the rest of the transaction.
    """
    key = canonical_uuid(activity_id)
    activity = db.session.get(Activity, key, with_for_update=lock) if key else None
    if activity is None or not can_read(current_user, activity.visibility, activity.author_id):
        raise ApiProblem("not_found")
    if write and not may_edit(current_user, activity):
        raise ApiProblem("forbidden")
    if not write:
        audit_read(activity)
    return activity


def audit_read(activity: Activity) -> None:
    """Every read of a police record is in the audit log (DESIGN §7)."""
    if activity.visibility == "police":
        audit("activity.read", activity, kind=activity.activity_type.kind)
        db.session.commit()


def get_follow_up_or_404(activity_id: str, follow_up_id: int) -> FollowUp:
    activity = get_activity_or_404(activity_id, write=True)
    follow_up = db.session.get(FollowUp, follow_up_id)
    if follow_up is None or follow_up.activity_id != activity.id:
        raise ApiProblem("not_found")
    return follow_up


def may_edit(user: User, activity: Activity) -> bool:
    return activity.author_id == user.id or user.has_role(Role.COORDINATOR)


def readable_activities(user: User) -> Select:
    """A query of the activities `user` may read, newest first, with their type joined."""
    return (
        db.select(Activity)
        .join(ActivityType)
        .options(contains_eager(Activity.activity_type), selectinload(Activity.area))
        .where(visibility_filter(user, Activity.visibility, Activity.author_id))
        # The id breaks ties, so a page of the list is the same page on every visit.
        .order_by(Activity.started_at.desc(), Activity.id.desc())
    )


def audit_list(activities: list[Activity], what: str = "activity.list") -> None:
    """A list showing police records is a read of police records: note how many."""
    record_police_reads(what, "activities", (a.visibility for a in activities))
