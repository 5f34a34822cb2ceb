"""A report hidden for "another reason" keeps that reason in the coordinator's words.

Revision ID: citizen0002hidenote
Revises: surveys0001annual
Create Date: 2026-12-07 17:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "citizen0002hidenote"
down_revision = "surveys0001annual"
branch_labels = None
depends_on = None


def upgrade():
    # Reports hidden before this revision keep no words: none were asked for.
    with op.batch_alter_table("citizen_reports", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("hidden_note", sa.String(length=200), server_default="", nullable=False)
        )


def downgrade():
    with op.batch_alter_table("citizen_reports", schema=None) as batch_op:
        batch_op.drop_column("hidden_note")
