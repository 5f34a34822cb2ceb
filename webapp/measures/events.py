"""Outbox events of measures (webhooks), written next to their audit entries."""

from __future__ import annotations

from webapp.core.outbox.service import emit
from webapp.measures.models import Measure


def emit_measure(type_: str, measure: Measure) -> None:
    """`measure.created` or `measure.status_changed`; the caller commits."""
    emit(type_, measure, visibility=measure.visibility, path=f"/measures/{measure.id}")
