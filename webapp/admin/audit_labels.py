"""The audit trail in words an administrator reads: a label per action, a name per target.

The trail stores `noun.verb` codes and `table id` targets (STYLE 9); the browser shows them as
Swedish (or English) labels. A code without a label is shown as the code, so a new action is
never hidden. Targets name no more than the code and id did, except accounts (by user name,
which the trail already shows of every actor) and, for a coordinator, the measures and
observations the coordinator may open anyway: a measure by its title, an observation by its
category and day. Police records stay a type and an id (reading them is counted), and the trail
never shows an observation's text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from flask import url_for
from flask_babel import format_date, get_locale, lazy_pgettext, pgettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from webapp.activities.kinds import registry as activity_kinds
from webapp.admin.forms import ORGANISATION_CHOICES
from webapp.auth.models import User
from webapp.citizen.labels import HIDE_REASON, QUESTION_KIND, REPORT_STATUS, SURVEY_STATE
from webapp.core.access import Role
from webapp.core.audit.models import AuditEntry
from webapp.core.i18n import ROLE_LABELS
from webapp.core.inputs import record_id
from webapp.core.labels import MEASURE_STATUS, REVIEW_STATUS, VISIBILITY, field_names
from webapp.extensions import db
from webapp.measures.models import Measure
from webapp.observations.models import Category, Observation
from webapp.walks.labels import SPOT_STATUS, WALK_STATUS

ACTIONS = {
    "activity.create": _l("Activity recorded"),
    "activity.list": _l("Activity list read"),
    "activity.read": _l("Activity read"),
    "activity.update": _l("Activity changed"),
    "activity_type.create": _l("Activity type created"),
    "activity_type.update": _l("Activity type changed"),
    "audit.read": _l("Audit log read"),
    "backup.create": _l("Backup made"),
    "backup.restore": _l("Backup restored"),
    "citizen_report.convert": _l("Resident report made an observation"),
    "citizen_report.erase_contact": _l("Resident's contact details erased"),
    "citizen_report.hide": _l("Resident report hidden"),
    "citizen_report.merge": _l("Resident report merged"),
    "citizen_report.publish": _l("Resident report published"),
    "citizen_report.read": _l("Resident report read"),
    "export.download": _l("Export downloaded"),
    "follow_up.done": _l("Follow-up done"),
    "follow_up.reopen": _l("Follow-up reopened"),
    "job.test_effect": _l("Test job ran"),
    "measure.create": _l("Measure created"),
    "measure.list": _l("Measure list read"),
    "measure.read": _l("Measure read"),
    "measure.status_change": _l("Measure status changed"),
    "measure.update": _l("Measure changed"),
    "observation.aggregate": _l("Map counts read"),
    "observation.correct": _l("Observation corrected"),
    "observation.create": _l("Observation recorded"),
    "observation.duplicate": _l("Observation marked as duplicate"),
    "observation.link": _l("Observation linked to a measure"),
    "observation.list": _l("Observation list read"),
    "observation.read": _l("Observation read"),
    "observation.review": _l("Observation reviewed"),
    "observation.trend": _l("Trend read"),
    "partner_key.create": _l("Partner key created"),
    "partner_key.revoke": _l("Partner key revoked"),
    "partner_report.create": _l("Report received from a partner"),
    "patrol.auto_close": _l("Patrol ended automatically"),
    "patrol.stop": _l("Patrol ended"),
    "photo.create": _l("Photo added"),
    "photos.move": _l("Photos moved to another store"),
    "police_events.import": _l("Police events imported"),
    "promise.create": _l("Citizen promise created"),
    "promise.update": _l("Citizen promise changed"),
    "report.view": _l("Report read"),
    "retention.apply": _l("Old records deleted (retention)"),
    "survey.copy": _l("Survey copied"),
    "survey.create": _l("Survey created"),
    "survey.question_add": _l("Survey question added"),
    "survey.question_delete": _l("Survey question removed"),
    "survey.update": _l("Survey changed"),
    "user.code_issue": _l("One-time code issued"),
    "user.confirm": _l("Account confirmed"),
    "user.create": _l("User created"),
    "user.disable": _l("User disabled"),
    "user.enable": _l("User enabled"),
    "user.login": _l("Logged in"),
    "user.login_failed": _l("Failed login"),
    "user.login_failed_summary": _l("Many failed logins (summary)"),
    "user.login_throttled": _l("Login blocked after too many attempts"),
    "user.logout": _l("Logged out"),
    "user.logout_all": _l("Logged out everywhere"),
    "user.password_change": _l("Password changed"),
    "user.password_reset": _l("Password reset"),
    "user.password_set": _l("Password chosen with a one-time code"),
    "user.role_change": _l("Role changed"),
    "user.session_expired": _l("Session expired"),
    "user.set_locale": _l("Language chosen"),
    "walk.code_renew": _l("Walk join code renewed"),
    "walk.code_revoke": _l("Walk join code withdrawn"),
    "walk.create": _l("Safety walk created"),
    "walk.delete": _l("Safety walk deleted"),
    "walk.follow_up": _l("Follow-up walk planned"),
    "walk.headcount": _l("Walk participants counted"),
    "walk.join": _l("Participant joined a walk"),
    "walk.leave": _l("Participant left a walk"),
    "walk.list": _l("Safety walk list read"),
    "walk.measure_check": _l("Measure checked on a walk"),
    "walk.protocol_publish": _l("Walk protocol published"),
    "walk.rating": _l("Walk stop rated"),
    "walk.read": _l("Safety walk read"),
    "walk.status_change": _l("Safety walk status changed"),
    "walk.update": _l("Safety walk changed"),
    "walk_photo.create": _l("Walk photo added"),
    "walk_spot.create": _l("Walk spot marked"),
    "walk_spot.list": _l("Walk spots read"),
    "walk_spot.merge": _l("Walk spots merged"),
    "walk_spot.review": _l("Walk spot reviewed"),
    "webhook.endpoint_create": _l("Webhook receiver added"),
    "webhook.endpoint_disable": _l("Webhook receiver turned off"),
    "webhook.endpoint_enable": _l("Webhook receiver turned on"),
    "webhook.redeliver": _l("Webhook sent again"),
    "webhook.redeliver_result": _l("Webhook resend result"),
}

# Target types are table names; those a person meets in the app get a word.
TARGET_TYPES = {
    "activities": _l("Activity"),
    "activity_types": _l("Activity type"),
    "audit_entries": _l("Audit log"),
    "backup": _l("Backup"),
    "citizen_reports": _l("Resident report"),
    "follow_ups": _l("Follow-up"),
    "job": _l("Background job"),
    "measures": _l("Measure"),
    "observations": _l("Observation"),
    "open311_keys": _l("Partner key"),
    "photo_store": _l("Photo store"),
    "photos": _l("Photo"),
    "police_imports": _l("Police event import"),
    "promises": _l("Citizen promise"),
    "report": _l("Report"),
    "retention": _l("Retention"),
    "safety_walks": _l("Safety walk"),
    "surveys": _l("Survey"),
    "survey_questions": _l("Survey question"),
    "users": _l("User"),
    "walk_participants": _l("Walk participant"),
    "walk_spots": _l("Walk spot"),
    "walk_spot_photos": _l("Walk photo"),
    "webhook_deliveries": _l("Webhook delivery"),
    "webhook_endpoints": _l("Webhook receiver"),
}


def action_label(code: str) -> str:
    """The action's label, or the code itself when it has none."""
    return str(ACTIONS.get(code, code))


