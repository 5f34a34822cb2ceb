"""flask seed-demo: a Sunne demo with users of every role, patrols, a walk, observations,
residents' reports and two safety surveys."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from tests.auth.helpers import login_form
from tests.conftest import make_user
from webapp.activities.models import Activity, ActivityType
from webapp.activities.patrols.route import route_length_m, validate_route
from webapp.auth.models import User
from webapp.citizen.models import PublicReport, Survey, SurveyResponse
from webapp.core.access import Role
from webapp.core.audit.models import AuditEntry
from webapp.core.privacy import contains_personal_identity_number
from webapp.extensions import db
from webapp.observations.models import Observation
from webapp.ops.demo.data import DEMO_PASSWORD, DEMO_USERS, DEMO_WALK_NAME
from webapp.ops.demo.quarter import QUARTER_WALK_NAME
from webapp.walks.models import SafetyWalk

COUNTED = (User, Observation, Activity, SafetyWalk, PublicReport, Survey, SurveyResponse)


def _seed(app):  # type: ignore[no-untyped-def]
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    return result


def _counts(app) -> dict[str, int]:  # type: ignore[no-untyped-def]
    with app.app_context():
        return {
            model.__name__: db.session.execute(
                db.select(db.func.count()).select_from(model)
            ).scalar()
            for model in COUNTED
        }


def test_seed_demo_prints_the_demo_logins(app):
    output = _seed(app).output

    assert DEMO_PASSWORD in output
    for username, role, _organisation, _name in DEMO_USERS:
        assert username in output
        assert str(role) in output


def test_seed_demo_creates_a_user_of_every_role_who_can_log_in(app):
    _seed(app)

    with app.app_context():
        roles = set(db.session.execute(db.select(User.role)).scalars())
    assert roles == {str(role) for role in Role}
    for username, *_ in DEMO_USERS:
        assert login_form(app.test_client(), username, DEMO_PASSWORD).status_code == 302, username


def test_seed_demo_creates_observations_patrols_and_a_walk(app):
    _seed(app)

    with app.app_context():
        observations = list(db.session.execute(db.select(Observation)).scalars())
        patrols = list(
            db.session.execute(
                db.select(Activity).join(ActivityType).filter(ActivityType.code == "fotpatrull")
            ).scalars()
        )
        walks = list(db.session.execute(db.select(SafetyWalk)).scalars())

        assert len(observations) >= 30
        assert len(patrols) >= 1
        assert len(walks) >= 1
        assert {o.visibility for o in observations} == {"police", "municipality", "shared"}
        assert any(o.walk_id == walks[0].id for o in observations)
        assert any(o.activity_id in {p.id for p in patrols} for o in observations)
        for patrol in patrols:
            assert patrol.visibility == "police"
            assert patrol.ended_at > patrol.started_at
        # "Observations during the patrol" (its page) and on the walk are from their hours.
        spans = {p.id: (p.started_at, p.ended_at) for p in patrols}
        for observation in observations:
            if observation.activity_id in spans:
                started, ended = spans[observation.activity_id]
                assert started <= observation.observed_at <= ended
            if observation.walk_id == walks[0].id:
                assert abs(observation.observed_at - walks[0].starts_at) < timedelta(hours=3)


def test_demo_patrols_have_a_walked_route_in_sunne_centrum_and_its_length(app):
    """Without routes the patrol list showed no distance and the map's route layer was empty."""
    _seed(app)

    client = app.test_client()
    assert login_form(client, "polis", DEMO_PASSWORD).status_code == 302
    listing = client.get("/patrols/").get_data(as_text=True)
    assert listing.count(" km<") >= 5, "the patrol list shows each patrol's distance"
    # The records are read and checked in their own session, after the requests.
    with app.app_context(), app.test_request_context():
        patrols = list(
            db.session.execute(
                db.select(Activity).join(ActivityType).filter(ActivityType.code == "fotpatrull")
            ).scalars()
        )
        assert len(patrols) >= 5  # this year's and last year's
        routes = {str(p.route["coordinates"]) for p in patrols}
        assert len(routes) == len(patrols)  # each walked its own way
        for patrol in patrols:
            errors: dict[str, str] = {}
            assert validate_route(patrol.route, errors) == patrol.route, errors
            assert patrol.length_m == route_length_m(patrol.route)
            assert 1_000 < patrol.length_m < 3_000
            for lon, lat in patrol.route["coordinates"]:
                assert 59.83 < lat < 59.84 and 13.14 < lon < 13.15
        recent = datetime.now(UTC) - timedelta(days=300)
        this_year = [p for p in patrols if p.started_at > recent]
        assert this_year and all(p.area and p.area.name == "Sunne centrum" for p in this_year)
        assert all(p.details["participants_count"] >= 2 for p in this_year)


