"""Loaders with the access check built in: every view starts with one of these."""

from __future__ import annotations

from flask_login import current_user

from webapp.core.access import Role, can_read
from webapp.core.audit.service import record as audit
from webapp.core.errors import ApiProblem
from webapp.core.fieldinput import canonical_uuid
from webapp.extensions import db
from webapp.observations.models import Observation, Photo


def get_observation_or_404(observation_id: str, *, write: bool = False) -> Observation:
    """The observation if the current user may see it (404 otherwise, so ids are not probed).

    `write=True` allows only the author (coordinators may also edit); to anyone else the record
    does not exist for writing either, so it is a 404 too. Ids are matched in their canonical
    UUID spelling, as they were stored. Reads of police records are audited.
    """
    canonical = canonical_uuid(observation_id)
    observation = db.session.get(Observation, canonical) if canonical else None
    if observation is None or not can_read(
        current_user, observation.visibility, observation.author_id
    ):
        raise ApiProblem("not_found")
    if write and not (
        observation.author_id == current_user.id or current_user.has_role(Role.COORDINATOR)
    ):
        raise ApiProblem("not_found")
    if observation.visibility == "police" and not write:
        audit("observation.read", observation)
        db.session.commit()
    return observation


def get_photo_or_404(photo_id: str) -> Photo:
    canonical = canonical_uuid(photo_id)
    photo = db.session.get(Photo, canonical) if canonical else None
    if photo is None:
        raise ApiProblem("not_found")
    get_observation_or_404(photo.observation_id)
    return photo
