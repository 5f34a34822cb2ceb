"""Payload factories for the activity API: a valid entry of each kind, overridable per test."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import Flask

from tests.conftest import form_csrf_token
from webapp.activities.models import Activity
from webapp.extensions import db

# Stortorget, in the middle of Sunne centrum and well inside the tätort box.
INSIDE_TATORT = (59.8366, 13.1440)
# Rottneros, about 7 km south of the centre: outside the tätort box.
OUTSIDE_TATORT = (59.7800, 13.1200)


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


def ago(**delta: float) -> datetime:
    return datetime.now(UTC).replace(microsecond=0) - timedelta(**delta)


def patrol_payload(**overrides: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "id": str(uuid.uuid4()),
        "activity_type": "fotpatrull",
        "started_at": iso(ago(hours=1)),
        "details": {"participants_count": 2, "organisations": ["police"]},
    }
    payload.update(overrides)
    return payload


def visit_payload(**overrides: Any) -> dict[str, Any]:
    lat, lon = OUTSIDE_TATORT
    payload: dict[str, Any] = {
        "id": str(uuid.uuid4()),
        "activity_type": "foretagsbesok",
        "started_at": iso(ago(hours=2)),
        "lat": lat,
        "lon": lon,
        "accuracy_m": 8,
        "details": {
            "business_name": "Rottneros Bygg AB",
            "org_number": "556036-0793",
            "topics": ["inbrott_stold", "trygghet"],
            "outcome": "Tipsade om grannsamverkan mot brott.",
            "follow_up": "Återbesök i vår.",
        },
    }
    payload.update(overrides)
    return payload


def andt_payload(**overrides: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "id": str(uuid.uuid4()),
        "activity_type": "andt",
        "started_at": iso(ago(hours=3)),
        "place": "Skateparken",
        "details": {
            "intervention": "samtal",
            "reached": {"under_15": 3, "age_15_17": 5, "age_18_20": 1},
            "substances": ["alkohol", "tobak"],
            "actions": "Samtal om alkohol och snus, information till fritidsgården.",
        },
    }
    payload.update(overrides)
    return payload


def meeting_payload(**overrides: Any) -> dict[str, Any]:
    due = (datetime.now(UTC) + timedelta(days=14)).date().isoformat()
    payload: dict[str, Any] = {
        "id": str(uuid.uuid4()),
        "activity_type": "samverkan-skola-soc",
        "started_at": iso(ago(days=1)),
        "ended_at": iso(ago(days=1) + timedelta(hours=1)),
        "details": {
            "organisations": ["skola", "socialtjanst", "polis"],
            "cases_discussed": 4,
            "themes": ["andt", "skolfranvaro"],
            "follow_ups": [
                {"what": "Kartlägga frånvaro i årskurs 8", "owner": "skola", "due_on": due},
                {"what": "Informera fritidsgården", "owner": "fritid", "due_on": due},
            ],
        },
    }
    payload.update(overrides)
    return payload


def load(app: Flask, activity_id: str) -> Activity | None:
    with app.app_context():
        activity = db.session.get(Activity, activity_id)
        if activity is not None:
            # Touch what tests read so it is loaded before the context closes.
            activity.promises, activity.follow_ups, activity.activity_type  # noqa: B018
            db.session.expunge_all()
        return activity


def meeting_edit_form(edit_html: str, meeting: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """The edit form of a meeting stored by the API (`meeting`, its JSON) as the page fills it
    in, with `changes` (field name -> value) typed over it."""

    def shown(name: str) -> str:
        return re.search(rf'name="{name}" value="([^"]+)"', edit_html).group(1)  # type: ignore[union-attr]

    form: dict[str, Any] = {
        "csrf_token": form_csrf_token(edit_html),
        "started_at": shown("started_at"),
        "ended_at": shown("ended_at"),
        "details.organisations": ["skola", "socialtjanst", "polis"],
        "details.cases_discussed": "5",
        "details.themes": ["andt", "skolfranvaro"],
    }
    for index, row in enumerate(meeting["follow_ups"]):
        form[f"details.follow_ups.{index}.what"] = row["what"]
        form[f"details.follow_ups.{index}.owner"] = row["owner"]
        form[f"details.follow_ups.{index}.due_on"] = row["due_on"]
    return {**form, **changes}
