"""Retention: records of known ages against the configured days, with and without --dry-run."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask

from tests.conftest import stored_keys
from tests.security.world import jpeg_bytes
from webapp.activities.models import Activity, ActivityRevision, ActivityType, FollowUp
from webapp.citizen.models import (
    PublicReport,
    Survey,
    SurveyAnswer,
    SurveyQuestion,
    SurveyResponse,
)
from webapp.citizen.surveys.stats import survey_results
from webapp.core.audit.models import AuditEntry
from webapp.core.blobs import store
from webapp.extensions import db
from webapp.measures.models import Measure, MeasureEvent
from webapp.observations.models import Observation, Photo
from webapp.observations.photos import new_storage_name
from webapp.walks.models import (
    SafetyWalk,
    WalkParticipant,
    WalkRating,
    WalkSpot,
    WalkSpotPhoto,
    WalkStop,
)
from webapp.walks.stats import headcount

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
def aged(app: Flask, officer, coordinator, photo_backend) -> Aged:  # type: ignore[no-untyped-def]
    """Records of each age; the photos in the store of `photo_backend` (folder, database)."""
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
            store().put(photo.storage_name, jpeg_bytes())
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
            store().put(walk_photo.storage_name, jpeg_bytes())
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
    files = stored_keys(app)  # before this context's session takes SQLite's writer lock
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
            "files": files,
        }


def test_dry_run_reports_what_would_go_and_changes_nothing(app, aged):
    before = snapshot(app)

    result = run(app, "--dry-run")

    assert result.exit_code == 0, result.output
    assert "dry run: nothing changed" in result.output
    assert "observations       older than 730 days" in result.output
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
    assert set(stored_keys(app)) == {aged.photos[100][1], aged.walk_photos[100][1]}
    with app.app_context():
        for age in (2000, 800, 400):
            assert not store().exists(aged.photos[age][1])
            assert not store().exists(aged.walk_photos[age][1])


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

    assert "observations       kept (no limit set)" in result.output
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


# --- citizen reports, surveys, walks' own notes and participants, measures, follow-ups ----------

CIVIC_POLICY = {
    "activity_note": 365,
    "walk_internal_note": 365,
    "walk_participants": 365,
    "measure_comment": 730,
    "citizen_contact": 90,
    "citizen_text": 365,
    "survey_answers": 365,
}
# Two survey respondents and a third who skipped the map: (scale, options chosen, marked place).
SHEETS = {
    "00000000-0000-4000-8000-000000000001": (5, [0, 2], (59.83111, 13.14111)),
    "00000000-0000-4000-8000-000000000002": (1, [1], (59.84444, 13.15444)),
    "00000000-0000-4000-8000-000000000003": (3, [2], None),
}


@dataclass
class Civic:
    """Ids of the records made for the rules of citizen voice, walks, measures and follow-ups."""

    reports: dict[str, str]
    measures: dict[str, int]
    events: dict[str, int]
    walks: dict[str, int]
    participants: dict[str, str]
    follow_ups: dict[str, int]
    surveys: dict[str, int]


def _report(key: str, received: int, moderated: int | None, status: str) -> PublicReport:
    return PublicReport(
        id=str(uuid.uuid4()), lat=59.8366, lon=13.144, feeling="unsafe",
        category_code="belysning", text=f"text {key}", public_text=f"publicerad {key}",
        contact=f"070-{key}", content_hash="x", received_at=ago(received), status=status,
        moderated_at=None if moderated is None else ago(moderated),
    )  # fmt: skip


def _survey(coordinator_id: int, closed: int, sheets: dict[str, tuple]) -> Survey:  # type: ignore[type-arg]
    survey = Survey(
        title=f"Enkät {closed}", code=uuid.uuid4().hex[:16], opens_at=ago(closed + 30),
        closes_at=ago(closed), created_by_id=coordinator_id,
    )  # fmt: skip
    survey.questions = [
        SurveyQuestion(position=1, kind="scale", text="Trygg?"),
        SurveyQuestion(position=2, kind="multiple", text="Var?", options=["a", "b", "c"]),
        SurveyQuestion(position=3, kind="map_point", text="Markera"),
    ]
    db.session.add(survey)
    db.session.flush()
    scale, multiple, point = survey.questions
    for response_id, (value, options, place) in sheets.items():
        response = SurveyResponse(id=response_id, survey_id=survey.id)
        response.answers.append(SurveyAnswer(question_id=scale.id, value=value))
        for option in options:
            response.answers.append(SurveyAnswer(question_id=multiple.id, value=option))
        if place:
            response.answers.append(SurveyAnswer(question_id=point.id, lat=place[0], lon=place[1]))
        db.session.add(response)
    return survey


@pytest.fixture
def civic(app: Flask, officer, coordinator) -> Civic:  # type: ignore[no-untyped-def]
    app.config["RETENTION"] = dict(CIVIC_POLICY)
    result = Civic({}, {}, {}, {}, {}, {}, {})
    with app.app_context():
        reports = {
            "handled_long_ago": _report("handled_long_ago", 400, 200, "hidden"),
            "handled_100": _report("handled_100", 120, 100, "published"),
            "handled_30": _report("handled_30", 60, 30, "published"),
            "pending_100": _report("pending_100", 100, None, "pending"),
            "pending_10": _report("pending_10", 10, None, "pending"),
        }
        db.session.add_all(reports.values())
        measures = {
            "done_old": Measure(
                title="Klar", internal_note="intern klar", status="done",
                created_by_id=coordinator.id, created_at=ago(900), updated_at=ago(800),
            ),
            "open_old": Measure(
                title="Pågår", internal_note="intern pågår", status="in_progress",
                created_by_id=coordinator.id, created_at=ago(900), updated_at=ago(800),
            ),
        }  # fmt: skip
        db.session.add_all(measures.values())
        db.session.flush()
        events = {
            "old": MeasureEvent(
                measure_id=measures["done_old"].id, at=ago(800), user_id=coordinator.id,
                to_status="done", comment="gammal kommentar",
            ),
            "young": MeasureEvent(
                measure_id=measures["open_old"].id, at=ago(100), user_id=coordinator.id,
                to_status="in_progress", comment="ny kommentar",
            ),
        }  # fmt: skip
        walks = {
            age: SafetyWalk(
                name=f"Vandring {age}", starts_at=ago(int(age)), notes=f"intern {age}",
                created_by_id=coordinator.id, headcount={}, updated_at=ago(int(age)),
            )
            for age in ("400", "10")
        }  # fmt: skip
        db.session.add_all([*events.values(), *walks.values()])
        db.session.flush()
        people = {
            "old_a": (walks["400"], ("business", "woman", "65_plus")),
            "old_b": (walks["400"], ("residents", "man", "18_29")),
            "old_c": (walks["400"], ("youth", None, "under_18")),
            "young": (walks["10"], ("business", "woman", "65_plus")),
        }
        for key, (walk, (group, gender, age_band)) in people.items():
            participant = WalkParticipant(
                id=str(uuid.uuid4()), walk_id=walk.id, join_code="KOD" + key[:3], group=group,
                gender=gender, age_band=age_band, joined_at=walk.starts_at,
                # An officer who joined from the walk's page is linked to the account.
                user_id=officer.id if key in ("old_a", "young") else None,
            )  # fmt: skip
            db.session.add(participant)
            result.participants[key] = participant.id
        meeting_type = db.session.execute(
            db.select(ActivityType).filter_by(code="fotpatrull")
        ).scalar_one()
        activity = Activity(
            id=str(uuid.uuid4()), activity_type_id=meeting_type.id, started_at=ago(400),
            note="möte", visibility="shared", author_id=officer.id, created_at=ago(400),
        )  # fmt: skip
        follow_ups = {
            "done": FollowUp(
                what="klart", owner="school", due_on=ago(390).date(), done_on=ago(380).date()
            ),
            "open": FollowUp(what="öppet", owner="school", due_on=ago(390).date()),
        }
        activity.follow_ups.extend(follow_ups.values())
        db.session.add(activity)
        surveys = {
            "closed_400": _survey(coordinator.id, 400, SHEETS),
            "closed_10": _survey(
                coordinator.id, 10, {str(uuid.uuid4()): (4, [1], (59.83333, 13.14333))}
            ),
        }
        db.session.commit()
        result.reports = {key: report.id for key, report in reports.items()}
        result.measures = {key: measure.id for key, measure in measures.items()}
        result.events = {key: event.id for key, event in events.items()}
        result.walks = {key: walk.id for key, walk in walks.items()}
        result.follow_ups = {key: follow_up.id for key, follow_up in follow_ups.items()}
        result.surveys = {key: survey.id for key, survey in surveys.items()}
    return result


def civic_snapshot(app: Flask) -> dict[str, object]:
    def rows(model, *columns):  # type: ignore[no-untyped-def]
        return sorted(tuple(row) for row in db.session.execute(db.select(*columns)).all())

    with app.app_context():
        return {
            "reports": rows(
                PublicReport, PublicReport.id, PublicReport.text, PublicReport.public_text,
                PublicReport.contact,
            ),
            "measures": rows(Measure, Measure.id, Measure.internal_note, Measure.updated_at),
            "events": rows(MeasureEvent, MeasureEvent.id, MeasureEvent.comment),
            "walks": rows(SafetyWalk, SafetyWalk.id, SafetyWalk.notes, SafetyWalk.updated_at),
            "participants": rows(
                WalkParticipant, WalkParticipant.id, WalkParticipant.join_code,
                WalkParticipant.group, WalkParticipant.gender, WalkParticipant.age_band,
            ),
            "follow_ups": rows(FollowUp, FollowUp.id, FollowUp.what),
            "answers": rows(
                SurveyAnswer, SurveyAnswer.id, SurveyAnswer.response_id, SurveyAnswer.value,
                SurveyAnswer.lat, SurveyAnswer.lon,
            ),
        }  # fmt: skip


def results_of(app: Flask, survey_id: int) -> tuple[int, list[tuple]]:  # type: ignore[type-arg]
    with app.app_context():
        results = survey_results(db.session.get(Survey, survey_id), compare=False)
        return results.responses, [
            (q.question.kind, q.answered, q.counts, q.average, sorted(q.points))
            for q in results.questions
        ]


def sheets_of(app: Flask, survey_id: int) -> dict[str, list[tuple]]:  # type: ignore[type-arg]
    """Each response's answers, as (question position, value, lat, lon)."""
    with app.app_context():
        rows = db.session.execute(
            db.select(SurveyAnswer, SurveyQuestion.position)
            .join(SurveyQuestion, SurveyQuestion.id == SurveyAnswer.question_id)
            .where(SurveyQuestion.survey_id == survey_id)
        ).all()
    sheets: dict[str, list[tuple]] = {}  # type: ignore[type-arg]
    for answer, position in rows:
        sheets.setdefault(answer.response_id, []).append(
            (position, answer.value, answer.lat, answer.lon)
        )
    return {key: sorted(value, key=str) for key, value in sheets.items()}


