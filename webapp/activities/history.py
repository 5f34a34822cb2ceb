"""An activity's history in words: which fields each edit changed and what they held before.

Revisions store field keys and plain JSON values (service.snapshot); a reader sees the names
the forms use, codes as the labels the app shows elsewhere, times in Sunne's zone and "–" for
nothing. The details of a kind are named one by one, and only those an edit changed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from flask_babel import format_date, format_datetime, format_decimal
from flask_babel import gettext as _

from webapp.activities.kinds import get_kind
from webapp.activities.kinds.base import Kind
from webapp.activities.models import Activity, promise_class
from webapp.activities.service import snapshot
from webapp.core.labels import FIELD_NAMES, VISIBILITY, label
from webapp.extensions import db
from webapp.geo.areas import Area

EMPTY = "–"
# The four stored columns of a position are one thing to a reader, shown once.
POSITION = ("lat", "lon", "accuracy_m", "manual_position")
# As the activity's own page shows its times (activities/_facts.html).
MOMENT_FORMAT = "d MMM y HH:mm"


@dataclass(frozen=True)
class HistoryLine:
    at: datetime
    user: Any
    changed: str
    before: list[tuple[str, str]]


def activity_history(activity: Activity) -> list[HistoryLine]:
    """The edits, newest first. What an edit changed inside the details is found by comparing
    its stored "before" with the content after it: the next edit's "before", or today's."""
    kind = get_kind(activity.activity_type.kind)
    state = snapshot(activity)
    lines = []
    for revision in reversed(activity.revisions):
        after = dict(state)
        state.update(revision.previous or {})
        lines.append(
            HistoryLine(
                at=revision.at,
                user=revision.user,
                changed=changed_text(revision.changed or [], revision.previous or {}, kind, after),
                before=previous_values(revision.previous or {}, kind, after),
            )
        )
    return lines


def changed_text(
    changed: list[str], previous: dict[str, Any], kind: Kind, after: dict[str, Any] | None = None
) -> str:
    """The changed fields by name ("start time, visible to"), each once; a change of the
    details by the names of the details that changed."""
    names: list[str] = []
    for key in changed:
        if key == "details":
            keys = _changed_detail_keys(previous.get("details"), (after or {}).get("details"))
            # The form's labels start a line; in the sentence they read in lower case.
            names += [_lower_first(_detail_name(k, kind)) for k in keys] or [field_name(key)]
        else:
            names.append(field_name(key))
    return ", ".join(dict.fromkeys(names)) or EMPTY


def previous_values(
    previous: dict[str, Any], kind: Kind, after: dict[str, Any] | None = None
) -> list[tuple[str, str]]:
    """(name, value) of each field as it was before the edit, for a reader; each name starts
    with a capital, as the labels on the activity's page do."""
    rows: list[tuple[str, str]] = []
    for key, value in previous.items():
        if key in POSITION:
            if key == next(k for k in previous if k in POSITION):
                rows.append((field_name(key), position_text(previous)))
        elif key == "details":
            rows += _detail_rows(value, kind, (after or {}).get("details"))
        else:
            rows.append((field_name(key), value_text(key, value, kind)))
    return [(_upper_first(name), value) for name, value in rows]


def field_name(key: str) -> str:
    return str(FIELD_NAMES.get(key, key.replace("_", " ")))


def value_text(key: str, value: Any, kind: Kind) -> str:
    if _empty(value):
        return _("no promise") if key == "promise_ids" else EMPTY
    if key in ("started_at", "ended_at"):
        return moment_text(value)
    if key == "visibility":
        return label(VISIBILITY, value)
    if key == "promise_ids":
        return _promise_titles(value)
    if key == "area":
        name = db.session.execute(db.select(Area.name).filter_by(code=value)).scalar()
        return name or str(value)
    if key == "follow_ups":
        return _follow_ups_text(value, kind)
    return plain_text(value)


def moment_text(value: Any) -> str:
    """A stored ISO time in the reader's zone and format; anything else as it is."""
    try:
        return format_datetime(datetime.fromisoformat(str(value)), MOMENT_FORMAT)
    except ValueError:
        return str(value)


def position_text(previous: dict[str, Any]) -> str:
    """As the activity's page writes a position: "59,83660, 13,14400 (± 8 m) – ..."."""
    text = ""
    lat, lon = previous.get("lat"), previous.get("lon")
    if lat is not None and lon is not None:
        text = f"{format_decimal(lat, '0.00000')}, {format_decimal(lon, '0.00000')}"
    if previous.get("accuracy_m") is not None:
        accuracy = f"± {format_decimal(previous['accuracy_m'], '0')} m"
        text = f"{text} ({accuracy})" if text else accuracy
    if "manual_position" in previous:
        manual = f"{_('placed by hand on the map')}: {yes_no(previous['manual_position'])}"
        text = f"{text} – {manual}" if text else manual
    return text or EMPTY


def plain_text(value: Any, codes: dict[str, Any] | None = None) -> str:
    """A JSON value in words: codes by their labels, yes/no, lists and counts without braces."""
    if _empty(value):
        return EMPTY
    if isinstance(value, bool):
        return yes_no(value)
    if isinstance(value, int | float):
        return format_decimal(value)
    if isinstance(value, list | tuple):
        return ", ".join(plain_text(item, codes) for item in value)
    if isinstance(value, dict):
        return ", ".join(f"{_code_label(str(k), codes)}: {plain_text(v)}" for k, v in value.items())
    return _code_label(str(value), codes)


def yes_no(value: Any) -> str:
    return _("Yes") if value else _("No")


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _code_label(code: str, codes: dict[str, Any] | None) -> str:
    return str(codes[code]) if codes and code in codes else code


def _detail_name(key: str, kind: Kind) -> str:
    field = kind.detail_fields.get(key)
    return str(field[0]) if field else key.replace("_", " ")


def _changed_detail_keys(before: Any, after: Any) -> list[str]:
    if not isinstance(before, dict):
        return []
    if not isinstance(after, dict):
        return list(before)
    return [k for k in dict.fromkeys([*before, *after]) if before.get(k) != after.get(k)]


def _detail_rows(before: Any, kind: Kind, after: Any) -> list[tuple[str, str]]:
    if not isinstance(before, dict):
        return [(field_name("details"), plain_text(before))]
    keys = _changed_detail_keys(before, after) or list(before)
    rows = []
    for key in keys:
        codes = kind.detail_fields.get(key, (None, None))[1]
        rows.append((_detail_name(key, kind), plain_text(before.get(key), codes)))
    return rows


def _promise_titles(ids: Any) -> str:
    ids = [i for i in ids if isinstance(i, int)] if isinstance(ids, list) else []
    promise = promise_class()
    titles: dict[int, str] = {}
    if ids:
        query = db.select(promise.id, promise.title).where(promise.id.in_(ids))
        titles = dict(db.session.execute(query).all())
    return "; ".join(titles.get(i) or _("promise %(number)s", number=i) for i in ids) or EMPTY


def _follow_ups_text(rows: Any, kind: Kind) -> str:
    owners = kind.options.get("organisations", {})
    parts = []
    for row in rows if isinstance(rows, list) else []:
        if not isinstance(row, dict):
            continue
        due = row.get("due_on")
        try:
            due_text = _("due %(date)s", date=format_date(date.fromisoformat(due), "medium"))
        except (TypeError, ValueError):
            due_text = EMPTY
        owner = _code_label(str(row.get("owner") or ""), owners) or EMPTY
        parts.append(f"{row.get('what') or EMPTY} – {owner}, {due_text}")
    return "; ".join(parts) or EMPTY