def test_the_demo_walk_has_a_route_stops_participants_ratings_and_marked_places(app):
    """The held walk's pages were empty: no route, 0 participants, no ratings, no places."""
    from webapp.measures.models import Measure
    from webapp.walks.models import WalkParticipant, WalkRating, WalkSpot

    _seed(app)

    with app.app_context():
        # The demo's walk of the last days (the last quarter has one too: quarter.py).
        walk = db.session.execute(db.select(SafetyWalk).filter_by(name=DEMO_WALK_NAME)).scalar_one()
        spots = list(db.session.execute(db.select(WalkSpot).filter_by(walk_id=walk.id)).scalars())
        measures = list(db.session.execute(db.select(Measure).filter_by(walk_id=walk.id)).scalars())
        participants = (
            db.session.execute(db.select(WalkParticipant).filter_by(walk_id=walk.id))
            .scalars()
            .all()
        )
        ratings = (
            db.session.execute(db.select(WalkRating).filter_by(walk_id=walk.id)).scalars().all()
        )
        assert walk.route and len(walk.route["coordinates"]) >= 2
        assert [s.position for s in walk.stops] == list(range(1, len(walk.stops) + 1))
        assert len(walk.stops) >= 3 and walk.ends_at > walk.starts_at
        assert len(participants) >= 5
        assert {r.stop_id for r in ratings} == {s.id for s in walk.stops}
        # Every measure decided after the walk came from a marked place and sits where it was.
        for measure in measures:
            found = [s for s in spots if s.measure_id == measure.id and s.status == "measure"]
            assert found and (measure.lat, measure.lon) == (found[0].lat, found[0].lon)
        assert any(s.status == "new" for s in spots), "the coordinator still has places to decide"
        for spot in spots:
            assert walk.starts_at <= spot.observed_at <= walk.ends_at
            assert not contains_personal_identity_number(spot.note)
        walk_id = walk.id
    client = app.test_client()
    assert login_form(client, "samordnare", DEMO_PASSWORD).status_code == 302
    protocol = client.get(f"/walks/{walk_id}/protocol").get_data(as_text=True)
    assert "12 deltagare" in protocol
    assert "Lampan i tunneln är trasig" in protocol


def test_demo_observations_are_plausible_places_in_sunne_centrum_without_people(app):
    _seed(app)

    now = datetime.now(UTC)
    with app.app_context():
        for observation in db.session.execute(db.select(Observation)).scalars():
            assert 59.82 < observation.lat < 59.85 and 13.12 < observation.lon < 13.17
            # This year's, and last year's around the same dates for the council's comparison.
            assert now - timedelta(days=2 * 366) < observation.observed_at <= now
            assert not contains_personal_identity_number(observation.note)
            uuid.UUID(observation.id)


def test_seed_demo_twice_adds_nothing_the_second_time(app):
    _seed(app)
    first = _counts(app)

    second = _seed(app)

    assert _counts(app) == first
    assert "already present" in second.output
    assert DEMO_PASSWORD in second.output  # the logins are printed again


def test_seed_demo_on_a_database_in_use_still_gives_working_demo_logins(app):
    """Data someone already recorded must not make the demo half-done or lose its accounts."""
    with app.app_context():
        author = make_user(Role.OFFICER, "riktig-polis")
        db.session.add(
            Observation(
                id=str(uuid.uuid4()),
                lat=59.8366,
                lon=13.1440,
                accuracy_m=10.0,
                observed_at=datetime.now(UTC) - timedelta(hours=1),
                observed_utc_offset_min=60,
                category_code="belysning",
                note="Trasig lampa.",
                visibility="police",
                author_id=author.id,
                content_hash="x" * 64,
            )
        )
        db.session.commit()

    _seed(app)

    for username, *_ in DEMO_USERS:
        assert login_form(app.test_client(), username, DEMO_PASSWORD).status_code == 302, username
    with app.app_context():
        names = db.session.execute(db.select(SafetyWalk.name).order_by(SafetyWalk.id)).scalars()
        assert list(names) == [DEMO_WALK_NAME, QUARTER_WALK_NAME]  # each once
        assert db.session.execute(db.select(db.func.count(Observation.id))).scalar() >= 31


def test_the_demo_coordinator_sees_every_demo_observation_on_the_map_api(app):
    _seed(app)
    client = app.test_client()
    login_form(client, "samordnare", DEMO_PASSWORD)

    response = client.get("/api/v1/observations.geojson")

    assert response.status_code == 200
    with app.app_context():
        total = db.session.execute(db.select(db.func.count(Observation.id))).scalar()
    assert len(response.get_json()["features"]) == total


def test_seed_demo_does_not_write_audit_entries_for_logins_it_did_not_make(app):
    _seed(app)
    with app.app_context():
        actions = set(db.session.execute(db.select(AuditEntry.action)).scalars())
    assert "user.login" not in actions