def test_dry_run_reports_the_civic_record_types_and_changes_nothing(app, civic):
    before = civic_snapshot(app)

    result = run(app, "--dry-run")

    assert result.exit_code == 0, result.output
    assert "would blank 3 contact details in citizen reports" in result.output
    assert "would blank 1 texts of citizen reports" in result.output
    assert "would anonymise 1 surveys (answers unlinked, places rounded)" in result.output
    assert "would anonymise 3 walk participants" in result.output
    assert "would blank 1 internal notes of safety walks" in result.output
    assert "would blank 2 measure comments and internal notes" in result.output
    assert civic_snapshot(app) == before


def test_citizen_contact_goes_soon_after_handling_and_the_text_after_its_period(app, civic):
    assert run(app).exit_code == 0

    with app.app_context():
        reports = {r.id: r for r in db.session.execute(db.select(PublicReport)).scalars()}
    contact = {key: reports[rid].contact for key, rid in civic.reports.items()}
    assert contact == {
        "handled_long_ago": "",
        "handled_100": "",
        "handled_30": "070-handled_30",  # handled 30 days ago: still needed
        "pending_100": "",  # nobody handled it in 100 days: it goes anyway
        "pending_10": "070-pending_10",
    }
    old = reports[civic.reports["handled_long_ago"]]
    assert (old.text, old.public_text) == ("", "")
    assert (old.status, old.category_code, old.feeling) == ("hidden", "belysning", "unsafe")
    young = reports[civic.reports["handled_100"]]
    assert (young.text, young.public_text) == ("text handled_100", "publicerad handled_100")
    assert len(reports) == 5  # rows stay for the statistics