def action_choices() -> list[tuple[str, str]]:
    """(code, label) of every labelled action, by label, for the log's filter."""
    return sorted(((code, str(text)) for code, text in ACTIONS.items()), key=lambda c: c[1])


def target_labels(entries: Iterable[AuditEntry]) -> dict[int, str]:
    """Per entry id, its target as a person reads it ("" when it has none).

    Accounts by user name; for a coordinator, a measure by its title and an observation by its
    category and day (one query per kind on the page). Other records, police records and all
    an administrator reads stay a type and an id.
    """
    entries = list(entries)
    user_ids = {number for e in entries if (number := _user_id(e)) is not None}
    names = dict(
        db.session.execute(db.select(User.id, User.username).where(User.id.in_(user_ids))).all()
        if user_ids
        else {}
    )
    records = _record_names(entries)
    return {e.id: _target_label(e, names, records) for e in entries}


def _target_label(
    entry: AuditEntry, names: dict[int, str], records: dict[tuple[str, str], str]
) -> str:
    if not entry.target_type:
        return ""
    user_id = _user_id(entry)
    if user_id in names:
        return _("User %(name)s", name=names[user_id])
    named = records.get((entry.target_type, entry.target_id or ""))
    if named:
        return named
    kind = str(TARGET_TYPES.get(entry.target_type) or _humanise(entry.target_type).capitalize())
    return f"{kind} {entry.target_id or ''}".strip()


