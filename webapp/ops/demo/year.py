"""The rest of the demo's year: the promised work month by month since January last year.

The rest of the demo is dated in the last weeks (and around this date a year ago), so the
council report of the year to date, its default, showed ten empty months as if nothing had been
done before November. A year of real use has patrols, ANDT interventions, school meetings and
business visits in every month: this adds them, every month from January last year up to six
weeks ago, a little less of the same in last year's months, so the year-on-year comparison
stays plausible. Without a break: cut at six weeks ago a year ago too, last year's last months
were empty, and so was the council report's "last quarter" from January to March (and its
default, the whole year before, in January). Stored directly, as the year before is
(webapp/ops/demo/history.py): entries this old are older than the field app accepts from a
phone, and nobody typed them.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from webapp.activities.models import LOCAL_ZONE, Activity, ActivityType
from webapp.activities.service import outside_tatort
from webapp.auth.models import User
from webapp.extensions import db
from webapp.geo.areas import Area
from webapp.ops.demo.promises import ANDT_PLACES, BUSINESSES
from webapp.ops.demo.routes import PATROL_CREWS, route_fields

# (activity type code, day of the month, local hour, hours long); the second list every other
# month. Patrols twice a month, an ANDT intervention monthly, the rest every second month.
MONTHLY = [("fotpatrull", 6, 18, 1.5), ("andt", 13, 19, 2.0), ("fotpatrull", 20, 19, 1.0)]
EVERY_OTHER_MONTH = [("samverkan-skola-soc", 10, 13, 1.0), ("foretagsbesok", 16, 10, 1.0)]
RECENT = timedelta(days=42)  # the last weeks are the demo's own (data.py, promises.py)


def seed_earlier_months(officer: User, staff: User, rng: random.Random, now: datetime) -> None:
    """Add the promised work of this year's and last year's months, up to the last weeks."""
    types = {t.code: t for t in db.session.scalars(db.select(ActivityType))}
    centrum = db.session.execute(db.select(Area).filter_by(code="sunne-centrum")).scalar()
    until = now - RECENT
    for years_back in (0, 1):
        year = now.astimezone(LOCAL_ZONE).year - years_back  # its months before `until`
        for month in range(1, 13):
            plan = MONTHLY + (EVERY_OTHER_MONTH if month % 2 == 0 else [])
            if years_back and month % 2:
                # Last year's odd months had one patrol, not two: a growing effort, as the
                # report compares.
                plan = plan[:-1]
            for code, day, hour, hours in plan:
                start = datetime(year, month, day, hour, tzinfo=LOCAL_ZONE)
                if start >= until:
                    continue
                activity_type = types[code]
                author = staff if activity_type.organisation == "joint" else officer
                db.session.add(
                    Activity(
                        activity_type_id=activity_type.id,
                        started_at=start,
                        ended_at=start + timedelta(hours=hours),
                        visibility=activity_type.default_visibility(),
                        author_id=author.id,
                        **_content(code, f"{year}-{month:02d}-{day:02d}", centrum, rng),
                    )
                )


def _content(code: str, label: str, centrum: Area | None, rng: random.Random) -> dict[str, Any]:
    """The columns that differ by kind: what a person would have filled in."""
    if code == "fotpatrull":
        return {
            "note": "Fotpatrull i centrum.",
            "area_id": centrum.id if centrum else None,
            "details": rng.choice(PATROL_CREWS),
            **route_fields(f"earlier-{label}", first=rng.randrange(100)),
        }
    if code == "andt":
        place, lat, lon, intervention, substances = rng.choice(ANDT_PLACES)
        reached = {
            "under_15": rng.randint(0, 2),
            "age_15_17": rng.randint(2, 7),
            "age_18_20": rng.randint(0, 3),
        }
        details = {"intervention": intervention, "reached": reached, "substances": [*substances]}
        return {"place": place, "lat": lat, "lon": lon, "details": details}
    if code == "samverkan-skola-soc":
        details = {
            "organisations": ["skola", "socialtjanst", "polis"],
            "cases_discussed": rng.randint(1, 5),
            "themes": rng.choice((["andt"], ["andt", "skolfranvaro"], ["skolfranvaro"])),
        }
        return {"place": "Broskolan", "details": details}
    name, lat, lon, place, topics = rng.choice(BUSINESSES)
    details = {"business_name": name, "topics": [*topics], "outcome": "Gick igenom råd."}
    return {
        "place": place,
        "lat": lat,
        "lon": lon,
        "outside_tatort": outside_tatort(lat, lon),
        "details": details,
    }