def test_measure_comments_and_finished_measures_internal_notes_are_blanked(app, civic):
    assert run(app).exit_code == 0

    with app.app_context():
        events = {e.id: e.comment for e in db.session.execute(db.select(MeasureEvent)).scalars()}
        done = db.session.get(Measure, civic.measures["done_old"])
        still_open = db.session.get(Measure, civic.measures["open_old"])
        assert events == {civic.events["old"]: "", civic.events["young"]: "ny kommentar"}
        assert done.internal_note == "" and done.status == "done"
        assert done.updated_at < ago(799)  # removing text by age is not an edit
        assert still_open.internal_note == "intern pågår"


def test_walk_notes_go_and_participants_are_unlinked_with_the_same_headcount(app, civic):
    with app.app_context():
        walk = db.session.get(SafetyWalk, civic.walks["400"])
        counts_before = headcount(walk).by

    assert run(app).exit_code == 0

    with app.app_context():
        old_walk = db.session.get(SafetyWalk, civic.walks["400"])
        assert old_walk.notes == "" and old_walk.updated_at < ago(399)
        assert db.session.get(SafetyWalk, civic.walks["10"]).notes == "intern 10"
        assert headcount(old_walk).by == counts_before
        participants = {p.id: p for p in db.session.execute(db.select(WalkParticipant)).scalars()}
    old = [participants[civic.participants[key]] for key in ("old_a", "old_b", "old_c")]
    assert {p.join_code for p in old} == {""}
    assert {p.user_id for p in old} == {None}
    # Each dimension dealt out in sorted order over the participants sorted by id.
    old.sort(key=lambda p: p.id)
    assert [p.group for p in old] == ["business", "residents", "youth"]
    assert [p.gender for p in old] == ["man", "woman", None]
    assert [p.age_band for p in old] == ["18_29", "65_plus", "under_18"]
    young = participants[civic.participants["young"]]
    assert (young.join_code, young.group, young.gender) == ("KODyou", "business", "woman")
    assert young.user_id is not None


