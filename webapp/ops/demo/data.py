"""The demo data set: plausible, place-based, and free of any person's name."""

from __future__ import annotations

import random
import uuid
from datetime import UTC, datetime, timedelta

from webapp.activities.models import LOCAL_ZONE, Activity, ActivityType
from webapp.auth.cli import new_user
from webapp.auth.models import User
from webapp.core.access import Role
from webapp.extensions import db
from webapp.geo.areas import Area
from webapp.observations.service import new_observation
from webapp.observations.validation import CleanObservation
from webapp.ops.demo.citizen import seed_citizen_demo
from webapp.ops.demo.history import seed_history
from webapp.ops.demo.promises import ensure_current_promises, seed_promised_work
from webapp.ops.demo.quarter import seed_last_quarter
from webapp.ops.demo.routes import PATROL_CREWS, route_fields
from webapp.ops.demo.walk import seed_walk_content
from webapp.ops.demo.year import seed_earlier_months
from webapp.walks.models import SafetyWalk

# Demo accounts are for a local demo only; the password is printed by seed-demo.
DEMO_PASSWORD = "sunne-demo-2016"  # noqa: S105
DEMO_USERS = [
    ("polis", Role.OFFICER, "police", "Polis Demo"),
    ("kommun", Role.STAFF, "municipality", "Kommun Demo"),
    ("samordnare", Role.COORDINATOR, "municipality", "Samordnare Demo"),
    ("admin", Role.ADMIN, "municipality", "Admin Demo"),
]

# Real places in Sunne centrum (approximate positions), with situations, not people.
PLACES = [
    (59.83655, 13.14405, "Stortorget"),
    (59.83790, 13.14230, "Busstationen"),
    (59.83520, 13.14650, "Parken vid Klarälven"),
    (59.83880, 13.14560, "Skolgården"),
    (59.83430, 13.14120, "Gångtunneln"),
    (59.83710, 13.14880, "Parkeringen vid affären"),
]
NOTES = {
    "belysning": "Trasig gatubelysning, mörkt på gångvägen.",
    "skymd-sikt": "Buskage skymmer sikten vid gångvägen.",
    "skadegorelse": "Klotter på väggen, nytt sedan förra veckan.",
    "nedskrapning": "Mycket skräp och glassplitter.",
    "trafik": "Bilar kör fort förbi övergångsstället.",
    "narkotika": "Hittade förpackningsmaterial som kan tyda på narkotika.",
    "ungdomssamling": "Grupp ungdomar samlas kvällstid, lugnt.",
    "otrygg-plats": "Upplevs otryggt efter mörkrets inbrott.",
    "ovrigt": "Övrig iakttagelse.",
}


DEMO_WALK_NAME = "Trygghetsvandring Sunne centrum"


def seed_demo() -> tuple[list[User], bool]:
    """Add the demo users and, once, the demo records; returns (users, whether records were added).

    The demo walk by the demo coordinator marks a seeded database: other people's records do not,
    so a database in use still gets the whole demo, and a second run adds nothing.
    """
    users = _ensure_users()
    ensure_current_promises(datetime.now(LOCAL_ZONE).date())
    marker = db.select(SafetyWalk.id).filter_by(name=DEMO_WALK_NAME, created_by_id=users[2].id)
    if db.session.execute(marker.limit(1)).first() is not None:
        db.session.commit()  # demo users that were missing are kept
        return users, False
    rng = random.Random(2016)  # the same demo every time
    officer, staff = users[0], users[1]
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    patrols = _seed_patrols(officer, rng, now)
    walk = _seed_walk(users[2], now)
    _seed_observations(officer, staff, patrols, walk, rng, now)
    seed_citizen_demo(users[2], rng, now)
    seed_promised_work(officer, staff, rng, now)
    seed_history(users, walk, rng, now)
    # Its own random source: the demo's other values stay what they were.
    seed_earlier_months(officer, staff, random.Random(1), now)
    seed_last_quarter(users, now)  # on the earlier months' patrols and interventions
    seed_walk_content(walk)
    ensure_current_promises(datetime.now(LOCAL_ZONE).date())
    db.session.commit()
    return users, True


