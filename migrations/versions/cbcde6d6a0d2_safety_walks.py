"""safety walks

Revision ID: cbcde6d6a0d2
Revises: 1b789092e4a9
Create Date: 2026-11-29 11:42:17.259463

"""
from alembic import op
import sqlalchemy as sa

import webapp.core.dbtypes


# revision identifiers, used by Alembic.
revision = 'cbcde6d6a0d2'
down_revision = '1b789092e4a9'
branch_labels = None
depends_on = None


def upgrade():
    # Columns added to tables that may hold rows get a server default, so existing walks and
    # measures take the empty value (PostgreSQL refuses NOT NULL columns without one).
    op.create_table('walk_participants',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('walk_id', sa.Integer(), nullable=False),
    sa.Column('join_code', sa.String(length=8), nullable=False),
    sa.Column('group', sa.String(length=16), nullable=True),
    sa.Column('gender', sa.String(length=16), nullable=True),
    sa.Column('age_band', sa.String(length=16), nullable=True),
    sa.Column('joined_at', webapp.core.dbtypes.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['walk_id'], ['safety_walks.id'], name=op.f('fk_walk_participants_walk_id_safety_walks'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_walk_participants'))
    )
    with op.batch_alter_table('walk_participants', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_walk_participants_walk_id'), ['walk_id'], unique=False)

    op.create_table('walk_stops',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('walk_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('lat', sa.Double(), nullable=False),
    sa.Column('lon', sa.Double(), nullable=False),
    sa.Column('origin_stop_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('lat >= -90 AND lat <= 90', name=op.f('ck_walk_stops_lat_range')),
    sa.CheckConstraint('lon >= -180 AND lon <= 180', name=op.f('ck_walk_stops_lon_range')),
    sa.ForeignKeyConstraint(['origin_stop_id'], ['walk_stops.id'], name=op.f('fk_walk_stops_origin_stop_id_walk_stops'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['walk_id'], ['safety_walks.id'], name=op.f('fk_walk_stops_walk_id_safety_walks'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_walk_stops'))
    )
    with op.batch_alter_table('walk_stops', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_walk_stops_walk_id'), ['walk_id'], unique=False)

    op.create_table('walk_measure_checks',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('walk_id', sa.Integer(), nullable=False),
    sa.Column('measure_id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.String(length=36), nullable=False),
    sa.Column('answer', sa.String(length=16), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', webapp.core.dbtypes.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['measure_id'], ['measures.id'], name=op.f('fk_walk_measure_checks_measure_id_measures'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['participant_id'], ['walk_participants.id'], name=op.f('fk_walk_measure_checks_participant_id_walk_participants'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['walk_id'], ['safety_walks.id'], name=op.f('fk_walk_measure_checks_walk_id_safety_walks'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_walk_measure_checks'))
    )
    with op.batch_alter_table('walk_measure_checks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_walk_measure_checks_measure_id'), ['measure_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_walk_measure_checks_participant_id'), ['participant_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_walk_measure_checks_walk_id'), ['walk_id'], unique=False)

    op.create_table('walk_ratings',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('walk_id', sa.Integer(), nullable=False),
    sa.Column('stop_id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.String(length=36), nullable=False),
    sa.Column('lighting', sa.Integer(), nullable=True),
    sa.Column('overview', sa.Integer(), nullable=True),
    sa.Column('people', sa.Integer(), nullable=True),
    sa.Column('upkeep', sa.Integer(), nullable=True),
    sa.Column('walkway', sa.Integer(), nullable=True),
    sa.Column('feeling', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('rated_at', webapp.core.dbtypes.UTCDateTime(timezone=True), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', webapp.core.dbtypes.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('feeling IS NULL OR (feeling >= 0 AND feeling <= 3)', name=op.f('ck_walk_ratings_feeling_range')),
    sa.CheckConstraint('lighting IS NULL OR (lighting >= 0 AND lighting <= 3)', name=op.f('ck_walk_ratings_lighting_range')),
    sa.CheckConstraint('overview IS NULL OR (overview >= 0 AND overview <= 3)', name=op.f('ck_walk_ratings_overview_range')),
    sa.CheckConstraint('people IS NULL OR (people >= 0 AND people <= 3)', name=op.f('ck_walk_ratings_people_range')),
    sa.CheckConstraint('upkeep IS NULL OR (upkeep >= 0 AND upkeep <= 3)', name=op.f('ck_walk_ratings_upkeep_range')),
    sa.CheckConstraint('walkway IS NULL OR (walkway >= 0 AND walkway <= 3)', name=op.f('ck_walk_ratings_walkway_range')),
    sa.ForeignKeyConstraint(['participant_id'], ['walk_participants.id'], name=op.f('fk_walk_ratings_participant_id_walk_participants'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['stop_id'], ['walk_stops.id'], name=op.f('fk_walk_ratings_stop_id_walk_stops'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['walk_id'], ['safety_walks.id'], name=op.f('fk_walk_ratings_walk_id_safety_walks'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_walk_ratings'))
    )
    with op.batch_alter_table('walk_ratings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_walk_ratings_participant_id'), ['participant_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_walk_ratings_stop_id'), ['stop_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_walk_ratings_walk_id'), ['walk_id'], unique=False)

    op.create_table('walk_spots',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('walk_id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.String(length=36), nullable=False),
    sa.Column('lat', sa.Double(), nullable=False),
    sa.Column('lon', sa.Double(), nullable=False),
    sa.Column('accuracy_m', sa.Double(), nullable=True),
    sa.Column('manual_position', sa.Boolean(), nullable=False),
    sa.Column('observed_at', webapp.core.dbtypes.UTCDateTime(timezone=True), nullable=False),
    sa.Column('observed_utc_offset_min', sa.Integer(), nullable=False),
    sa.Column('category_code', sa.String(length=40), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('measure_id', sa.Integer(), nullable=True),
    sa.Column('duplicate_of_id', sa.String(length=36), nullable=True),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', webapp.core.dbtypes.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('lat >= -90 AND lat <= 90', name=op.f('ck_walk_spots_lat_range')),
    sa.CheckConstraint('lon >= -180 AND lon <= 180', name=op.f('ck_walk_spots_lon_range')),
    sa.ForeignKeyConstraint(['category_code'], ['categories.code'], name=op.f('fk_walk_spots_category_code_categories')),
    sa.ForeignKeyConstraint(['duplicate_of_id'], ['walk_spots.id'], name=op.f('fk_walk_spots_duplicate_of_id_walk_spots'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['measure_id'], ['measures.id'], name=op.f('fk_walk_spots_measure_id_measures'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['participant_id'], ['walk_participants.id'], name=op.f('fk_walk_spots_participant_id_walk_participants'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['walk_id'], ['safety_walks.id'], name=op.f('fk_walk_spots_walk_id_safety_walks'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_walk_spots'))
    )
    with op.batch_alter_table('walk_spots', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_walk_spots_measure_id'), ['measure_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_walk_spots_participant_id'), ['participant_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_walk_spots_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_walk_spots_walk_id'), ['walk_id'], unique=False)

    op.create_table('walk_spot_photos',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('spot_id', sa.String(length=36), nullable=False),
    sa.Column('storage_name', sa.String(length=80), nullable=False),
    sa.Column('width', sa.Integer(), nullable=False),
    sa.Column('height', sa.Integer(), nullable=False),
    sa.Column('size_bytes', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('upload_sha256', sa.String(length=64), nullable=False),
    sa.Column('created_at', webapp.core.dbtypes.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['spot_id'], ['walk_spots.id'], name=op.f('fk_walk_spot_photos_spot_id_walk_spots'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_walk_spot_photos')),
    sa.UniqueConstraint('storage_name', name=op.f('uq_walk_spot_photos_storage_name'))
    )
    with op.batch_alter_table('walk_spot_photos', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_walk_spot_photos_spot_id'), ['spot_id'], unique=False)

    with op.batch_alter_table('measures', schema=None) as batch_op:
        batch_op.add_column(sa.Column('internal_note', sa.Text(), server_default='', nullable=False))
        batch_op.create_index(batch_op.f('ix_measures_walk_id'), ['walk_id'], unique=False)

    with op.batch_alter_table('safety_walks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ends_at', webapp.core.dbtypes.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('summary', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('route', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('invited_organisations', sa.JSON(), server_default=sa.text("'[]'"), nullable=False))
        batch_op.add_column(sa.Column('headcount', sa.JSON(), server_default=sa.text("'{}'"), nullable=False))
        batch_op.add_column(sa.Column('join_code', sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column('join_revoked_at', webapp.core.dbtypes.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('follow_up_of_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('updated_at', webapp.core.dbtypes.UTCDateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f('ix_safety_walks_follow_up_of_id'), ['follow_up_of_id'], unique=False)
        batch_op.create_unique_constraint(batch_op.f('uq_safety_walks_join_code'), ['join_code'])
        batch_op.create_foreign_key(batch_op.f('fk_safety_walks_follow_up_of_id_safety_walks'), 'safety_walks', ['follow_up_of_id'], ['id'], ondelete='SET NULL')

    # ### end Alembic commands ###


def downgrade():
    # ### commands auto generated by Alembic - please adjust! ###
    with op.batch_alter_table('safety_walks', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_safety_walks_follow_up_of_id_safety_walks'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_safety_walks_join_code'), type_='unique')
        batch_op.drop_index(batch_op.f('ix_safety_walks_follow_up_of_id'))
        batch_op.drop_column('updated_at')
        batch_op.drop_column('follow_up_of_id')
        batch_op.drop_column('join_revoked_at')
        batch_op.drop_column('join_code')
        batch_op.drop_column('headcount')
        batch_op.drop_column('invited_organisations')
        batch_op.drop_column('route')
        batch_op.drop_column('summary')
        batch_op.drop_column('ends_at')

    with op.batch_alter_table('measures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_measures_walk_id'))
        batch_op.drop_column('internal_note')

    with op.batch_alter_table('walk_spot_photos', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_walk_spot_photos_spot_id'))

    op.drop_table('walk_spot_photos')
    with op.batch_alter_table('walk_spots', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_walk_spots_walk_id'))
        batch_op.drop_index(batch_op.f('ix_walk_spots_status'))
        batch_op.drop_index(batch_op.f('ix_walk_spots_participant_id'))
        batch_op.drop_index(batch_op.f('ix_walk_spots_measure_id'))

    op.drop_table('walk_spots')
    with op.batch_alter_table('walk_ratings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_walk_ratings_walk_id'))
        batch_op.drop_index(batch_op.f('ix_walk_ratings_stop_id'))
        batch_op.drop_index(batch_op.f('ix_walk_ratings_participant_id'))

    op.drop_table('walk_ratings')
    with op.batch_alter_table('walk_measure_checks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_walk_measure_checks_walk_id'))
        batch_op.drop_index(batch_op.f('ix_walk_measure_checks_participant_id'))
        batch_op.drop_index(batch_op.f('ix_walk_measure_checks_measure_id'))

    op.drop_table('walk_measure_checks')
    with op.batch_alter_table('walk_stops', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_walk_stops_walk_id'))

    op.drop_table('walk_stops')
    with op.batch_alter_table('walk_participants', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_walk_participants_walk_id'))

    op.drop_table('walk_participants')
    # ### end Alembic commands ###
