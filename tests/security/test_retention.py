"""Retention: records of known ages against the configured days, with and without --dry-run."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask

from tests.security.world import jpeg_bytes
from webapp.audit.models import AuditEntry
from webapp.extensions import db
from webapp.observations.models import Observation, Photo
from webapp.observations.photostore import new_storage_name, photo_path, write_photo
from webapp.promises.models import Activity, ActivityRevision, ActivityType
from webapp.walks.models import (
    SafetyWalk,
    WalkParticipant,
    WalkRating,
    WalkSpot,
    WalkSpotPhoto,
    WalkStop,
)

POLICY = {
    "observation_note": 365,
    "activity_note": 365,
    "walk_note": 365,
    "observations": 730,
    "photos": 365,
    "walk_photos": 365,
    "audit": 1825,
}


@dataclass
class Aged:
    """Ids of the records made at each age, by kind."""

    observations: dict[int, str]
    photos: dict[int, tuple[str, str]]  # age -> (photo id, storage name)
    activities: dict[int, str]
    spots: dict[int, str]
    ratings: dict[int, str]
    walk_photos: dict[int, tuple[str, str]]
    audit: dict[int, int]


AGES = (2000, 800, 400, 100)


def ago(days: int) -> datetime:
    return datetime.now(UTC) - timedelta(days=days)


@pytest.fixture
def aged(app: Flask, officer, coordinator) -> Aged:  # type: ignore[no-untyped-def]
    app.config["RETENTION"] = dict(POLICY)
    result = Aged({}, {}, {}, {}, {}, {}, {})
    with app.app_context():
        patrol_type = db.session.execute(
            db.select(ActivityType).filter_by(code="fotpatrull")
        ).scalar_one()
        walk = SafetyWalk(
            name="Vandring", starts_at=ago(900), created_by_id=coordinator.id, headcount={}
        )
        walk.stops.append(WalkStop(name="Torget", lat=59.8366, lon=13.144, position=1))
        db.session.add(walk)
        db.session.flush()
        participant = WalkParticipant(id=str(uuid.uuid4()), walk_id=walk.id, join_code="X")
        db.session.add(participant)
        for age in AGES:
            observation = Observation(
                id=str(uuid.uuid4()), lat=59.8366, lon=13.144, observed_at=ago(age),
                category_code="belysning", note=f"anteckning {age}", visibility="police",
                author_id=officer.id, content_hash="x", created_at=ago(age),
            )  # fmt: skip
            db.session.add(observation)
            db.session.flush()
            photo = Photo(
                id=str(uuid.uuid4()), observation_id=observation.id,
                storage_name=new_storage_name(), width=32, height=24, size_bytes=1, sha256="x",
                upload_sha256="x", author_id=officer.id, created_at=ago(age),
            )  # fmt: skip
            write_photo(photo.storage_name, jpeg_bytes())
            activity = Activity(
                id=str(uuid.uuid4()), activity_type_id=patrol_type.id, started_at=ago(age),
                ended_at=ago(age) + timedelta(hours=1), note=f"patrull {age}",
                visibility="police", author_id=officer.id, created_at=ago(age),
            )  # fmt: skip
            activity.revisions.append(
                ActivityRevision(user_id=officer.id, changed=["note"], previous={"note": "förr"})
            )
            spot = WalkSpot(
                id=str(uuid.uuid4()), walk_id=walk.id, participant_id=participant.id,
                lat=59.8366, lon=13.144, observed_at=ago(age), category_code="belysning",
                note=f"plats {age}", content_hash="x", created_at=ago(age),
            )  # fmt: skip
            rating = WalkRating(
                id=str(uuid.uuid4()), walk_id=walk.id, stop_id=walk.stops[0].id,
                participant_id=participant.id, feeling=1, note=f"betyg {age}",
                rated_at=ago(age), content_hash="x", created_at=ago(age),
            )  # fmt: skip
            db.session.add_all([photo, activity, spot, rating])
            db.session.flush()
            walk_photo = WalkSpotPhoto(
                id=str(uuid.uuid4()), spot_id=spot.id, storage_name=new_storage_name(),
                width=32, height=24, size_bytes=1, sha256="x", upload_sha256="x",
                created_at=ago(age),
            )  # fmt: skip
            write_photo(walk_photo.storage_name, jpeg_bytes())
            entry = AuditEntry(action="test.old", at=ago(age), detail={})
            db.session.add_all([walk_photo, entry])
            db.session.flush()
            result.observations[age] = observation.id
            result.photos[age] = (photo.id, photo.storage_name)
            result.activities[age] = activity.id
            result.spots[age] = spot.id
            result.ratings[age] = rating.id
            result.walk_photos[age] = (walk_photo.id, walk_photo.storage_name)
            result.audit[age] = entry.id
        db.session.commit()
    return result


def run(app: Flask, *args: str):  # type: ignore[no-untyped-def]
    return app.test_cli_runner().invoke(args=["retention", *args])


def snapshot(app: Flask) -> dict[str, object]:
    with app.app_context():
        return {
            "observations": sorted(
                (o.id, o.note) for o in db.session.execute(db.select(Observation)).scalars()
            ),
            "photos": sorted(p.id for p in db.session.execute(db.select(Photo)).scalars()),
            "activities": sorted(
                (a.id, a.note) for a in db.session.execute(db.select(Activity)).scalars()
            ),
            "spots": sorted(
                (s.id, s.note) for s in db.session.execute(db.select(WalkSpot)).scalars()
            ),
            "audit": db.session.execute(
                db.select(db.func.count()).select_from(AuditEntry)
            ).scalar(),
            "files": sorted(p.name for p in Path(app.config["PHOTO_DIR"]).iterdir()),
        }


def test_dry_run_reports_what_would_go_and_changes_nothing(app, aged):
    before = snapshot(app)

    result = run(app, "--dry-run")

    assert result.exit_code == 0, result.output
    assert "dry run: nothing changed" in result.output
    assert "observations      older than 730 days" in result.output
    assert "would delete 2 observations, with their photos, 2 file(s)" in result.output
    assert "would delete 1 observation photos, 1 file(s)" in result.output  # the 400-day one
    assert "would blank 1 observation notes" in result.output  # 800+ are deleted first
    assert "would delete 1 audit entries" in result.output
    assert snapshot(app) == before


def test_retention_deletes_and_blanks_by_age_and_removes_the_files(app, aged):
    result = run(app)
    assert result.exit_code == 0, result.output

    with app.app_context():
        observations = {o.id: o.note for o in db.session.execute(db.select(Observation)).scalars()}
        assert set(observations) == {aged.observations[400], aged.observations[100]}
        assert observations[aged.observations[400]] == ""
        assert observations[aged.observations[100]] == "anteckning 100"
        photos = set(db.session.execute(db.select(Photo.id)).scalars())
        assert photos == {aged.photos[100][0]}
        activities = {a.id: a for a in db.session.execute(db.select(Activity)).scalars()}
        assert activities[aged.activities[800]].note == ""
        assert activities[aged.activities[800]].revisions[0].previous == {"note": ""}
        assert activities[aged.activities[100]].note == "patrull 100"
        assert activities[aged.activities[100]].revisions[0].previous == {"note": "förr"}
        spots = {s.id: s.note for s in db.session.execute(db.select(WalkSpot)).scalars()}
        assert spots[aged.spots[400]] == "" and spots[aged.spots[100]] == "plats 100"
        ratings = {r.id: r.note for r in db.session.execute(db.select(WalkRating)).scalars()}
        assert ratings[aged.ratings[2000]] == "" and ratings[aged.ratings[100]] == "betyg 100"
        walk_photos = set(db.session.execute(db.select(WalkSpotPhoto.id)).scalars())
        assert walk_photos == {aged.walk_photos[100][0]}
        audit_ids = set(db.session.execute(db.select(AuditEntry.id)).scalars())
        assert aged.audit[2000] not in audit_ids and aged.audit[800] in audit_ids
        files = {p.name for p in Path(app.config["PHOTO_DIR"]).iterdir()}
        assert files == {aged.photos[100][1], aged.walk_photos[100][1]}
        for age in (2000, 800, 400):
            assert not photo_path(aged.photos[age][1]).exists()


def test_retention_logs_counts_and_ids_in_the_audit_trail_without_content(app, aged):
    run(app)

    with app.app_context():
        entry = db.session.execute(
            db.select(AuditEntry).filter_by(action="retention.apply")
        ).scalar_one()
        removed = entry.detail["removed"]
    assert removed["observations"]["count"] == 2
    assert set(removed["observations"]["ids"]) == {aged.observations[2000], aged.observations[800]}
    assert removed["observations"]["files"] == 2
    assert removed["walk_note"]["count"] == 6  # 3 old spots and 3 old ratings
    assert removed["audit"] == {
        "action": "deleted", "days": 1825, "before": removed["audit"]["before"], "count": 1,
        "ids": [str(aged.audit[2000])], "files": 0,
    }  # fmt: skip
    assert "anteckning" not in str(entry.detail) and "patrull" not in str(entry.detail)


def test_a_second_run_finds_nothing_more(app, aged):
    run(app)
    result = run(app)
    assert "0 record(s) affected." in result.output


def test_record_types_without_a_limit_are_kept(app, aged):
    app.config["RETENTION"] = {
        **POLICY,
        "observations": None,
        "photos": None,
        "observation_note": None,
    }
    result = run(app)

    assert "observations      kept (no limit set)" in result.output
    with app.app_context():
        assert db.session.execute(db.select(db.func.count()).select_from(Observation)).scalar() == 4
        assert db.session.execute(db.select(db.func.count()).select_from(Photo)).scalar() == 4


@pytest.mark.parametrize(
    "setting", [{"notes": 30}, {"photos": 0}, {"photos": -1}, {"photos": "365"}, {"photos": True}]
)
def test_a_wrong_setting_stops_the_command_before_it_removes_anything(app, aged, setting):
    app.config["RETENTION"] = {**POLICY, **setting}
    before = snapshot(app)

    result = run(app)

    assert result.exit_code != 0
    assert "RETENTION" in result.output
    assert snapshot(app) == before
