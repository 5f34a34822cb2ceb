"""citizen: used form tokens and daily counts per address (helper citizen)

Revision ID: e5c1a7f0c2d4
Revises: 5e1f0c2a7b3d
Create Date: 2026-12-06 00:20:00.000000

"""
from alembic import op
import sqlalchemy as sa

import webapp.core.dbtypes


# revision identifiers, used by Alembic.
revision = 'e5c1a7f0c2d4'
down_revision = '5e1f0c2a7b3d'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('citizen_used_form_tokens',
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('expires_at', webapp.core.dbtypes.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('digest', name=op.f('pk_citizen_used_form_tokens'))
    )
    with op.batch_alter_table('citizen_used_form_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_citizen_used_form_tokens_expires_at'), ['expires_at'], unique=False)

    op.create_table('citizen_daily_counts',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_citizen_daily_counts'))
    )
    with op.batch_alter_table('citizen_daily_counts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_citizen_daily_counts_day'), ['day'], unique=False)


def downgrade():
    with op.batch_alter_table('citizen_daily_counts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_citizen_daily_counts_day'))
    op.drop_table('citizen_daily_counts')
    with op.batch_alter_table('citizen_used_form_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_citizen_used_form_tokens_expires_at'))
    op.drop_table('citizen_used_form_tokens')
