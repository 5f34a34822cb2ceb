"""Imports every model module so Alembic and the app see the whole schema.

The models themselves are imported from their packages (`webapp.walks.models` and so on);
importing a module registers all of its tables, those not named here too.
"""

from webapp.activities import models as activities
from webapp.auth import models as auth
from webapp.citizen import models as citizen
from webapp.core.audit import models as audit
from webapp.geo import areas
from webapp.measures import models as measures
from webapp.observations import areas as observation_areas
from webapp.observations import models as observations
from webapp.promises import models as promises
from webapp.walks import models as walks

MODEL_MODULES = (
    activities,
    auth,
    citizen,
    audit,
    areas,
    measures,
    observations,
    observation_areas,
    promises,
    walks,
)
