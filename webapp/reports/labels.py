"""Names the report shows for codes: activity kinds, areas, measure figures."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from webapp.activities.kinds import get_kind
from webapp.activities.kinds.andt import AGE_BANDS

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


# Column names of the CSV for Excel (exports.py), for people reading it in a spreadsheet; the
# CSV for GIS, GeoJSON and GeoPackage keep the column codes, which scripts and QGIS refer to.
EXPORT_HEADERS = {
    "id": _l("ID"),
    "observed_at_utc": _l("Observed (UTC)"),
    "observed_at_local": _l("Observed (local time)"),
    "category": _l("Category (code)"),
    "category_label": _l("Category"),
    "status": _l("Status"),
    "visibility": _l("Visibility"),
    "rating": _l("Rating"),
    "note": _l("Note"),
    "accuracy_m": _l("Accuracy (m)"),
    "manual_position": _l("Position set by hand"),
    "activity_id": _l("Activity ID"),
    "walk_id": _l("Safety walk ID"),
    "measure_id": _l("Measure ID"),
    "activity_type": _l("Activity type (code)"),
    "activity_name": _l("Activity type"),
    "kind": _l("Kind of entry"),
    "started_at_utc": _l("Started (UTC)"),
    "started_at_local": _l("Started (local time)"),
    "ended_at_local": _l("Ended (local time)"),
    "duration_h": _l("Duration (hours)"),
    "auto_closed": _l("Closed automatically"),
    "place": _l("Place"),
    "business_name": _l("Business"),
    "outside_tatort": _l("Outside Sunne tätort"),
    "length_m": _l("Route length (m)"),
    **{
        f"reached_{band}": _l("Young people reached, %(band)s", band=text)
        for band, text in AGE_BANDS.items()
    },
    "reached_total": _l("Young people reached, total"),
    "cases_discussed": _l("Cases discussed"),
    "lat": _l("Latitude (WGS 84)"),
    "lon": _l("Longitude (WGS 84)"),
    "e_sweref99tm": _l("SWEREF 99 TM easting (E)"),
    "n_sweref99tm": _l("SWEREF 99 TM northing (N)"),
}


def kind_label(kind: str) -> str:
    if kind == "observation":
        return _("Observations")
    return str(get_kind(kind).label)
