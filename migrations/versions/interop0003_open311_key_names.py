"""A revoked Open311 key's name is free again: names are unique among active keys only.

Revision ID: interop0003keynames
Revises: citizen0002hidenote
Create Date: 2026-12-07 18:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "interop0003keynames"
down_revision = "citizen0002hidenote"
branch_labels = None
depends_on = None

ACTIVE = sa.text("revoked_at IS NULL")


def upgrade():
    with op.batch_alter_table("open311_keys", schema=None) as batch_op:
        batch_op.drop_constraint("uq_open311_keys_name", type_="unique")
    op.create_index(
        "uq_open311_keys_active_name",
        "open311_keys",
        ["name"],
        unique=True,
        sqlite_where=ACTIVE,
        postgresql_where=ACTIVE,
    )


def downgrade():
    # Fails while a revoked key shares its name with another key: rename one of them first.
    op.drop_index("uq_open311_keys_active_name", table_name="open311_keys")
    with op.batch_alter_table("open311_keys", schema=None) as batch_op:
        batch_op.create_unique_constraint("uq_open311_keys_name", ["name"])
