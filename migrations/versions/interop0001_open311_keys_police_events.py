"""Open311 API keys, the police's public events and the log of their imports (issue 20,
helper f20a).

Revision ID: interop0001open311
Revises: ops0002jobs
Create Date: 2026-12-06 03:40:00
"""

import sqlalchemy as sa
from alembic import op

import webapp.core.dbtypes

revision = "interop0001open311"
down_revision = "ops0002jobs"
branch_labels = None
depends_on = None

UTC_DT = webapp.core.dbtypes.UTCDateTime(timezone=True)


def upgrade():
    op.create_table(
        "open311_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("prefix", sa.String(length=12), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTC_DT, nullable=False),
        sa.Column("last_used_at", UTC_DT, nullable=True),
        sa.Column("revoked_at", UTC_DT, nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_open311_keys_created_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_open311_keys")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_open311_keys_key_hash")),
        sa.UniqueConstraint("name", name=op.f("uq_open311_keys_name")),
    )
    op.create_table(
        "police_events",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("occurred_at", UTC_DT, nullable=False),
        sa.Column("raw_datetime", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("url", sa.String(length=500), nullable=False),
        sa.Column("type", sa.String(length=80), nullable=False),
        sa.Column("location_name", sa.String(length=120), nullable=False),
        sa.Column("first_imported_at", UTC_DT, nullable=False),
        sa.Column("updated_at", UTC_DT, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_police_events")),
    )
    with op.batch_alter_table("police_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_police_events_occurred_at"), ["occurred_at"])
        batch_op.create_index(batch_op.f("ix_police_events_type"), ["type"])
    op.create_table(
        "police_imports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("started_at", UTC_DT, nullable=False),
        sa.Column("finished_at", UTC_DT, nullable=True),
        sa.Column("source", sa.String(length=8), nullable=False),
        sa.Column("url", sa.String(length=500), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("http_status", sa.Integer(), nullable=True),
        sa.Column("retry_after_s", sa.Integer(), nullable=True),
        sa.Column("received", sa.Integer(), nullable=False),
        sa.Column("kept", sa.Integer(), nullable=False),
        sa.Column("new", sa.Integer(), nullable=False),
        sa.Column("updated", sa.Integer(), nullable=False),
        sa.Column("message", sa.String(length=300), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_police_imports")),
    )
    with op.batch_alter_table("police_imports", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_police_imports_outcome"), ["outcome"])
        batch_op.create_index(batch_op.f("ix_police_imports_started_at"), ["started_at"])


def downgrade():
    with op.batch_alter_table("police_imports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_police_imports_started_at"))
        batch_op.drop_index(batch_op.f("ix_police_imports_outcome"))
    op.drop_table("police_imports")
    with op.batch_alter_table("police_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_police_events_type"))
        batch_op.drop_index(batch_op.f("ix_police_events_occurred_at"))
    op.drop_table("police_events")
    op.drop_table("open311_keys")
