from __future__ import annotations

from flask import abort, request
from flask_login import current_user

from webapp.core.access import can_read
from webapp.core.audit.service import record as audit
from webapp.extensions import db
from webapp.measures.models import Measure


def get_measure_or_404(measure_id: int) -> Measure:
    """The measure if the current user may read it (404 otherwise); police reads are audited."""
    measure = db.session.get(Measure, measure_id)
    if measure is None or not can_read(current_user, measure.visibility, measure.created_by_id):
        abort(404)
    if measure.visibility == "police" and request.method == "GET":
        audit("measure.read", measure)
        db.session.commit()
    return measure
