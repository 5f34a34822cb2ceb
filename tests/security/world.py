"""A small world of records of every visibility, for walking every route as every role.

Every text a record carries holds a marker saying who may read it (POLICEMARK, MUNICIPALITYMARK,
SHAREDMARK, PUBLICMARK, OWNSPOTMARK), so a test can search every response body for markers the
caller must not see. UUIDs of police-only and municipal-only records are searched for too: a
leaked id (a link, an `activity_id` in JSON) is a leak even when the content stays hidden.
"""

from __future__ import annotations

import hashlib
import io
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from PIL import Image

from tests.conftest import login
from webapp.activities.models import Activity, ActivityType, FollowUp
from webapp.auth.models import User
from webapp.core.blobs import store
from webapp.core.localtime import local_today
from webapp.extensions import db
from webapp.measures.models import Measure
from webapp.observations.models import Observation, Photo
from webapp.observations.photos import new_storage_name
from webapp.promises.models import Promise
from webapp.walks.models import (
    SafetyWalk,
    WalkParticipant,
    WalkSpot,
    WalkSpotPhoto,
    WalkStop,
)
from webapp.walks.participant import SESSION_KEY

VISIBILITIES = ("police", "municipality", "shared")
ROLES = ("anonymous", "participant", "officer", "staff", "coordinator", "admin")

MARK = {"police": "POLICEMARK", "municipality": "MUNICIPALITYMARK", "shared": "SHAREDMARK"}
# A walk's name is shown to whoever holds its join code (the join page), so it has a marker of
# its own: allowed there, a leak anywhere else the role may not read the walk.
WALK_NAME = {v: v.upper() + "WALKNAME" for v in VISIBILITIES}
# A resident's report before moderation (and any contact left with it): the coordinator's only.
MODERATION = ("MODMARK", "CONTACTMARK")
# A survey's text is public to whoever has its link, like a walk's name to its code holders;
# while it is open, the residents' pages link it (its title) for everyone.
SURVEY = "SURVEYMARK"
CODE_PAGES = frozenset({"walk_participant.join_code", "survey.answer_page", "survey.submit"})
OPEN_SURVEY_PAGES = frozenset({"citizen.report_page", "citizen.feedback", "citizen.follow_report"})
MARKERS = (*MARK.values(), *WALK_NAME.values(), "PUBLICMARK", "OWNSPOTMARK", *MODERATION, SURVEY)
# Markers each role may meet in a response; every other marker is a leak.
ALLOWED_MARKERS: dict[str, frozenset[str]] = {
    "anonymous": frozenset(),
    "participant": frozenset({"PUBLICMARK", "OWNSPOTMARK", WALK_NAME["shared"]}),
    "officer": frozenset(
        {
            "POLICEMARK",
            "SHAREDMARK",
            "PUBLICMARK",
            "OWNSPOTMARK",
            WALK_NAME["police"],
            WALK_NAME["shared"],
        }
    ),
    "staff": frozenset(
        {
            "MUNICIPALITYMARK",
            "SHAREDMARK",
            "PUBLICMARK",
            "OWNSPOTMARK",
            WALK_NAME["municipality"],
            WALK_NAME["shared"],
        }
    ),
    "coordinator": frozenset(MARKERS),
    "admin": frozenset(),
}
# Which groups of record ids a role may meet: a visibility, or "walk" for the spots of the
# participants' walk (a participant sees the spots of their walk, without others' notes).
READABLE_IDS: dict[str, frozenset[str]] = {
    "anonymous": frozenset(),
    "participant": frozenset({"walk"}),
    "officer": frozenset({"police", "shared", "walk"}),
    "staff": frozenset({"municipality", "shared", "walk"}),
    "coordinator": frozenset({*VISIBILITIES, "walk"}),
    "admin": frozenset(),
}