def _record_names(entries: list[AuditEntry]) -> dict[tuple[str, str], str]:
    """(table, id) to "Åtgärd: Belysning Storgatan" or "Iakttagelse: Nedskräpning 6 dec. 2026".

    Only for a coordinator, who may open these records anyway (administrators read no records),
    and never for a police record: reading one is counted in the trail itself, and the trail
    must not become an uncounted way to read them.
    """
    if not current_user.is_authenticated or not current_user.has_role(Role.COORDINATOR):
        return {}
    wanted: dict[str, set[str]] = {"measures": set(), "observations": set()}
    for entry in entries:
        if entry.target_type in wanted and entry.target_id:
            wanted[entry.target_type].add(entry.target_id)
    names: dict[tuple[str, str], str] = {}
    measure_ids = {n for key in wanted["measures"] if (n := record_id(key)) is not None}
    if measure_ids:
        measures = db.session.execute(
            db.select(Measure.id, Measure.title).where(
                Measure.id.in_(measure_ids), Measure.visibility != "police"
            )
        )
        for number, title in measures:
            names[("measures", str(number))] = _("Measure: %(title)s", title=title)
    if wanted["observations"]:
        observations = db.session.execute(
            db.select(Observation.id, Category.label_sv, Category.label_en, Observation.observed_at)
            .join(Category, Category.code == Observation.category_code)
            .where(Observation.id.in_(wanted["observations"]), Observation.visibility != "police")
        )
        english = str(get_locale() or "sv").startswith("en")
        for key, label_sv, label_en, at in observations:
            names[("observations", str(key))] = _(
                "Observation: %(category)s %(day)s",
                category=label_en if english else label_sv,
                day=format_date(at, "medium"),
            )
    return names


# Where a coordinator reads each kind of record: (endpoint, its id argument, numeric id?). The
# pages check access themselves; a link only saves copying the id into an address.
RECORD_PAGES = {
    "observations": ("review.detail", "observation_id", False),
    "measures": ("measures.detail", "measure_id", True),
    "activities": ("activities.detail", "activity_id", False),
    "safety_walks": ("walks.detail", "walk_id", True),
    "citizen_reports": ("moderation.detail", "report_id", False),
    "surveys": ("surveys.detail", "survey_id", True),
}


def target_links(entries: Iterable[AuditEntry]) -> dict[int, str]:
    """Per entry id, the address of its record's page, where the record still exists (one query
    per kind of record on the page)."""
    keys = {e.id: (e.target_type, key) for e in entries if (key := _record_key(e)) is not None}
    wanted: dict[str, set[Any]] = {}
    for target_type, key in keys.values():
        wanted.setdefault(target_type, set()).add(key)
    existing = {
        (target_type, key)
        for target_type, ids in wanted.items()
        for key in _existing_ids(target_type, ids)
    }
    links = {}
    for entry_id, (target_type, key) in keys.items():
        if (target_type, key) in existing:
            endpoint, argument, _numeric = RECORD_PAGES[target_type]
            links[entry_id] = url_for(endpoint, **{argument: key})
    return links


