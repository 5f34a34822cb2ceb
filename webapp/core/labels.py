"""Translated labels for the codes stored in the database (statuses, owners, visibilities)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

REVIEW_STATUS = {
    "new": _l("new"),
    "reviewed": _l("reviewed"),
    "linked": _l("linked to a measure"),
    "closed": _l("closed"),
    "duplicate": _l("duplicate"),
}
VISIBILITY = {
    "police": _l("police only"),
    "municipality": _l("municipality only"),
    "shared": _l("shared"),
}
MEASURE_STATUS = {
    "proposed": _l("proposed"),
    "decided": _l("decided"),
    "in_progress": _l("in progress"),
    "done": _l("done"),
    "partly_done": _l("partly done"),
    "not_feasible": _l("not feasible"),
    "other_owner": _l("other owner"),
}
MEASURE_OWNER = {
    "police": _l("Police"),
    "municipality_technical": _l("Municipality – technical services"),
    "municipality_social": _l("Municipality – social services"),
    "municipality_other": _l("Municipality – other department"),
    "property_owner": _l("Property owner"),
    "trafikverket": _l("Swedish Transport Administration (Trafikverket)"),
    "other": lazy_pgettext("measure owner", "Other"),  # "Annan" in Swedish, not "Annat"
}
PRIORITY = {"high": _l("high"), "medium": _l("medium"), "low": _l("low")}


def label(table: dict, code: str | None) -> str:
    return str(table.get(code or "", code or ""))


def choices(table: dict) -> list:
    """WTForms select choices from a label table (SelectChoice: tuples are deprecated in 3.3)."""
    from wtforms.fields.choices import SelectChoice

    return [SelectChoice(code, text) for code, text in table.items()]
