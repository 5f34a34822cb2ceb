"""The quarter before this one: what the council report's "Förra kvartalet" follows up.

year.py gives every month its promised activities, but the demo's observations, its held walk
and the measures decided after it are from the last weeks and from around this date a year ago.
The report of the previous quarter listed activities and nothing else: no observation, no walk
held ("Trygghetsvandringar" under "not done"), no measure decided or done, no resident's report.
A real quarter has them, so this adds, dated in the quarter before today's (the report's own
`last_quarter`):

- observations made on the quarter's first foot patrols and ANDT interventions, so the work of
  each promise found something, and two by the municipality; reviewed, as old records are;
- for the promise on young people: a measure decided after the ANDT interventions, under way,
  with their observations linked to it;
- for the promise on centrum: a safety walk along Klarälven with stops, ratings and marked
  places, and the measures decided after it (one done within the quarter, its observations
  closed with it; one handed to its owner);
- residents' reports: one merged with the walk's measure, one hidden for another reason.

Stored directly, as the rest of the demo's past is: nobody typed them, and no audit entry or
webhook event is made for them.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta

from webapp.activities.models import LOCAL_ZONE, Activity, ActivityType
from webapp.auth.models import User
from webapp.extensions import db
from webapp.measures.models import Measure
from webapp.observations.models import Observation
from webapp.observations.review import linked_status
from webapp.observations.service import new_observation
from webapp.observations.validation import CleanObservation
from webapp.ops.demo.citizen import moderated_report
from webapp.ops.demo.walk import WalkPlan, seed_walk_content
from webapp.reports.period import Period, last_quarter
from webapp.walks.models import SafetyWalk

QUARTER_WALK_NAME = "Trygghetsvandring längs Klarälven"
WALK_DAY = 40  # days into the quarter: its second month, whatever the quarter
LIGHTS = "Fler lampor på gångvägen längs Klarälven"
GRAFFITI = "Sanera klottret på elskåpet vid parkeringen"
YOUTH = "Fältassistenter där unga samlas på fredagskvällar"

WALK_PLAN = WalkPlan(
    key="quarter-",
    stops=[
        ("Parken vid Klarälven", 59.83520, 13.14650, (1, 2, 1, 2, 2, 1)),
        ("Parkeringen vid affären", 59.83710, 13.14880, (2, 2, 2, 1, 2, 2)),
        ("Skolgården", 59.83880, 13.14560, (2, 3, 1, 2, 3, 2)),
    ],
    route=[
        (59.83655, 13.14405),
        (59.83590, 13.14520),
        (59.83520, 13.14650),
        (59.83610, 13.14790),
        (59.83710, 13.14880),
        (59.83800, 13.14720),
        (59.83880, 13.14560),
        (59.83760, 13.14470),
        (59.83655, 13.14405),
    ],
    participants=[
        ("residents", "woman", "50_64"),
        ("residents", "man", "65_plus"),
        ("youth", "man", "under_18"),
        ("business", "woman", "30_49"),
        ("politicians", "man", "50_64"),
    ],
    spots=[
        (0, "belysning", "Mörkt mellan lamporna på gångvägen längs älven.", 12, LIGHTS),
        (0, "belysning", "Ingen belysning alls vid bryggan.", 16, "duplicate"),
        (1, "skadegorelse", "Klotter på elskåpet vid parkeringen.", 31, GRAFFITI),
        (2, "nedskrapning", "Fimpar och burkar vid skolgårdens staket.", 47, "dismissed"),
    ],
    headcount={"group": {"police": 1, "residents": 2}},
    invited=["Polisen", "Kommunens tekniska förvaltning", "Fastighetsägarna vid torget"],
    summary=(
        "Fem deltagare med telefon och tre till gick från Stortorget längs Klarälven till "
        "parkeringen vid affären och skolgården. Mörkast upplevdes gångvägen längs älven."
    ),
    minutes=70,
)
# On the quarter's patrols and ANDT interventions: (category, note), two per patrol, one per
# intervention; the first of each is shared with the municipality.
PATROL_NOTES = [
    ("skadegorelse", "Stortorget: nytt klotter på elskåpet."),
    ("trafik", "Busstationen: bilar kör fort förbi övergångsstället."),
    ("otrygg-plats", "Gångtunneln: upplevs otryggt, en lampa blinkar."),
    ("nedskrapning", "Parken vid Klarälven: glassplitter på gångvägen."),
    ("belysning", "Parkeringen vid affären: en gatlampa är släckt."),
    ("ovrigt", "Skolgården: lugnt, några cyklister."),
]
ANDT_NOTES = [
    ("ungdomssamling", "Grupp unga samlas vid busskuren fredagskväll."),
    ("narkotika", "Förpackningsmaterial som kan tyda på narkotika vid bänkarna."),
]
# The municipality's own: (day in the quarter, lat, lon, category, note).
STAFF_NOTES = [
    (17, 59.83520, 13.14650, "skadegorelse", "Parken vid Klarälven: en parkbänk är sönder."),
    (63, 59.83430, 13.14120, "nedskrapning", "Gångtunneln: nedskräpat efter helgen."),
]
# Residents' reports: (day, lat, lon, category, text, status, public text, hidden because).
REPORTS = [
    (WALK_DAY - 6, 59.83540, 13.14620, "belysning", "Mörkt på gångvägen längs älven.",
     "published", "Mörkt på gångvägen längs älven på kvällen.", ""),
    (WALK_DAY + 12, 59.83900, 13.14700, "ovrigt", "Grannens häck växer ut över vår tomt.",
     "hidden", "", "Gäller en privat tomt, inte en allmän plats."),
]  # fmt: skip


def seed_last_quarter(users: list[User], now: datetime) -> Period:
    """Add the previous quarter's records (users: officer, staff, coordinator first)."""
    officer, staff, coordinator = users[0], users[1], users[2]
    quarter = last_quarter(now)
    patrols = _work(quarter, "fotpatrull")[:3]
    interventions = _work(quarter, "andt")[:2]
    youth = _observations_of(officer, interventions, ANDT_NOTES, per_activity=1, key="andt")
    _observations_of(officer, patrols, PATROL_NOTES, per_activity=2, key="patrol")
    for index, (day, lat, lon, code, note) in enumerate(STAFF_NOTES):
        moment = _local(quarter.first + timedelta(days=day), 10)
        db.session.add(_observation(staff, f"staff-{index}", lat, lon, moment, code, note))
    if interventions:
        decided = interventions[0].started_at + timedelta(days=2)
        measure = _measure(YOUTH, "municipality_social", coordinator, decided, now, "in_progress")
        _link(youth, measure)
    _walk(quarter, staff, coordinator, now)
    return quarter


