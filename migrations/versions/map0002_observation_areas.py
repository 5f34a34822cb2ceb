"""Stored area membership of observations, with copies of the trend columns, and areas.revision\n(helper: f18b).

Revision ID: map0002obsareas
Revises: interop0002webhooks
Create Date: 2026-12-06 03:45:00
"""

import sqlalchemy as sa
from alembic import op

import webapp.core.dbtypes

revision = "map0002obsareas"
down_revision = "interop0002webhooks"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("areas", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("revision", sa.Integer(), server_default="0", nullable=False)
        )
    op.execute("UPDATE areas SET revision = id")  # distinct and increasing, as the app keeps it
    op.create_table(
        "observation_areas",
        sa.Column("observation_id", sa.String(length=36), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("week", sa.Integer(), nullable=False),
        sa.Column("observed_at", webapp.core.dbtypes.UTCDateTime(timezone=True), nullable=False),
        sa.Column("category_code", sa.String(length=40), nullable=False),
        sa.Column("visibility", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["area_id"],
            ["areas.id"],
            name=op.f("fk_observation_areas_area_id_areas"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["observation_id"],
            ["observations.id"],
            name=op.f("fk_observation_areas_observation_id_observations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("observation_id", "area_id", name=op.f("pk_observation_areas")),
    )
    _backfill()
    op.create_index(
        "ix_observation_areas_trend",
        "observation_areas",
        ["area_id", "week", "category_code", "visibility", "status", "author_id", "observed_at"],
        unique=False,
    )


def _backfill():
    """Membership of the observations already stored, in batches (before the index: faster)."""
    from webapp.observations.areas import area_shapes, observation_areas, rows_for

    connection = op.get_bind()
    shapes = area_shapes(connection)
    if not shapes:
        return
    observations = sa.table(
        "observations",
        *(
            sa.column(name)
            for name in (
                "id",
                "lat",
                "lon",
                "category_code",
                "visibility",
                "status",
                "author_id",
            )
        ),
        sa.column("observed_at", webapp.core.dbtypes.UTCDateTime(timezone=True)),
    )
    last_id = ""
    while True:
        rows = connection.execute(
            sa.select(observations)
            .where(observations.c.id > last_id)
            .order_by(observations.c.id)
            .limit(10000)
        ).fetchall()
        if not rows:
            break
        # No rural rows here: area_id still has its foreign key (map0003rural adds them).
        batch = [member for row in rows for member in rows_for(row, shapes, rural=False)]
        if batch:
            connection.execute(observation_areas.insert(), batch)
        last_id = rows[-1].id


def downgrade():
    op.drop_index("ix_observation_areas_trend", table_name="observation_areas")
    op.drop_table("observation_areas")
    with op.batch_alter_table("areas", schema=None) as batch_op:
        batch_op.drop_column("revision")
