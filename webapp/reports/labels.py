"""Names the report shows for codes: activity kinds, areas, measure figures."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from webapp.activities.kinds import get_kind

AREA_LABELS = {
    "centrum": _l("Sunne centrum"),
    "tatort": _l("Rest of Sunne tätort"),
    "outside": _l("Outside Sunne tätort"),
}
# Row labels of the status table: the measures that reached each status in the period.
MEASURE_CHANGES = {
    "proposed": _l("Proposed"),
    "decided": _l("Decided"),
    "in_progress": _l("In progress"),
    "done": _l("Done"),
    "partly_done": _l("Partly done"),
    "not_feasible": _l("Not feasible"),
    "other_owner": _l("Handed to another owner"),
}

# What came of the residents' reports (resident_reports.OUTCOMES): their state today.
RESIDENT_OUTCOMES = {
    "measure": _l("Led to a measure"),
    "taken_up": _l("Taken into the work of the police and the municipality, no measure yet"),
    "published": _l("Shown on the open map, no measure yet"),
    "waiting": _l("Waiting for the coordinator's review"),
}


def kind_label(kind: str) -> str:
    if kind == "observation":
        return _("Observations")
    return str(get_kind(kind).label)