def _work(quarter: Period, code: str) -> list[Activity]:
    """The activities of one kind done in the quarter, first first."""
    return list(
        db.session.scalars(
            db.select(Activity)
            .join(ActivityType)
            .where(ActivityType.code == code, quarter.covers(Activity.started_at))
            .order_by(Activity.started_at, Activity.id)
        )
    )


def _observations_of(
    author: User,
    activities: Sequence[Activity],
    notes: list[tuple[str, str]],
    *,
    per_activity: int,
    key: str,
) -> list[Observation]:
    """Observations made during the activities, spread over each one's hours."""
    made = []
    for number, activity in enumerate(activities):
        ended = activity.ended_at or activity.started_at + timedelta(hours=1)
        for share in range(per_activity):
            index = number * per_activity + share
            code, note = notes[index % len(notes)]
            moment = activity.started_at + (ended - activity.started_at) * (share + 1) / (
                per_activity + 1
            )
            lat = activity.lat if activity.lat is not None else 59.83655 + 0.0004 * share
            lon = activity.lon if activity.lon is not None else 13.14405 + 0.0009 * number
            observation = _observation(
                author, f"{key}-{index}", lat, lon, moment, code, note,
                visibility="shared" if share == 0 else "police", activity=activity,
            )  # fmt: skip
            db.session.add(observation)
            made.append(observation)
    return made


