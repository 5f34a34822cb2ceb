"""Background jobs: one row per job, the truth behind the Huey queue (issue 19, helper: f19b).

Revision ID: ops0002jobs
Revises: ops0001blobs
Create Date: 2026-12-06 03:50:00
"""

import sqlalchemy as sa
from alembic import op

import webapp.core.dbtypes

revision = "ops0002jobs"
down_revision = "ops0001blobs"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "background_jobs",
        sa.Column("id", sa.String(length=120), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("max_attempts", sa.Integer(), nullable=False),
        sa.Column("run_after", webapp.core.dbtypes.UTCDateTime(timezone=True), nullable=False),
        sa.Column("lease_until", webapp.core.dbtypes.UTCDateTime(timezone=True), nullable=True),
        sa.Column("claimed_by", sa.String(length=120), nullable=True),
        sa.Column("created_at", webapp.core.dbtypes.UTCDateTime(timezone=True), nullable=False),
        sa.Column("finished_at", webapp.core.dbtypes.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_background_jobs")),
    )
    with op.batch_alter_table("background_jobs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_background_jobs_kind"), ["kind"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_background_jobs_run_after"), ["run_after"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_background_jobs_state"), ["state"], unique=False)


def downgrade():
    with op.batch_alter_table("background_jobs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_background_jobs_state"))
        batch_op.drop_index(batch_op.f("ix_background_jobs_run_after"))
        batch_op.drop_index(batch_op.f("ix_background_jobs_kind"))
    op.drop_table("background_jobs")
