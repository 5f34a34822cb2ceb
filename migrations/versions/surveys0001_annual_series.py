"""A survey says whether it belongs to the yearly safety survey series (compared year on year).

Revision ID: surveys0001annual
Revises: citizen0001hidereason
Create Date: 2026-12-07 09:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "surveys0001annual"
down_revision = "citizen0001hidereason"
branch_labels = None
depends_on = None


def upgrade():
    # Existing surveys start outside the series: which of them are the yearly survey is the
    # coordinator's call (one tick on the survey), not a guess from their titles.
    with op.batch_alter_table("surveys", schema=None) as batch_op:
        batch_op.add_column(sa.Column("annual", sa.Boolean(), server_default="0", nullable=False))


def downgrade():
    with op.batch_alter_table("surveys", schema=None) as batch_op:
        batch_op.drop_column("annual")
