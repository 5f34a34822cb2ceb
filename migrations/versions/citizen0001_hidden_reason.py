"""A hidden resident report keeps why it was hidden (a code from a fixed list).

Revision ID: citizen0001hidereason
Revises: walks0001partuser
Create Date: 2026-12-07 07:20:00
"""

import sqlalchemy as sa
from alembic import op

revision = "citizen0001hidereason"
down_revision = "walks0001partuser"
branch_labels = None
depends_on = None


def upgrade():
    # Reports hidden before this revision keep no reason: none was asked for.
    with op.batch_alter_table("citizen_reports", schema=None) as batch_op:
        batch_op.add_column(sa.Column("hidden_reason", sa.String(length=16), nullable=True))


def downgrade():
    with op.batch_alter_table("citizen_reports", schema=None) as batch_op:
        batch_op.drop_column("hidden_reason")