def test_survey_answers_keep_every_figure_but_not_who_answered_what(app, civic):
    survey = civic.surveys["closed_400"]
    responses, questions = results_of(app, survey)
    young_before = sheets_of(app, civic.surveys["closed_10"])

    assert run(app).exit_code == 0

    after_responses, after_questions = results_of(app, survey)
    assert after_responses == responses == 3
    for before, after in zip(questions, after_questions, strict=True):
        assert before[:4] == after[:4]  # kind, respondents, counts, average
    assert after_questions[2][4] == [(59.831, 13.141), (59.844, 13.154)]  # places rounded
    sheets = sheets_of(app, survey)
    first, second, third = sorted(SHEETS)
    # Sorted answers dealt to sorted responses: the scale-5 respondent's sheet no longer exists.
    assert sheets[first] == [
        (1, 1, None, None), (2, 0, None, None), (2, 2, None, None), (3, None, 59.831, 13.141),
    ]  # fmt: skip
    assert sheets[second] == [(1, 3, None, None), (2, 1, None, None), (3, None, 59.844, 13.154)]
    assert sheets[third] == [(1, 5, None, None), (2, 2, None, None)]
    assert sheets_of(app, civic.surveys["closed_10"]) == young_before


def test_done_follow_ups_of_old_activities_lose_their_text(app, civic):
    assert run(app).exit_code == 0

    with app.app_context():
        texts = {f.id: f.what for f in db.session.execute(db.select(FollowUp)).scalars()}
    assert texts == {civic.follow_ups["done"]: "", civic.follow_ups["open"]: "öppet"}


def test_civic_rules_are_audited_and_a_second_run_changes_nothing(app, civic):
    run(app)
    after_first = civic_snapshot(app)

    result = run(app)

    assert "0 record(s) affected." in result.output
    assert civic_snapshot(app) == after_first
    with app.app_context():
        # The first run's entry: without an order PostgreSQL may return the second run's.
        entry = (
            db.session.execute(
                db.select(AuditEntry).filter_by(action="retention.apply").order_by(AuditEntry.id)
            )
            .scalars()
            .first()
        )
    removed = entry.detail["removed"]
    assert removed["survey_answers"]["ids"] == [str(civic.surveys["closed_400"])]
    assert removed["citizen_contact"]["count"] == 3
    assert removed["walk_participants"]["action"] == "anonymised"
    for content in ("070-handled", "text handled", "intern 400", "intern klar", "gammal"):
        assert content not in str(entry.detail)
