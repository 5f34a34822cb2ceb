"""Rural membership stored on write: one more observation_areas row (area_id 0) per observation
in the municipality and in no town; area_id loses its foreign key (helper: submit).

Revision ID: map0003rural
Revises: map0003rollup
Create Date: 2026-12-06 06:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "map0003rural"
down_revision = "map0003rollup"
branch_labels = None
depends_on = None

# 0 is webapp.observations.areas.RURAL_AREA_ID: the rule is its rebuild_rural, on the stored
# membership of the municipality (kind kommun) and the towns (kind tatort).
RURAL_ROWS = """
INSERT INTO observation_areas
    (observation_id, area_id, week, observed_at, category_code, visibility, status, author_id)
SELECT DISTINCT oa.observation_id, 0, oa.week, oa.observed_at, oa.category_code,
    oa.visibility, oa.status, oa.author_id
FROM observation_areas oa
WHERE oa.area_id IN (SELECT id FROM areas WHERE kind = 'kommun')
AND NOT EXISTS (
    SELECT 1 FROM observation_areas town
    WHERE town.observation_id = oa.observation_id
    AND town.area_id IN (SELECT id FROM areas WHERE kind = 'tatort')
)
"""


def upgrade():
    with op.batch_alter_table("observation_areas", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_observation_areas_area_id_areas"), type_="foreignkey"
        )
    op.execute(sa.text(RURAL_ROWS))


def downgrade():
    op.execute(sa.text("DELETE FROM observation_areas WHERE area_id = 0"))
    with op.batch_alter_table("observation_areas", schema=None) as batch_op:
        batch_op.create_foreign_key(
            batch_op.f("fk_observation_areas_area_id_areas"),
            "areas",
            ["area_id"],
            ["id"],
            ondelete="CASCADE",
        )
