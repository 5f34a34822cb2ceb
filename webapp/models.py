"""Imports every model module so Alembic and the app see the whole schema.

The models themselves are imported from their packages (`webapp.walks.models` and so on);
importing a module registers all of its tables, those not named here too.
"""

from webapp.activities import models as activities
from webapp.auth import models as auth
from webapp.citizen import models as citizen
from webapp.core import blobs, jobs
from webapp.core.audit import models as audit
from webapp.core.outbox import models as outbox
from webapp.geo import areas
from webapp.interop.open311 import models as open311
from webapp.interop.police_events import models as police_events
from webapp.interop.webhooks import models as webhooks
from webapp.map import cells as map_cells
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
    jobs,
    outbox,
    areas,
    measures,
    observations,
    observation_areas,
    promises,
    walks,
    open311,
    police_events,
    blobs,  # the photo store of TRYGG_PHOTO_BACKEND=database
    webhooks,
    map_cells,  # the map's roll-up, kept by triggers on observations
)
