"""The audit trail in words an administrator reads: a label per action, a name per target.

The trail stores `noun.verb` codes and `table id` targets (STYLE 9); the browser shows them as
Swedish (or English) labels. A code without a label is shown as the code, so a new action is
never hidden. Targets name no more than the code and id did, except accounts: a user target is
shown by its user name, which the trail already shows of every actor. Record targets stay a
type and an id: the trail must never show a record's content (police records least of all).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from webapp.auth.models import User
from webapp.core.audit.models import AuditEntry
from webapp.core.inputs import record_id
from webapp.extensions import db

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
    "citizen_reports": _l("Resident report"),
    "follow_ups": _l("Follow-up"),
    "measures": _l("Measure"),
    "observations": _l("Observation"),
    "open311_keys": _l("Partner key"),
    "photos": _l("Photo"),
    "promises": _l("Citizen promise"),
    "safety_walks": _l("Safety walk"),
    "surveys": _l("Survey"),
    "survey_questions": _l("Survey question"),
    "users": _l("User"),
    "walk_participants": _l("Walk participant"),
    "walk_spots": _l("Walk spot"),
    "walk_spot_photos": _l("Walk photo"),
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

    Accounts by user name (one query for the page); records as type and id only.
    """
    entries = list(entries)
    user_ids = {number for e in entries if (number := _user_id(e)) is not None}
    names = dict(
        db.session.execute(db.select(User.id, User.username).where(User.id.in_(user_ids))).all()
        if user_ids
        else {}
    )
    return {e.id: _target_label(e, names) for e in entries}


def _target_label(entry: AuditEntry, names: dict[int, str]) -> str:
    if not entry.target_type:
        return ""
    user_id = _user_id(entry)
    if user_id in names:
        return _("User %(name)s", name=names[user_id])
    kind = str(TARGET_TYPES.get(entry.target_type, entry.target_type))
    return f"{kind} {entry.target_id or ''}".strip()


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
# counts and dates by design (never a record's text), so they are shown as stored; a key
# without a name here is shown as its code.
DETAIL_KEYS = {
    "from": _l("from"),
    "to": _l("to"),
    "kind": _l("kind"),
    "format": _l("format"),
    "rows": _l("rows"),
    "police_records": _l("police records"),
    "police_walk_measures": _l("police measures from walks"),
    "reason": _l("reason"),
    "from_status": _l("earlier status"),
    "filters": _l("filters"),
    "visibility": _l("visible to"),
    "fields": _l("fields"),
    "week": _l("week"),
    "version": _l("version"),
    "retry_after": _l("wait (s)"),
}
DETAIL_MAX = 240  # characters shown of one entry's details


def detail_text(detail: object) -> str:
    """An entry's details on one line ("from: 2026-01-01 · rows: 53"), cut at DETAIL_MAX."""
    if not isinstance(detail, dict) or not detail:
        return ""
    parts = [f"{DETAIL_KEYS.get(key, key)}: {_value(value)}" for key, value in detail.items()]
    text = " · ".join(parts)
    return text if len(text) <= DETAIL_MAX else text[: DETAIL_MAX - 1] + "…"


def _value(value: object) -> str:
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, dict):
        return ", ".join(f"{k}={_value(v)}" for k, v in value.items()) or "–"
    if isinstance(value, list | tuple):
        return ", ".join(_value(v) for v in value) or "–"
    text = str(value)
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
