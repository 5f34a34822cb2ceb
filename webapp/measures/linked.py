"""Places that already belong to a measure, when another measure is made from them.

Back and "Create measure" again on a phone re-sends the form: without a check the places
moved silently to a second, identical measure and the first lost its grounds. The form now
stops and names the measure they belong to; moving them is a deliberate choice.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask_babel import gettext as _
from flask_login import current_user

from webapp.core.access import can_read
from webapp.extensions import db
from webapp.measures.models import Measure


def measures_of(records: Iterable[Any]) -> list[Measure]:
    """The measures the records (observations or walk spots) belong to, each once, that the
    current user may read (a measure they may not read is not named; the move still asks)."""
    ids = sorted({record.measure_id for record in records if record.measure_id is not None})
    if not ids:
        return []
    rows = db.session.execute(db.select(Measure).where(Measure.id.in_(ids)).order_by(Measure.id))
    return [
        measure
        for measure in rows.scalars()
        if can_read(current_user, measure.visibility, measure.created_by_id)
    ]


def refuse_unconfirmed_move(form: Any, records: Iterable[Any]) -> bool:
    """True (and an error on the form's confirmation box) when a record already has a measure
    and the coordinator has not ticked that the places should move to the new one."""
    if form.move_linked.data or not any(record.measure_id for record in records):
        return False
    form.move_linked.errors = [
        _("These places already belong to a measure. Open it, or tick the box to move them.")
    ]
    return True