def _record_key(entry: AuditEntry) -> Any:
    page = RECORD_PAGES.get(entry.target_type or "")
    if page is None or not entry.target_id:
        return None
    return record_id(entry.target_id) if page[2] else entry.target_id


def _existing_ids(target_type: str, ids: set[Any]) -> set[Any]:
    table = db.metadata.tables[target_type]
    return set(db.session.execute(db.select(table.c.id).where(table.c.id.in_(ids))).scalars())


def _user_id(entry: AuditEntry) -> int | None:
    if entry.target_type != "users":
        return None
    return record_id(entry.target_id or "")


# The details an entry keeps (its `detail`), named for a reader: which period a report covered,
# in what format and how many rows an export had, why a report was hidden. Details hold codes,
# counts and dates by design (never a record's text; a report hidden for "another reason" keeps
# the coordinator's own few words of why, written under a reminder to name no one). Each key
# has a name here; a key added later without one is shown humanised ("police_records_counted"
# as "police records counted").
DETAIL_KEYS = {
    "from": _l("from"),
    "to": _l("to"),
    "kind": _l("kind"),
    "format": _l("format"),
    "rows": _l("rows"),
    "records": _l("records"),
    "police_records": _l("police records"),
    "police_records_counted": _l("police records counted"),
    "police_measures": _l("police measures"),
    "police_walk_measures": _l("police measures from walks"),
    "promises": _l("citizen promises"),
    "reason": _l("reason"),
    "reason_note": _l("the reason in words"),
    "from_status": _l("earlier status"),
    "to_status": _l("new status"),
    "as_owner": _l("as the measure's owner"),
    "edited": _l("text edited"),
    "filters": _l("filters"),
    "visibility": _l("visible to"),
    "visibilities": _l("visible to"),
    "layer": _l("read from"),
    "fields": _l("fields"),
    "changed": _l("changed fields"),
    "week": _l("week"),
    "version": _l("version"),
    "retry_after": _l("wait (s)"),
    "role": _l("role"),
    "before": _l("earlier role"),
    "organisation": _l("organisation"),
    "locale": _l("language"),
    "source": _l("source"),
    "source_id": _l("copied from survey"),
    "state": _l("state"),
    "annual": _l("yearly"),
    "question_id": _l("question no."),
    "activity_id": _l("activity no."),
    "activity_links": _l("linked activities"),
    "measure_id": _l("measure no."),
    "observation_id": _l("observation no."),
    "original_id": _l("original no."),
    "walk_id": _l("walk no."),
    "spot_id": _l("spot no."),
    "participant_id": _l("participant no."),
    "code_id": _l("code no."),
    "into": _l("merged into no."),
    "by_patrol": _l("ended by patrol no."),
    "spots": _l("spots"),
    "stops": _l("stops"),
    "rejoined": _l("joined again"),
    "duration_s": _l("duration (s)"),
    "route_points": _l("route points"),
    "replaced_auto_close": _l("replaced an automatic end"),
    "limit_hours": _l("limit (h)"),
    "idle_minutes": _l("idle limit (min)"),
    "max_hours": _l("longest session (h)"),
    "sessions": _l("sessions"),
    "sessions_ended": _l("sessions ended"),
    "contact": _l("contact details shown"),
    "photos_removed": _l("photos removed"),
    "removed": _l("removed"),
    "name": _l("name"),
    "key_id": _l("key no."),
    "key_name": _l("key name"),
    "events": _l("events"),
    "url": _l("address (URL)"),
    "status_code": _l("answer code"),
    "kept": _l("unchanged"),
    "new": _l("added"),
    "updated": _l("updated"),
    "folder": _l("folder"),
    "from_backend": _l("from store"),
    "to_backend": _l("to store"),
    "copied": _l("copied"),
    "already": _l("already there"),
    "missing": _l("missing"),
    "deleted": _l("deleted"),
    "bad_source": _l("unreadable"),
    "address": _l("address"),
    "since": _l("since"),
    "until": _l("until"),
    "not_listed": _l("unknown user names"),
    "dialect": _l("variant"),
    "csrf_error": _l("form error"),
}

