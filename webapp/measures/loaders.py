from __future__ import annotations

from flask import abort
from flask_login import current_user

from ..access import can_read
from ..extensions import db
from .models import Measure


def get_measure_or_404(measure_id: int) -> Measure:
    measure = db.session.get(Measure, measure_id)
    if measure is None or not can_read(current_user, measure.visibility, measure.created_by_id):
        abort(404)
    return measure
