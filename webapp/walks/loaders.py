"""Loaders with the access check built in, for police and municipal users."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import abort, request
from flask_login import current_user

from webapp.auth.session import roles_required
from webapp.core.access import Role, can_read
from webapp.core.audit.service import record as audit
from webapp.core.fieldinput import canonical_uuid
from webapp.extensions import db
from webapp.walks.models import SafetyWalk, WalkSpot


def get_walk_or_404(walk_id: int, *, write: bool = False) -> SafetyWalk:
    """The walk if the current user may read it (404 otherwise, so ids are not probed).

    `write=True` also requires the coordinator role: officers and staff read walks, the
    trygghetssamordnare plans them and writes their protocol (403 for the others). Pages that
    show a police walk are audited.
    """
    walk = db.session.get(SafetyWalk, walk_id)
    if walk is None or not can_read(current_user, walk.visibility, walk.created_by_id):
        abort(404)
    if write and not current_user.has_role(Role.COORDINATOR):
        abort(403)
    # Pages (also the coordinator's edit pages) show a police walk's content: a read to audit.
    if walk.visibility == "police" and request.method == "GET":
        audit("walk.read", walk)
        db.session.commit()
    return walk


def coordinator_walk(view: Callable[..., Any]) -> Callable[..., Any]:
    """A coordinator's view of one walk: called with the walk of its URL's walk_id, loaded for
    writing (get_walk_or_404), in place of the id. Views that need the id after a rollback take
    the id instead."""

    @roles_required(Role.COORDINATOR)
    @wraps(view)
    def load(walk_id: int, **kwargs: Any) -> Any:
        return view(get_walk_or_404(walk_id, write=True), **kwargs)

    return load


def get_spot_or_404(walk: SafetyWalk, spot_id: str) -> WalkSpot:
    key = canonical_uuid(spot_id)
    spot = db.session.get(WalkSpot, key) if key else None
    if spot is None or spot.walk_id != walk.id:
        abort(404)
    return spot
