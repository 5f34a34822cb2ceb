"""The demo's current promise period and the promised work logged in it.

The reference data holds Sunne's 2016–2017 promises (history). The demo adds the promises in
force now, modelled on them (young people and drugs; safety in centrum), running from January
last year to December next year so that the demo's records, dated relative to today, always fall
in them: in 2026 that is 2025–2027, the length of a real promise period.
"""

from __future__ import annotations

import random
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

from webapp.activities.models import ActivityType
from webapp.activities.service import store_activity
from webapp.activities.validation import validate_activity
from webapp.auth.models import User
from webapp.extensions import db
from webapp.promises.linking import relink_activities
from webapp.promises.models import Promise

# title, body, activity type codes served
CURRENT_PROMISES = [
    (
        "Färre unga i droger och kriminalitet",
        "Polis och kommun lovar att tillsammans arbeta för att färre unga i Sunne ska börja "
        "använda narkotika, alkohol eller tobak och dras in i kriminalitet: genom insatser där "
        "unga samlas och genom samverkan med skola och socialtjänst kring unga i riskzonen.",
        ("andt", "samverkan-skola-soc"),
    ),
    (
        "Ökad trygghet i Sunne centrum, även kvällstid",
        "Polis och kommun lovar att tillsammans arbeta för att fler ska känna sig trygga i Sunne "
        "centrum: med synlig fotpatrullering, trygghetsvandringar vars beslutade åtgärder utförs "
        "och besök hos handlare och företag, också utanför tätorten.",
        ("fotpatrull", "trygghetsvandring", "foretagsbesok"),
    ),
]

# Places outside Sunne tätort (business visits) and in centrum, approximate positions.
BUSINESSES = [
    ("Lantbruksföretag vid Rottneros", 59.7950, 13.1240, "Rottneros", ("inbrott_stold",)),
    ("Bensinstation i Västra Ämtervik", 59.7190, 13.0210, "Västra Ämtervik", ("trygghet",)),
    ("Järnhandel på Storgatan", 59.8372, 13.1447, "Storgatan", ("bedrageri", "trygghet")),
]
ANDT_PLACES = [
    ("Busstationen", 59.83790, 13.14230, "kontroll", ("alkohol",)),
    ("Parken vid Klarälven", 59.83520, 13.14650, "samtal", ("alkohol", "tobak")),
    ("Skolgården", 59.83880, 13.14560, "samtal", ("narkotika",)),
]


def current_period(today: date) -> tuple[date, date]:
    return date(today.year - 1, 1, 1), date(today.year + 1, 12, 31)


def ensure_current_promises(today: date) -> list[Promise]:
    """The current promise period, once (matched by title); un-ticked work is linked to it."""
    starts_on, ends_on = current_period(today)
    promises = []
    served: set[int] = set()
    for title, body, codes in CURRENT_PROMISES:
        promise = db.session.execute(db.select(Promise).filter_by(title=title)).scalar()
        if promise is None:
            promise = Promise(title=title, body=body, starts_on=starts_on, ends_on=ends_on)
            db.session.add(promise)
        types = db.session.scalars(db.select(ActivityType).where(ActivityType.code.in_(codes)))
        for activity_type in types:
            if promise not in activity_type.promises:
                activity_type.promises.append(promise)
            served.add(activity_type.id)
        promises.append(promise)
    # Also links the demo's patrols, which are stored directly rather than through the form.
    relink_activities(served)
    return promises


def _uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _store(payload: dict[str, Any], author: User) -> None:
    clean, errors = validate_activity(payload, author)
    if clean is None:  # the demo is code: a mistake in it must not pass silently
        raise ValueError(f"demo activity invalid: {errors}")
    store_activity(clean, author)


def _at(now: datetime, days_ago: int, hour: int) -> str:
    return (now - timedelta(days=days_ago)).replace(hour=hour, minute=0).isoformat()


def seed_promised_work(officer: User, staff: User, rng: random.Random, now: datetime) -> None:
    """Business visits, ANDT interventions and school meetings of the last weeks."""
    now = now.astimezone(UTC)
    _seed_business_visits(officer, rng, now)
    _seed_andt(officer, rng, now)
    _seed_school_meetings(staff, rng, now)


def _seed_business_visits(officer: User, rng: random.Random, now: datetime) -> None:
    for days_ago, (name, lat, lon, place, topics) in zip((2, 8, 16), BUSINESSES, strict=True):
        _store(
            {
                "id": _uuid(rng),
                "activity_type": "foretagsbesok",
                "started_at": _at(now, days_ago, 9),
                "lat": lat,
                "lon": lon,
                "accuracy_m": 10.0,
                "place": place,
                "details": {
                    "business_name": name,
                    "topics": list(topics),
                    "outcome": "Gick igenom brottsförebyggande råd.",
                },  # fmt: skip
            },
            officer,
        )


def _seed_andt(officer: User, rng: random.Random, now: datetime) -> None:
    for days_ago, (place, lat, lon, intervention, substances) in zip(
        (4, 9, 13), ANDT_PLACES, strict=True
    ):
        _store(
            {
                "id": _uuid(rng),
                "activity_type": "andt",
                "started_at": _at(now, days_ago, 19),
                "ended_at": _at(now, days_ago, 21),
                "lat": lat,
                "lon": lon,
                "accuracy_m": 8.0,
                "place": place,
                "details": {
                    "intervention": intervention,
                    "reached": {
                        "under_15": rng.randint(0, 3),
                        "age_15_17": rng.randint(3, 9),
                        "age_18_20": rng.randint(0, 4),
                    },  # fmt: skip
                    "substances": list(substances),
                },
            },
            officer,
        )


# What the two recent meetings agreed, one each (what, owner).
MEETING_FOLLOW_UPS = [
    ("Föräldramöte om ANDT i årskurs 8", "skola"),
    ("Fritidsgården öppen fredagskvällar under vintern", "fritid"),
]


def _seed_school_meetings(staff: User, rng: random.Random, now: datetime) -> None:
    for days_ago, (what, owner) in zip((7, 21), MEETING_FOLLOW_UPS, strict=True):
        due = (now + timedelta(days=30 - days_ago)).date().isoformat()
        _store(
            {
                "id": _uuid(rng),
                "activity_type": "samverkan-skola-soc",
                "started_at": _at(now, days_ago, 13),
                "ended_at": _at(now, days_ago, 14),
                "place": "Broskolan",
                "details": {
                    "organisations": ["skola", "socialtjanst", "polis"],
                    "cases_discussed": rng.randint(2, 5),
                    "themes": ["andt", "skolfranvaro"],
                    "follow_ups": [{"what": what, "owner": owner, "due_on": due}],  # fmt: skip
                },
            },
            staff,
        )