def _seed_patrols(officer: User, rng: random.Random, now: datetime) -> list[Activity]:
    patrol_type = db.session.execute(
        db.select(ActivityType).filter_by(code="fotpatrull")
    ).scalar_one()
    centrum = db.session.execute(db.select(Area).filter_by(code="sunne-centrum")).scalar()
    patrols = []
    for index, days_ago in enumerate((1, 3, 6, 10, 14)):
        start = now - timedelta(days=days_ago, hours=rng.randint(0, 4))
        patrol = Activity(
            activity_type_id=patrol_type.id,
            started_at=start,
            ended_at=start + timedelta(minutes=rng.choice((45, 60, 90))),
            note="Fotpatrull i centrum, lugnt.",
            visibility="police",
            author_id=officer.id,
            area_id=centrum.id if centrum else None,
            details=PATROL_CREWS[index % len(PATROL_CREWS)],
            **route_fields(f"{days_ago}-days-ago", first=index),
        )
        db.session.add(patrol)
        patrols.append(patrol)
    return patrols


def _seed_walk(coordinator: User, now: datetime) -> SafetyWalk:
    """The held demo walk; it also marks the database as seeded."""
    walk = SafetyWalk(
        name=DEMO_WALK_NAME,
        starts_at=now - timedelta(days=5, hours=-2),
        meeting_point="Stortorget",
        lat=59.83655,
        lon=13.14405,
        after_dark=True,
        status="held",
        visibility="shared",
        created_by_id=coordinator.id,
    )
    db.session.add(walk)
    db.session.flush()
    return walk


def _seed_observations(
    officer: User,
    staff: User,
    patrols: list[Activity],
    walk: SafetyWalk,
    rng: random.Random,
    now: datetime,
) -> None:
    codes = list(NOTES)
    for index in range(40):
        lat, lon, place = PLACES[index % len(PLACES)]
        author = officer if index % 3 else staff
        code = codes[rng.randrange(len(codes))]
        walked = index % 7 == 0
        patrol = patrols[index % len(patrols)] if author is officer and not walked else None
        # Drawn for every observation, even when replaced below, so the demo's later random
        # values stay what they were. An observation made on the walk or a patrol is from its
        # hours, so "observations during the patrol" on its page are from the patrol's own time.
        observed_at = now - timedelta(hours=rng.randint(1, 24 * 20))
        if walked:
            observed_at = walk.starts_at + timedelta(minutes=10 + 11 * (index // 7))
        elif patrol is not None:
            observed_at = _during(patrol, (index * 37 % 100) / 100)
        clean = CleanObservation(
            id=str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            lat=lat + rng.uniform(-0.0006, 0.0006),
            lon=lon + rng.uniform(-0.0012, 0.0012),
            accuracy_m=float(rng.choice((5, 8, 12, 20, 65))),
            observed_at=observed_at,
            utc_offset_min=60,
            category_code=code,
            note=f"{place}: {NOTES[code]}",
            rating=rng.choice((None, 2, 3, 4)),
            activity_id=patrol.id if patrol is not None else None,
            walk_id=walk.id if walked else None,
            visibility=("police" if author is officer else "municipality")
            if index % 4
            else "shared",
            manual_position=False,
        )
        db.session.add(new_observation(clean, author))


def _during(patrol: Activity, share: float) -> datetime:
    """The moment `share` (0-1) of the way through the patrol, to the minute."""
    ended = patrol.ended_at or patrol.started_at
    moment = patrol.started_at + (ended - patrol.started_at) * share
    return moment.replace(second=0, microsecond=0)


def _ensure_users() -> list[User]:
    users = []
    for username, role, organisation, name in DEMO_USERS:
        user = db.session.execute(db.select(User).filter_by(username=username)).scalar()
        if user is None:
            user = new_user(username, role, DEMO_PASSWORD, organisation, name)
            db.session.add(user)
        users.append(user)
    db.session.flush()
    return users
