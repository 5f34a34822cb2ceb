"""field: observations keep that they were saved with an imprecise GPS fix

Revision ID: f1e1d0a7c0de
Revises: e5c1a7f0c2d4
Create Date: 2026-12-06 00:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f1e1d0a7c0de'
down_revision = 'e5c1a7f0c2d4'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('observations', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('imprecise_position', sa.Boolean(), server_default='0', nullable=False)
        )


def downgrade():
    with op.batch_alter_table('observations', schema=None) as batch_op:
        batch_op.drop_column('imprecise_position')