def test_seed_demo_refuses_production_settings_unless_asked(monkeypatch, tmp_path):
    """The demo accounts, an administrator among them, share a published password."""
    import secrets

    from tests.auth.helpers import build_app

    monkeypatch.setenv("SECRET_KEY", secrets.token_urlsafe(48))
    production = build_app(
        monkeypatch,
        "production",
        {"SQLALCHEMY_DATABASE_URI": "sqlite:///" + str(tmp_path / "prod.sqlite")},
    )
    with production.app_context():
        db.create_all()

    refused = production.test_cli_runner().invoke(args=["seed-demo"])

    assert refused.exit_code != 0
    assert "refuses to run in production" in refused.output
    with production.app_context():
        assert db.session.execute(db.select(db.func.count(User.id))).scalar() == 0

    allowed = production.test_cli_runner().invoke(args=["seed-demo", "--allow-production"])
    assert allowed.exit_code == 0, allowed.output
    with production.app_context():
        assert db.session.execute(db.select(db.func.count(User.id))).scalar() == len(DEMO_USERS)
        db.engine.dispose()


def test_the_demo_has_residents_reports_at_every_moderation_step_and_shows_only_published(app):
    _seed(app)

    with app.app_context():
        reports = list(db.session.execute(db.select(PublicReport)).scalars())
    statuses = {r.status for r in reports}
    assert {"pending", "published", "hidden"} <= statuses
    published = {r.id for r in reports if r.status == "published"}

    public = app.test_client().get("/api/v1/public/reports.geojson").get_json()

    assert {f["id"] for f in public["features"]} == published
    pending_texts = [r.text for r in reports if r.status != "published"]
    body = str(public)
    assert not any(text in body for text in pending_texts)


def test_the_demo_council_report_compares_this_years_survey_with_last_years(app):
    _seed(app)
    client = app.test_client()
    login_form(client, "samordnare", DEMO_PASSWORD)

    page = client.get("/reports/", headers={"Accept-Language": "sv"}).get_data(as_text=True)

    section = page.split('id="survey-heading"', 1)[1]
    assert "Trygghetsenkät 2026" in section
    assert "Trygghetsenkät 2025" in section  # the comparison
    assert "Ingen trygghetsenkät" not in section


def test_the_demo_council_report_counts_work_for_every_current_promise_and_a_year_before(app):
    from webapp.core.localtime import local_today
    from webapp.reports.period import Period
    from webapp.reports.service import build_council_report, default_promises

    _seed(app)
    with app.app_context():
        coordinator = db.session.execute(db.select(User).filter_by(username="samordnare")).scalar()
        today = local_today()
        period = Period(today - timedelta(days=30), today)
        promises = default_promises(period)
        assert {p.starts_on.year for p in promises} == {today.year - 1}
        report = build_council_report(period, promises, coordinator, with_maps=False)
        for section in report.sections:
            assert sum(line.current.done for line in section.lines) > 0, section.promise.title
        assert sum(f.count for f in report.previous_totals.values()) > 0
        assert sum(report.previous_observations.values()) > 0
        assert report.measures.decided >= 1


def test_the_demo_shows_residents_what_was_done_about_published_reports(app):
    _seed(app)
    client = app.test_client()

    feedback = client.get("/feedback", headers={"Accept-Language": "sv"}).get_data(as_text=True)
    public = client.get("/api/v1/public/reports.geojson").get_json()

    assert "Ny belysning på torget" in feedback
    assert "Inga åtgärder har publicerats än" not in feedback
    measures = {f["properties"]["text"]: f["properties"]["measure"] for f in public["features"]}
    assert measures["Torget känns tryggt med den nya belysningen."]["title"] == (
        "Ny belysning på torget"
    )


def test_the_demo_has_promised_work_in_every_month_of_this_year_and_last(app):
    """The council report of the year to date showed ten empty months: the demo's work was all
    from the last weeks. A year of use has patrols and ANDT work month by month."""
    from webapp.activities.models import LOCAL_ZONE

    _seed(app)
    with app.app_context():
        rows = db.session.execute(
            db.select(ActivityType.code, Activity.started_at).join(ActivityType)
        ).all()
        unlinked = db.session.execute(
            db.select(db.func.count()).select_from(Activity).where(~Activity.promises.any())
        ).scalar()
    months: dict[str, set[tuple[int, int]]] = {}
    for code, started in rows:
        local = started.astimezone(LOCAL_ZONE)
        months.setdefault(code, set()).add((local.year, local.month))
    now = datetime.now(LOCAL_ZONE)
    for years_back in (0, 1):
        until = now - timedelta(days=42 + 365 * years_back)
        year = now.year - years_back
        # Every month whose 13th (the ANDT day; a patrol on the 6th) is before the last weeks.
        expected = {
            (year, m) for m in range(1, 13) if datetime(year, m, 13, 19, tzinfo=LOCAL_ZONE) < until
        }
        for code in ("fotpatrull", "andt"):
            assert expected <= months[code], (code, sorted(expected - months[code]))
    assert unlinked == 0, "every demo activity counts for the promise in force when it was done"
