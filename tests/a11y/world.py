"""One seeded Sunne for the accessibility tests: every page type has something to show.

Built once for the whole tests/a11y package (axe runs take time; seeding per page would double
it). The demo data set gives patrols, a held walk and forty observations; on top come a measure
of each kind of state, one activity of every kind (through the API, so they are valid), a planned
walk with a join code, stops, a spot and a rating, and an English-speaking coordinator.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from flask import Flask

from tests.activities.helpers import andt_payload, meeting_payload, patrol_payload, visit_payload
from tests.citizen.helpers import make_survey
from tests.conftest import PASSWORD, api_post, login, make_user
from tests.map.helpers import add_observation
from tests.walks.helpers import join, make_walk, post_rating, post_spot, rating, spot
from webapp.activities.models import ActivityType
from webapp.auth.models import User
from webapp.citizen.models import PublicReport, Survey
from webapp.core.access import Role
from webapp.core.localtime import local_today
from webapp.extensions import db
from webapp.measures.models import Measure
from webapp.observations.models import Observation
from webapp.ops.demo.data import seed_demo
from webapp.promises.models import Promise

# Persona -> user name. The demo accounts have DEMO_PASSWORD; ours have tests' PASSWORD.
PERSONAS = {
    "officer": "a11y-polis",
    "staff": "a11y-kommun",
    "coordinator": "a11y-samordnare",
    "admin": "a11y-admin",
    "coordinator_en": "a11y-coordinator-en",
}


@dataclass
class World:
    """Ids of the seeded records, for building page URLs."""

    observation: str = ""
    measure: int = 0
    overdue_measure: int = 0
    promise: int = 0
    activity_type: int = 0
    activities: dict[str, str] = field(default_factory=dict)  # patrol, visit, andt, meeting
    walk: int = 0
    held_walk: int = 0
    join_code: str = ""
    citizen_report: str = ""  # a resident's report waiting for moderation
    survey: int = 0  # last autumn's survey, with answers to show
    open_survey_code: str = ""  # a survey open now, for the public answer form
    users: dict[str, int] = field(default_factory=dict)
    password: str = PASSWORD


def build_world(app: Flask) -> World:
    world = World()
    with app.app_context():
        users = _users(world)
        demo_users, _ = seed_demo()
        coordinator = users["coordinator"]
        # The demo walk is the held one; the demo records are the demo officer's.
        world.held_walk = db.session.execute(
            db.select(Observation.walk_id).where(Observation.walk_id.is_not(None)).limit(1)
        ).scalar_one()
        world.observation = db.session.execute(
            db.select(Observation.id).where(Observation.visibility == "shared").limit(1)
        ).scalar_one()
        world.measure, world.overdue_measure = _measures(coordinator)
        # Mina poster lists the persona's own records.
        add_observation(users["officer"], note="Trasig lampa vid Stortorget.", hours_ago=2)
        add_observation(users["officer"], category="trafik", note="Fortkörning.", hours_ago=30)
        _citizen(app, world, coordinator)
        world.promise = db.session.execute(db.select(Promise.id).limit(1)).scalar_one()
        world.activity_type = db.session.execute(db.select(ActivityType.id).limit(1)).scalar_one()
        coordinator_id = coordinator.id
        officer = users["officer"]
        db.session.expunge_all()

    client = login(app.test_client(), officer)
    for name, payload in (
        ("patrol", patrol_payload(note="Lugnt vid Stortorget.")),
        ("visit", visit_payload()),
        ("andt", andt_payload()),
        ("meeting", meeting_payload()),
    ):
        response = api_post(client, "/api/v1/activities", payload)
        assert response.status_code == 201, response.get_json()
        world.activities[name] = payload["id"]

    walk = make_walk(app, coordinator_id, meeting_point="Stortorget", lat=59.8366, lon=13.1440)
    world.walk, world.join_code = walk.id, walk.join_code
    participant = join(app, walk.join_code)
    assert post_spot(participant, walk.id, spot()).status_code == 201
    assert post_rating(participant, walk.id, walk.stops[0].id, rating()).status_code == 201
    return world


def _users(world: World) -> dict[str, User]:
    users = {
        "officer": make_user(Role.OFFICER, PERSONAS["officer"]),
        "staff": make_user(Role.STAFF, PERSONAS["staff"]),
        "coordinator": make_user(
            Role.COORDINATOR, PERSONAS["coordinator"], organisation="municipality"
        ),
        "admin": make_user(Role.ADMIN, PERSONAS["admin"]),
        "coordinator_en": make_user(
            Role.COORDINATOR, PERSONAS["coordinator_en"], organisation="police"
        ),
    }
    english = db.session.get(User, users["coordinator_en"].id)
    english.locale = "en"
    db.session.commit()
    world.users = {persona: user.id for persona, user in users.items()}
    return users


def _citizen(app: Flask, world: World, coordinator: User) -> None:
    """The demo's residents' reports and surveys, and a survey open now for its public form."""
    world.citizen_report = db.session.execute(
        db.select(PublicReport.id).filter_by(status="pending").order_by(PublicReport.id).limit(1)
    ).scalar_one()
    world.survey = db.session.execute(
        db.select(Survey.id).order_by(Survey.opens_at.desc()).limit(1)
    ).scalar_one()
    db.session.commit()  # make_survey writes through its own session: let go of the write lock
    _id, world.open_survey_code, _questions = make_survey(
        app, coordinator.id, title="Trygghetsenkät för centrum", code="a11y-open-1"
    )


def _measures(coordinator: User) -> tuple[int, int]:
    today = local_today()
    decided = Measure(
        title="Byt armaturer i gångtunneln",
        description="Belysningen i gångtunneln under riksväg 45 är trasig sedan september.",
        owner="municipality_other",
        owner_detail="Gatukontoret",
        deadline=today + timedelta(days=30),
        created_by_id=coordinator.id,
        lat=59.8343,
        lon=13.1412,
    )
    decided.change_status("decided", by=coordinator.id, comment="Beslut på vandringen")
    overdue = Measure(
        title="Klipp buskage vid skolgården",
        created_by_id=coordinator.id,
        deadline=today - timedelta(days=3),
        lat=59.8388,
        lon=13.1456,
    )
    overdue.change_status("decided", by=coordinator.id)
    overdue.change_status("in_progress", by=coordinator.id, comment="Beställt")
    db.session.add_all([decided, overdue])
    db.session.commit()
    return decided.id, overdue.id
