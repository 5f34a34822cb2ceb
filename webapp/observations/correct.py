"""Correcting a sent observation: its note, its category, its photos.

A name or a face that should never have been recorded must be possible to take out: the author
may correct their own observation until the coordinator has reviewed it, the coordinator any
observation at any time. Position and time stay as recorded (they are what was observed). The
audit entry names the fields that changed, never their old or new text: the old text may hold
the very name that was taken out.
"""

from __future__ import annotations

from typing import Any

from webapp.auth.models import User
from webapp.core.access import Role
from webapp.core.audit.service import record as audit
from webapp.core.blobs import store
from webapp.core.outbox.service import emit
from webapp.extensions import db
from webapp.observations.models import Observation
from webapp.observations.service import observation_path
from webapp.observations.validation import active_category, note_text

EDITABLE_BY_AUTHOR = ("new",)  # not yet reviewed


def may_correct(user: User, observation: Observation) -> bool:
    """For a user who may read the observation (the loader checked that)."""
    if user.has_role(Role.COORDINATOR):
        return True
    return observation.author_id == user.id and observation.status in EDITABLE_BY_AUTHOR


def clean_correction(observation: Observation, form: Any) -> tuple[dict[str, Any], dict[str, str]]:
    """The corrected values from the form, with messages per field (empty when all is well)."""
    errors: dict[str, str] = {}
    category = form.get("category") or ""
    # The category it has may have been retired since: keeping it is not a new choice.
    if category != observation.category_code:
        category = active_category(category, errors) or observation.category_code
    note = note_text(form.get("note", ""), errors)
    photo_ids = {photo.id for photo in observation.photos}
    removed = sorted(set(form.getlist("remove_photo")) & photo_ids)
    return {"category": category, "note": note, "remove_photos": removed}, errors


def apply_correction(observation: Observation, values: dict[str, Any], user: User) -> list[str]:
    """Store the correction with its audit entry and event; returns the fields that changed.
    Commits; photo files of a folder store are deleted after the commit."""
    current = {"category": observation.category_code, "note": observation.note or ""}
    changed = [field for field, value in current.items() if value != values[field]]
    observation.category_code = values["category"]
    observation.note = values["note"]
    photos = [photo for photo in observation.photos if photo.id in values["remove_photos"]]
    files = [photo.storage_name for photo in photos]
    blobs = store()
    for photo in photos:
        observation.photos.remove(photo)
        db.session.delete(photo)
        if blobs.transactional:
            blobs.delete(photo.storage_name)
    if photos:
        changed.append("photos")
    if not changed:
        return []
    audit("observation.correct", observation, actor=user, changed=changed,
          photos_removed=len(photos))  # fmt: skip
    emit("observation.updated", observation, visibility=observation.visibility,
         path=observation_path(observation.id))  # fmt: skip
    db.session.commit()
    if not blobs.transactional:
        for name in files:
            blobs.delete(name)
    return changed
