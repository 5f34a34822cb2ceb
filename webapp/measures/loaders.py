from __future__ import annotations

from collections.abc import Collection

from flask import abort, request
from flask_login import current_user
from sqlalchemy import select

from webapp.core.access import can_read, visibility_filter
from webapp.core.audit.service import record as audit
from webapp.core.audit.service import record_police_reads
from webapp.extensions import db
from webapp.measures.models import Measure
from webapp.measures.owners import status_choices


def get_measure_or_404(measure_id: int, *, report: bool = False) -> Measure:
    """The measure if the current user may read it (404 otherwise); police reads are audited.

    `report=True` also requires that the user may change its status now (403 otherwise): the
    coordinator always, the owner's organisation while the measure is open or partly done
    (webapp.measures.owners). Reading is checked first, so a measure the user may not read
    stays a 404 whoever owns it.
    """
    measure = db.session.get(Measure, measure_id)
    if measure is None or not can_read(current_user, measure.visibility, measure.created_by_id):
        abort(404)
    if report and not status_choices(current_user, measure):
        abort(403)
    if measure.visibility == "police" and request.method == "GET":
        audit("measure.read", measure)
        db.session.commit()
    return measure


def readable_measures(owners: Collection[str] | None, *order_by: object) -> list[Measure]:
    """The measures the current user may read, only those of `owners` unless it is None; a list
    showing police measures is audited (only the rows it shows)."""
    query = select(Measure).where(
        visibility_filter(current_user, Measure.visibility, Measure.created_by_id)
    )
    if owners is not None:
        query = query.where(Measure.owner.in_(owners))
    rows = list(db.session.scalars(query.order_by(*order_by)))
    record_police_reads("measure.list", Measure.__tablename__, (m.visibility for m in rows))
    return rows