# What the known codes among the values mean, by key; where a key's codes depend on the record
# (a status of a measure or of a walk), by the action's noun ("measure" of "measure.update").
_STATUS_BY_NOUN = {
    "measure": MEASURE_STATUS,
    "observation": REVIEW_STATUS,
    "citizen_report": REPORT_STATUS,
    "walk": WALK_STATUS,
    "walk_spot": SPOT_STATUS,
}
EXPORT_KINDS = {
    "council": _l("council report"),
    "council_report": _l("council report"),
    "weekly": _l("weekly picture"),
    "observations": _l("observations"),
    "activities": _l("activities"),
    "weekly_picture": _l("weekly picture"),
    "walk_protocol": _l("walk protocol"),
    "user_data": _l("a user's data"),
}
REASONS = {
    "idle": _l("idle too long"),
    "absolute": _l("session too long"),
    "stale": _l("ran too long"),
    "superseded": _l("a new patrol started"),
    "credentials": _l("wrong user name or password"),
    "disabled": _l("account disabled"),
    "awaiting_confirmation": _l("account not yet confirmed"),
    "incomplete": _l("form not filled in"),
    "csrf_failed": _l("form expired"),
    # An observation that follows its measure (webapp.observations.review.follow_measure).
    "measure_done": _l("the measure is done"),
    "measure_not_done": _l("the measure is no longer done"),
}
LAYERS = {"map": _l("the map")}
VERSIONS = {"public": _l("public version"), "internal": _l("internal version")}
SOURCES = {"citizen": _l("resident report")}
LOCALES = {"sv": _l("Swedish"), "en": _l("English")}


# The audit log's own filters, kept with each reading of the log ("filters"): by the fields'
# names on its page, an action by its label; fields left empty are no filter.
FILTER_NAMES = {
    "event": lazy_pgettext("audit filter", "action"),
    "action": lazy_pgettext("audit filter", "action code starts with"),
    "actor": lazy_pgettext("audit filter", "user"),
    "days": lazy_pgettext("audit filter", "last days"),
    "page": lazy_pgettext("audit filter", "page"),
    # The map's and the lists' reads of records (webapp/map/api.py, trends.py, activities).
    "since": lazy_pgettext("audit filter", "from"),
    "until": lazy_pgettext("audit filter", "until"),
    "category": lazy_pgettext("audit filter", "category"),
    "status": lazy_pgettext("audit filter", "status"),
    "bbox": lazy_pgettext("audit filter", "map area"),
    "mine": lazy_pgettext("audit filter", "only mine"),
    "visibility": lazy_pgettext("audit filter", "visible to"),
    "activity_type": lazy_pgettext("audit filter", "activity type"),
    "type": lazy_pgettext("audit filter", "activity type"),
    "promise": lazy_pgettext("audit filter", "promise"),
    "zoom": lazy_pgettext("audit filter", "zoom level"),
    "tiles": lazy_pgettext("audit filter", "map squares"),
    "area": lazy_pgettext("audit filter", "area"),
}


def filter_text(filters: object) -> str:
    """The filters a read used, of the log ("action=Logged in, last days=7") or of records
    ("from=2026-07-01, status=new"), or "none"."""
    if not isinstance(filters, dict):
        return _value(filters)
    parts = [
        f"{FILTER_NAMES.get(str(key)) or _humanise(str(key))}={_filter_value(str(key), value)}"
        for key, value in filters.items()
        if value not in ("", None)
    ]
    return ", ".join(parts) or pgettext("audit filter", "none")