def _observation(  # noqa: PLR0913 - one observation's columns
    author: User,
    key: str,
    lat: float,
    lon: float,
    moment: datetime,
    code: str,
    note: str,
    *,
    visibility: str = "shared",
    activity: Activity | None = None,
    walk: SafetyWalk | None = None,
) -> Observation:
    moment = moment.astimezone(UTC).replace(second=0, microsecond=0)
    offset = moment.astimezone(LOCAL_ZONE).utcoffset() or timedelta(0)
    clean = CleanObservation(
        id=_demo_id("observation", key),
        lat=lat,
        lon=lon,
        accuracy_m=8.0,
        observed_at=moment,
        utc_offset_min=int(offset.total_seconds() // 60),
        category_code=code,
        note=note,
        rating=None,
        activity_id=activity.id if activity is not None else None,
        walk_id=walk.id if walk is not None else None,
        visibility=visibility,
        manual_position=False,
    )
    observation = new_observation(clean, author)
    observation.status = "reviewed"  # months old: the coordinator has been through them
    return observation


def _measure(  # noqa: PLR0913 - one measure and its history
    title: str,
    owner: str,
    coordinator: User,
    decided: datetime,
    now: datetime,
    status: str,
    *,
    reason: str = "",
    walk: SafetyWalk | None = None,
    done_after: timedelta = timedelta(days=24),
) -> Measure:
    """A shared measure decided at `decided`, then under way, then `status` (if further)."""
    measure = Measure(
        title=title,
        owner=owner,
        # Still under way: due after today; finished: it was due in the quarter.
        deadline=(now if status == "in_progress" else decided).date() + timedelta(days=30),
        visibility="shared",
        walk_id=walk.id if walk is not None else None,
        lat=walk.lat if walk is not None else None,
        lon=walk.lon if walk is not None else None,
        created_by_id=coordinator.id,
    )
    measure.change_status("decided", by=coordinator.id).at = decided
    measure.change_status("in_progress", by=coordinator.id).at = decided + timedelta(days=7)
    if status != "in_progress":
        step = measure.change_status(status, by=coordinator.id, comment=reason)
        step.at = decided + done_after
    measure.created_at = decided
    db.session.add(measure)
    db.session.flush()
    return measure


def _link(observations: Sequence[Observation], measure: Measure) -> None:
    """Linked as the review links them, in the state the measure gives them (closed if done)."""
    for observation in observations:
        observation.measure_id = measure.id
        observation.status = linked_status(measure)


def _walk(quarter: Period, staff: User, coordinator: User, now: datetime) -> None:
    starts = _local(quarter.first + timedelta(days=WALK_DAY), 19)
    walk = SafetyWalk(
        name=QUARTER_WALK_NAME,
        starts_at=starts,
        meeting_point="Stortorget",
        lat=59.83655,
        lon=13.14405,
        after_dark=starts.astimezone(LOCAL_ZONE).month in (1, 2, 3, 10, 11, 12),
        status="closed",
        visibility="shared",
        created_by_id=coordinator.id,
    )
    db.session.add(walk)
    db.session.flush()
    decided = starts + timedelta(days=1)
    lights = _measure(LIGHTS, "municipality_technical", coordinator, decided, now, "done",
                      walk=walk)  # fmt: skip
    _measure(GRAFFITI, "property_owner", coordinator, decided, now, "other_owner", walk=walk,
             reason="Elskåpet ägs av elbolaget, som sanerar det.",
             done_after=timedelta(days=10))  # fmt: skip
    seed_walk_content(walk, WALK_PLAN)
    dark = _observation(staff, "walk-0", 59.83540, 13.14620, starts + timedelta(minutes=14),
                        "belysning", "Parken vid Klarälven: mörkt mellan lamporna.",
                        walk=walk)  # fmt: skip
    db.session.add(dark)
    _link([dark], lights)
    _reports(quarter, coordinator, lights)


def _reports(quarter: Period, coordinator: User, lights: Measure) -> None:
    for index, (day, lat, lon, category, text, status, public, note) in enumerate(REPORTS):
        received = _local(quarter.first + timedelta(days=day), 21)
        report = moderated_report(
            _demo_id("report", index), (lat, lon, category, text), received, status, public,
            coordinator,
        )  # fmt: skip
        if status == "hidden":
            report.hidden_reason, report.hidden_note = "other", note
        else:
            report.measure_id = lights.id  # the walk's measure answers it
        db.session.add(report)


def _local(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=LOCAL_ZONE).astimezone(UTC)


def _demo_id(*parts: object) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "trygg-demo-quarter-" + "-".join(map(str, parts))))