def jpeg_bytes(color: tuple[int, int, int] = (200, 60, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (32, 24), color).save(buffer, "JPEG")
    return buffer.getvalue()


@dataclass
class World:
    """Named targets (URL values for a route's parameters) and the ids that must not leak."""

    targets: dict[str, dict[str, Any]] = field(default_factory=dict)
    # visibility -> UUIDs of records of that visibility (observations, photos, activities...)
    uuids: dict[str, set[str]] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    participant_session: dict[str, Any] = field(default_factory=dict)
    # target -> the marker its code (a walk's join code, a survey's link) discloses to anyone
    disclosed_by_code: dict[str, str] = field(default_factory=dict)

    def forbidden_strings(self, role: str, endpoint: str = "", target: str = "") -> set[str]:
        strings = set(MARKERS) - ALLOWED_MARKERS[role]
        if endpoint in CODE_PAGES:
            strings.discard(self.disclosed_by_code.get(target, ""))
        if endpoint in OPEN_SURVEY_PAGES:
            strings.discard(SURVEY)
        for visibility, ids in self.uuids.items():
            if visibility not in READABLE_IDS[role]:
                strings |= ids
        return strings


def _user(users: dict[str, User], role: str) -> User:
    return users[role]


def build_world(app: Flask, users: dict[str, User]) -> World:
    """Seed the records; `users` maps officer/staff/coordinator/admin to detached users."""
    world = World(users=users, uuids={v: set() for v in (*VISIBILITIES, "walk")})
    now = datetime.now(UTC).replace(microsecond=0)
    author = {
        "police": users["officer"],
        "municipality": users["staff"],
        "shared": users["officer"],
    }
    coordinator = users["coordinator"]
    with app.app_context():
        patrol_type = _type("fotpatrull")
        meeting_type = _type("samverkan-skola-soc")
        promise = db.session.execute(db.select(Promise).order_by(Promise.id)).scalars().first()
        assert promise is not None, "reference data holds the promises"
        world.targets["promise"] = {"promise_id": promise.id}
        world.targets["type"] = {"type_id": patrol_type.id}
        world.targets["code:andt"] = {"code": "andt"}
        world.targets["code:meeting"] = {"code": "samverkan-skola-soc"}
        world.targets["user:officer"] = {"user_id": users["officer"].id, "kind": "json"}
        world.targets["user:officer:zip"] = {"user_id": users["officer"].id, "kind": "zip"}
        world.targets["static"] = {"filename": "css/app.css"}
        world.targets["dataset:observations.csv"] = {"name": "observations", "extension": "csv"}
        world.targets["dataset:activities.geojson"] = {"name": "activities", "extension": "geojson"}
        world.targets["vendor"] = {"package": "leaflet", "filename": "leaflet.js"}
        world.targets["open311:json"] = {"fmt": "json"}
        world.targets["open311:xml"] = {"fmt": "xml"}
        from webapp.interop.open311.keys import create_key

        world.targets["open311_key"] = {"key_id": create_key("matrix", actor_label="test")[0].id}
        from webapp.reports.pdf_jobs import submit_pdf_job
        from webapp.reports.period import Period

        # The coordinator's council PDF of a year, waiting for the worker (nothing runs it).
        year = Period(date(2025, 1, 1), date(2025, 12, 31))
        world.targets["pdf_job"] = {"token": submit_pdf_job(year, [], coordinator, "sv")}

        # The walk the participants of this world are on follows up an earlier shared walk, so
        # its residents may check that walk's shared measures.
        original = _walk(
            f"{WALK_NAME['shared']} Vandring våren",
            "shared",
            coordinator,
            now - timedelta(days=200),
        )
        original.status = "closed"
        original.join_code = None
        db.session.flush()
        checkable = Measure(
            title="PUBLICMARK Ny belysning i gångtunneln",
            description="PUBLICMARK Kommunen byter armaturer.",
            internal_note="SHAREDMARK intern anteckning",
            visibility="shared",
            walk_id=original.id,
            created_by_id=coordinator.id,
            lat=59.8366,
            lon=13.144,
        )
        db.session.add(checkable)
        # A measure the public pages show (shared and in progress), for Open311.
        public = Measure(
            title="Röjning av sly vid gångvägen",
            visibility="shared",
            status="in_progress",
            created_by_id=coordinator.id,
        )
        db.session.add(public)
        db.session.flush()
        world.targets["open311:measure:public"] = {"fmt": "xml", "request_id": f"m-{public.id}"}

        walks: dict[str, SafetyWalk] = {}
        for visibility in VISIBILITIES:
            walk = _walk(
                f"{WALK_NAME[visibility]} Trygghetsvandring",
                visibility,
                coordinator,
                now + timedelta(hours=1),
            )
            walk.notes = f"{MARK[visibility]} intern anteckning om vandringen"
            if visibility == "shared":
                walk.follow_up_of_id = original.id
            walks[visibility] = walk
        db.session.flush()

        participant = _participant(walks["shared"])
        stranger = _participant(walks["shared"])
        for visibility, walk in walks.items():
            owner = participant if visibility == "shared" else _participant(walk)
            note = "OWNSPOTMARK min lampa" if visibility == "shared" else f"{MARK[visibility]} spot"
            own_spot = _spot(walk, owner, note, now)
            _spot(
                walk,
                stranger if visibility == "shared" else owner,
                f"{MARK[visibility]} annans",
                now,
            )
            photo = _spot_photo(own_spot)
            measure = Measure(
                title=f"{MARK[visibility]} Åtgärd efter vandringen",
                internal_note=f"{MARK[visibility]} intern",
                visibility=visibility,
                walk_id=walk.id,
                created_by_id=coordinator.id,
            )
            db.session.add(measure)
            db.session.flush()
            world.targets[f"walk:{visibility}"] = {
                "walk_id": walk.id,
                "stop_id": walk.stops[0].id,
                "spot_id": own_spot.id,
                "photo_id": photo.id,
                "measure_id": checkable.id if visibility == "shared" else measure.id,
                "action": "renew",
                "code": walk.join_code,
            }
            world.disclosed_by_code[f"walk:{visibility}"] = WALK_NAME[visibility]
            world.uuids["walk" if visibility == "shared" else visibility] |= {own_spot.id, photo.id}

        for visibility in VISIBILITIES:
            user = author[visibility]
            mark = MARK[visibility]
            patrol = Activity(
                id=str(uuid.uuid4()),
                activity_type_id=patrol_type.id,
                started_at=now - timedelta(hours=1),
                note=f"{mark} patrullanteckning",
                place=f"{mark} plats",
                visibility=visibility,
                author_id=user.id,
                route={"type": "LineString", "coordinates": [[13.144, 59.8366], [13.145, 59.837]]},
                details={"participants_count": 2, "organisations": ["police"]},
                content_hash="seed",
            )
            meeting = Activity(
                id=str(uuid.uuid4()),
                activity_type_id=meeting_type.id,
                started_at=now - timedelta(days=1),
                ended_at=now - timedelta(days=1) + timedelta(hours=1),
                note=f"{mark} mötesanteckning",
                visibility=visibility,
                author_id=(users["staff"] if visibility == "shared" else user).id,
                details={"organisations": ["skola", "polis"], "cases_discussed": 3, "themes": []},
                content_hash="seed",
            )
            meeting.follow_ups.append(
                FollowUp(
                    what=f"{mark} uppföljning",
                    owner="skola",
                    due_on=local_today() + timedelta(days=7),
                )
            )
            db.session.add_all([patrol, meeting])
            measure = Measure(
                title=f"{mark} åtgärd",
                description=f"{mark} beskrivning",
                internal_note=f"{mark} intern",
                visibility=visibility,
                created_by_id=coordinator.id,
                lat=59.8367,
                lon=13.1441,
            )
            measure.change_status("proposed", by=coordinator.id, comment=f"{mark} skapad")
            db.session.add(measure)
            db.session.flush()
            observation = Observation(
                id=str(uuid.uuid4()),
                lat=59.8366,
                lon=13.144,
                accuracy_m=8,
                observed_at=now - timedelta(hours=2),
                category_code="belysning",
                note=f"{mark} iakttagelse",
                visibility=visibility,
                author_id=user.id,
                content_hash="seed",
            )
            db.session.add(observation)
            db.session.flush()
            photo = _photo(observation)
            world.targets[f"observation:{visibility}"] = {
                "observation_id": observation.id,
                "photo_id": photo.id,
            }
            world.targets[f"patrol:{visibility}"] = {"activity_id": patrol.id}
            world.targets[f"meeting:{visibility}"] = {
                "activity_id": meeting.id,
                "follow_up_id": meeting.follow_ups[0].id,
            }
            world.targets[f"measure:{visibility}"] = {"measure_id": measure.id}
            # Open311 never shows a measure that is not decided and shared, to anyone.
            world.targets[f"open311:measure:{visibility}"] = {
                "fmt": "json",
                "request_id": f"m-{measure.id}",
            }
            world.uuids[visibility] |= {observation.id, photo.id, patrol.id, meeting.id}

        # A shared observation made on a police patrol, during a police walk, marked as a
        # duplicate of a police record: municipal readers must not learn of the police side.
        shared = db.session.get(Observation, world.targets["observation:shared"]["observation_id"])
        shared.activity_id = world.targets["patrol:police"]["activity_id"]
        shared.walk_id = walks["police"].id
        shared.duplicate_of_id = world.targets["observation:police"]["observation_id"]
        municipal = db.session.get(
            Observation, world.targets["observation:municipality"]["observation_id"]
        )
        municipal.activity_id = world.targets["meeting:municipality"]["activity_id"]
        _citizen(world, coordinator, now)
        _webhook(world)
        db.session.commit()

        world.participant_session = {
            "walk_id": walks["shared"].id,
            "participant_id": participant.id,
            "expires": int((now + timedelta(days=2)).timestamp()),
        }
    return world


def client_for(app: Flask, world: World, role: str) -> FlaskClient:
    client = app.test_client()
    if role == "participant":
        with client.session_transaction() as session:
            session[SESSION_KEY] = dict(world.participant_session)
    elif role != "anonymous":
        login(client, world.users[role])
    return client


def _type(code: str) -> ActivityType:
    return db.session.execute(db.select(ActivityType).filter_by(code=code)).scalar_one()


def _walk(name: str, visibility: str, creator: User, starts_at: datetime) -> SafetyWalk:
    from webapp.walks.service import _unique_code

    walk = SafetyWalk(
        name=name,
        starts_at=starts_at,
        visibility=visibility,
        created_by_id=creator.id,
        join_code=_unique_code(),
        headcount={},
        meeting_point="Stortorget",
        lat=59.8366,
        lon=13.144,
        route={"type": "LineString", "coordinates": [[13.144, 59.8366], [13.146, 59.835]]},
    )
    walk.stops.append(WalkStop(name="PUBLICMARK Stortorget", lat=59.8366, lon=13.144, position=1))
    db.session.add(walk)
    return walk


def _participant(walk: SafetyWalk) -> WalkParticipant:
    participant = WalkParticipant(
        id=str(uuid.uuid4()), walk_id=walk.id, join_code=walk.join_code or "", group="residents"
    )
    db.session.add(participant)
    db.session.flush()
    return participant


def _spot(walk: SafetyWalk, participant: WalkParticipant, note: str, now: datetime) -> WalkSpot:
    spot = WalkSpot(
        id=str(uuid.uuid4()),
        walk_id=walk.id,
        participant_id=participant.id,
        lat=59.8366,
        lon=13.144,
        observed_at=now,
        category_code="belysning",
        note=note,
        content_hash="seed",
    )
    db.session.add(spot)
    db.session.flush()
    return spot


def _spot_photo(spot: WalkSpot) -> WalkSpotPhoto:
    data = jpeg_bytes()
    photo = WalkSpotPhoto(
        id=str(uuid.uuid4()),
        spot_id=spot.id,
        storage_name=new_storage_name(),
        width=32,
        height=24,
        size_bytes=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        upload_sha256="seed",
    )
    store().put(photo.storage_name, data)
    db.session.add(photo)
    db.session.flush()
    return photo


def _photo(observation: Observation) -> Photo:
    data = jpeg_bytes((20, 90, 200))
    photo = Photo(
        id=str(uuid.uuid4()),
        observation_id=observation.id,
        storage_name=new_storage_name(),
        width=32,
        height=24,
        size_bytes=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        upload_sha256="seed",
        author_id=observation.author_id,
    )
    store().put(photo.storage_name, data)
    db.session.add(photo)
    db.session.flush()
    return photo


def _citizen(world: World, coordinator: User, now: datetime) -> None:
    """A resident's report waiting for moderation, and an open survey with one question."""
    from webapp.citizen.models import PublicReport, Survey, SurveyQuestion

    report = PublicReport(
        id=str(uuid.uuid4()),
        lat=59.8366,
        lon=13.144,
        feeling="unsafe",
        category_code="belysning",
        text="MODMARK mörkt vid bron",
        contact="CONTACTMARK 070-000 00 00",
        content_hash="seed",
    )
    survey = Survey(
        title=f"{SURVEY} Trygghetsenkät",
        code="SEKRETKOD" + uuid.uuid4().hex[:6].upper(),
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=30),
        created_by_id=coordinator.id,
    )
    survey.questions.append(
        SurveyQuestion(position=0, kind="text", text=f"{SURVEY} Hur trygg känner du dig?")
    )
    db.session.add_all([report, survey])
    db.session.flush()
    world.targets["report"] = {"report_id": report.id}
    world.disclosed_by_code["survey"] = SURVEY
    world.targets["survey"] = {
        "survey_id": survey.id,
        "question_id": survey.questions[0].id,
        "code": survey.code,
    }


def _webhook(world: World) -> None:
    """A receiver (on a loopback port nothing listens on) with one delivery (issue 20)."""
    from webapp.core.outbox.models import OutboxEvent
    from webapp.interop.webhooks.models import WebhookDelivery, WebhookEndpoint

    endpoint = WebhookEndpoint(
        url="http://127.0.0.1:9/hook",
        events=["measure.created"],
        visibilities=["shared"],
        secret="whsec_" + "A" * 44,
    )
    event = OutboxEvent(
        type="measure.created", target_type="measures", target_id="1", visibility="shared",
        payload='{"type":"measure.created"}',
    )  # fmt: skip
    db.session.add_all([endpoint, event])
    db.session.flush()
    delivery = WebhookDelivery(event_id=event.id, endpoint_id=endpoint.id, status="failed")
    db.session.add(delivery)
    db.session.flush()
    world.targets["webhook"] = {"endpoint_id": endpoint.id}
    world.targets["webhook_delivery"] = {"delivery_id": delivery.id}
