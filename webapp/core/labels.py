"""Translated labels for the codes stored in the database (statuses, owners, visibilities) and
for the names of the fields an edit changes."""

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


# The fields a change names ("changed": ["deadline", "owner"]), in the words of the forms they
# were changed in, for every record whose changes are audited (measures, observations, promises,
# activity types, activities, walks): the audit log and an activity's history both read them
# here. A name without a word here is shown as stored. The four columns of an activity's position
# are one thing to a reader: "position on the map", once.
FIELD_NAMES = {
    # measures
    "title": lazy_pgettext("audit field", "title"),
    "description": lazy_pgettext("audit field", "description"),
    "internal_note": lazy_pgettext("audit field", "internal note"),
    "owner": lazy_pgettext("audit field", "owner"),
    "owner_detail": lazy_pgettext("audit field", "owner's department or company"),
    "deadline": lazy_pgettext("audit field", "deadline"),
    "recheck_on": lazy_pgettext("audit field", "date to check again"),
    "priority": lazy_pgettext("audit field", "priority"),
    "visibility": lazy_pgettext("audit field", "visible to"),
    # observations
    "category": lazy_pgettext("audit field", "category"),
    "note": lazy_pgettext("audit field", "note"),
    "photos": lazy_pgettext("audit field", "photos"),
    # promises and activity types
    "body": lazy_pgettext("audit field", "the promise in full"),
    "starts_on": lazy_pgettext("audit field", "valid from"),
    "ends_on": lazy_pgettext("audit field", "valid until"),
    "activity_types": lazy_pgettext("audit field", "activities that keep the promise"),
    "name": lazy_pgettext("audit field", "name"),
    "kind": lazy_pgettext("audit field", "kind of entry"),
    "organisation": lazy_pgettext("audit field", "who does it"),
    "promises": lazy_pgettext("audit field", "citizen promises"),
    # activities
    "started_at": lazy_pgettext("audit field", "start time"),
    "ended_at": lazy_pgettext("audit field", "end time"),
    "promise_ids": lazy_pgettext("audit field", "citizen promises"),
    "area": lazy_pgettext("audit field", "area"),
    "lat": lazy_pgettext("audit field", "position on the map"),
    "lon": lazy_pgettext("audit field", "position on the map"),
    "accuracy_m": lazy_pgettext("audit field", "position on the map"),
    "manual_position": lazy_pgettext("audit field", "position on the map"),
    "place": lazy_pgettext("audit field", "place"),
    "details": lazy_pgettext("audit field", "the activity's details"),
    "follow_ups": lazy_pgettext("audit field", "follow-ups"),
    # safety walks
    "starts_at": lazy_pgettext("audit field", "start time"),
    "ends_at": lazy_pgettext("audit field", "end time"),
    "after_dark": lazy_pgettext("audit field", "light"),
    "meeting_point": lazy_pgettext("audit field", "meeting point"),
    "route": lazy_pgettext("audit field", "route"),
    "invited_organisations": lazy_pgettext("audit field", "organisations invited"),
    "status": lazy_pgettext("audit field", "status"),
    "notes": lazy_pgettext("audit field", "internal notes"),
    "summary": lazy_pgettext("audit field", "summary for the protocol"),
    "stops": lazy_pgettext("audit field", "stops"),
}


def field_names(names: object) -> str:
    """The changed fields as a reader names them ("deadline, owner"), each once, in order."""
    values = names if isinstance(names, list | tuple) else [names]
    words = dict.fromkeys(str(FIELD_NAMES.get(str(name), name)) for name in values)
    return ", ".join(words) or "–"


def label(table: dict, code: str | None) -> str:
    return str(table.get(code or "", code or ""))


def choices(table: dict) -> list:
    """WTForms select choices from a label table (SelectChoice: tuples are deprecated in 3.3)."""
    from wtforms.fields.choices import SelectChoice

    return [SelectChoice(code, text) for code, text in table.items()]