def _filter_value(key: str, value: object) -> str:
    if key == "event":
        return action_label(str(value))
    if key == "mine":
        return _("yes") if str(value) in ("1", "true", "on") else _value(value)
    if key == "status":  # a list filter's statuses are observations' ("new,reviewed")
        return ", ".join(_value(part, REVIEW_STATUS) for part in str(value).split(","))
    return _value(value, _VALUES_BY_KEY.get(key))


def _value_labels(key: str, action: str) -> dict[str, Any]:
    noun = action.split(".", 1)[0]
    if key in ("from_status", "to_status"):
        return _STATUS_BY_NOUN.get(noun, {})
    if key == "reason":
        return HIDE_REASON if noun == "citizen_report" else REASONS
    if key == "kind":
        if noun in ("activity", "activity_type"):
            return {code: kind.label for code, kind in activity_kinds().items()}
        if noun == "survey":
            return QUESTION_KIND
        return EXPORT_KINDS
    return _VALUES_BY_KEY.get(key, {})


_FIELD_LISTS = ("changed", "fields")

_VALUES_BY_KEY: dict[str, dict[str, Any]] = {
    "visibility": VISIBILITY,
    "visibilities": VISIBILITY,
    "layer": LAYERS,
    "role": ROLE_LABELS,
    "before": ROLE_LABELS,
    "organisation": ORGANISATION_CHOICES,
    "version": VERSIONS,
    "source": SOURCES,
    "locale": LOCALES,
    "state": SURVEY_STATE,
}
DETAIL_MAX = 240  # characters shown of one entry's details


def detail_text(detail: object, action: str = "") -> str:
    """An entry's details on one line ("from: 2026-01-01 · rows: 53"), cut at DETAIL_MAX: each
    key by its name, each known code by its label, in the reader's language."""
    if not isinstance(detail, dict) or not detail:
        return ""
    parts = [
        f"{detail_key(key)}: {_detail_value(key, value, action)}" for key, value in detail.items()
    ]
    text = " · ".join(parts)
    return text if len(text) <= DETAIL_MAX else text[: DETAIL_MAX - 1] + "…"


def _detail_value(key: str, value: object, action: str) -> str:
    if key in _FIELD_LISTS:
        return field_names(value)
    if key == "filters" and isinstance(value, dict):
        return filter_text(value)
    return _value(value, _value_labels(key, action))


def detail_key(key: str) -> str:
    """A detail's name, or its key made readable ("police_records" as "police records")."""
    return str(DETAIL_KEYS.get(key) or _humanise(key))


# The keys and codes inside a detail's value (the retention run's per-rule counts).
INNER_KEYS = {
    "action": _l("what was done"),
    "days": _l("days"),
    "before": _l("older than"),
    "count": _l("count"),
    "ids": _l("ids"),
    "files": _l("files"),
}
INNER_VALUES = {
    "deleted": _l("deleted"),
    "blanked": _l("blanked"),
    "anonymised": _l("anonymised"),
}


def _inner_key(key: str) -> str:
    return str(INNER_KEYS.get(key) or TARGET_TYPES.get(key) or _humanise(key))


def _humanise(code: str) -> str:
    return code.replace("_", " ").replace(".", " ").strip()


def _value(value: object, labels: dict[str, Any] | None = None) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, dict):
        return (
            ", ".join(f"{_inner_key(str(k))}={_value(v, INNER_VALUES)}" for k, v in value.items())
            or "–"
        )
    if isinstance(value, list | tuple):
        return ", ".join(_value(v, labels) for v in value) or "–"
    text = str(value)
    if labels and text in labels:
        return str(labels[text])
    moment = _ISO_MOMENT.fullmatch(text)
    if moment:
        # As stored, minus the ISO "T" and the seconds: "2026-01-01 00:00" (no zone is moved,
        # the value means what it meant when it was written).
        day, minute, zone = moment.groups()
        return f"{day} {minute}{zone or ''}"
    return text


_ISO_MOMENT = re.compile(
    r"(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(?::\d{2}(?:\.\d+)?)?(Z|[+-]\d{2}:\d{2})?"
)
