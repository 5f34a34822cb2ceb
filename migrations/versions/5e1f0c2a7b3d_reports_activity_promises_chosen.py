"""reports: activities remember whether their promises were ticked by hand

Revision ID: 5e1f0c2a7b3d
Revises: 4d502a0afd49
Create Date: 2026-12-05 23:40:00

An activity whose promises nobody ticked counts for every promise that serves its type and covers
its day, re-derived when promises change. Existing rows whose links differ from that default were
ticked by hand and keep their choice.
"""
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from alembic import op
import sqlalchemy as sa


revision = '5e1f0c2a7b3d'
down_revision = '4d502a0afd49'
branch_labels = None
depends_on = None

LOCAL_ZONE = ZoneInfo("Europe/Stockholm")


def _local_day(value):
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(LOCAL_ZONE).date()


def _day(value):
    return date.fromisoformat(value) if isinstance(value, str) else value


def _mark_hand_picked(bind) -> None:
    promises = {
        row.id: (_day(row.starts_on), _day(row.ends_on))
        for row in bind.execute(sa.text("SELECT id, starts_on, ends_on FROM promises"))
    }
    served: dict[int, set[int]] = {}
    for type_id, promise_id in bind.execute(
        sa.text("SELECT activity_type_id, promise_id FROM promise_activity_types")
    ):
        served.setdefault(type_id, set()).add(promise_id)
    links: dict[str, set[int]] = {}
    for activity_id, promise_id in bind.execute(
        sa.text("SELECT activity_id, promise_id FROM activity_promises")
    ):
        links.setdefault(activity_id, set()).add(promise_id)
    chosen = []
    for activity_id, type_id, started_at in bind.execute(
        sa.text("SELECT id, activity_type_id, started_at FROM activities")
    ):
        day = _local_day(started_at)
        default = {
            p for p in served.get(type_id, ())
            if promises[p][0] <= day and (promises[p][1] is None or day <= promises[p][1])
        }
        if links.get(activity_id, set()) != default:
            chosen.append(activity_id)
    for activity_id in chosen:
        bind.execute(
            sa.text("UPDATE activities SET promises_chosen = :yes WHERE id = :id"),
            {"yes": True, "id": activity_id},
        )


def upgrade():
    with op.batch_alter_table('activities', schema=None) as batch_op:
        batch_op.add_column(sa.Column('promises_chosen', sa.Boolean(), server_default='0', nullable=False))
    _mark_hand_picked(op.get_bind())


def downgrade():
    with op.batch_alter_table('activities', schema=None) as batch_op:
        batch_op.drop_column('promises_chosen')
