"""Walk participants who joined from the walk's page are linked to their account, so joining
again takes up the same participant instead of counting the person twice.

Revision ID: walks0001partuser
Revises: map0003rural
Create Date: 2026-12-07 07:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "walks0001partuser"
down_revision = "map0003rural"
branch_labels = None
depends_on = None


def upgrade():
    # Participants who joined before this revision stay unlinked: which account joined is not
    # stored anywhere reliable enough to link them afterwards.
    with op.batch_alter_table("walk_participants", schema=None) as batch_op:
        batch_op.add_column(sa.Column("user_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_walk_participants_user_id"), ["user_id"])
        batch_op.create_foreign_key(
            batch_op.f("fk_walk_participants_user_id_users"),
            "users",
            ["user_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade():
    with op.batch_alter_table("walk_participants", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_walk_participants_user_id_users"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_walk_participants_user_id"))
        batch_op.drop_column("user_id")
