"""The job table of webapp/core/jobs.py: idempotent submit, claim and lease, one transaction for a
handler's work and its done mark, the retry schedule, calendar keys. On SQLite by default and on
PostgreSQL with TEST_DATABASE_URL (CI runs both). The worker process itself: tests/ops."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from sqlalchemy import func, select, update

from webapp.core import jobs
from webapp.core.audit.models import AuditEntry
from webapp.core.audit.service import record as audit
from webapp.core.dbtypes import utcnow
from webapp.core.jobs import BackgroundJob
from webapp.extensions import db


@pytest.fixture
def kinds(app: Flask) -> Iterator[dict[str, list[str]]]:
    """Test kinds: "t.effect" writes an audit entry; "t.fail" raises; "t.steal" loses its lease
    mid-way (another worker took it over)."""
    calls: dict[str, list[str]] = {"effect": [], "fail": [], "after": []}

    def effect(job: BackgroundJob):  # type: ignore[no-untyped-def]
        calls["effect"].append(job.id)
        audit("job.test_effect", target_type="job", target_id=job.id, actor_label="test")
        return lambda: calls["after"].append(job.id)

    def fail(job: BackgroundJob) -> None:
        calls["fail"].append(job.id)
        audit("job.test_effect", target_type="job", target_id=job.id, actor_label="test")
        raise RuntimeError("the far end said no")

    def steal(job: BackgroundJob) -> None:
        audit("job.test_effect", target_type="job", target_id=job.id, actor_label="test")
        # Another worker took the job over (our lease ran out while we were frozen). In the
        # handler's own transaction: on SQLite a second writer would wait for this one.
        db.session.execute(
            update(BackgroundJob).where(BackgroundJob.id == job.id).values(claimed_by="other")
        )

    jobs.register_handler("t.effect", effect)
    jobs.register_handler("t.fail", fail, retry_schedule=(30, 600))
    jobs.register_handler("t.steal", steal)
    app.config["RETENTION_JOB"] = False  # the app fixture restores the configuration
    saved = dict(jobs.SCHEDULES)
    yield calls
    for kind in ("t.effect", "t.fail", "t.steal", "t.hourly", "t.daily"):
        jobs.KINDS.pop(kind, None)
    jobs.SCHEDULES.clear()
    jobs.SCHEDULES.update(saved)


def effects(job_id: str) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(AuditEntry)
        .where(AuditEntry.action == "job.test_effect", AuditEntry.target_id == job_id)
    )


def test_a_second_submit_with_the_same_key_changes_nothing(app: Flask, kinds) -> None:  # type: ignore[no-untyped-def]
    with app.app_context():
        assert jobs.submit("t:1", "t.effect", {"n": 1}) is True
        assert jobs.submit("t:1", "t.effect", {"n": 2}) is False
        rows = db.session.scalars(select(BackgroundJob)).all()
        assert [(r.id, r.payload, r.state) for r in rows] == [("t:1", {"n": 1}, "pending")]
        with pytest.raises(ValueError, match="no handler"):
            jobs.submit("t:2", "nobody.handles.this")


def test_only_one_worker_claims_a_job_until_its_lease_runs_out(app: Flask, kinds) -> None:  # type: ignore[no-untyped-def]
    with app.app_context():
        jobs.submit("t:claim", "t.effect")
        now = utcnow()
        assert jobs.claim("t:claim", "worker-a", now) is True
        assert jobs.claim("t:claim", "worker-b", now) is False
        lease = app.config["JOB_LEASE_SECONDS"]
        assert jobs.claim("t:claim", "worker-b", now + timedelta(seconds=lease - 1)) is False
        # worker-a was killed: nobody renews; after the lease worker-b takes over.
        assert jobs.claim("t:claim", "worker-b", now + timedelta(seconds=lease + 1)) is True
        job = db.session.get(BackgroundJob, "t:claim")
        assert (job.state, job.claimed_by, job.attempts) == ("running", "worker-b", 2)


def test_the_work_and_the_done_mark_commit_together_and_only_once(app: Flask, kinds) -> None:  # type: ignore[no-untyped-def]
    with app.app_context():
        jobs.submit("t:once", "t.effect")
        assert jobs.execute("t:once") == "done"
        assert jobs.execute("t:once") == "not-claimed"
        job = db.session.get(BackgroundJob, "t:once")
        assert (job.state, job.attempts, job.lease_until) == ("done", 1, None)
        assert effects("t:once") == 1
        assert kinds["effect"] == ["t:once"]
        assert kinds["after"] == ["t:once"]  # the after-commit step ran, once


def test_a_worker_that_lost_its_lease_rolls_its_work_back(app: Flask, kinds) -> None:  # type: ignore[no-untyped-def]
    with app.app_context():
        jobs.submit("t:steal", "t.steal")
        assert jobs.execute("t:steal") == "lost-lease"
        assert effects("t:steal") == 0


def test_a_failing_job_is_retried_on_its_schedule_then_marked_failed(app: Flask, kinds) -> None:  # type: ignore[no-untyped-def]
    with app.app_context():
        jobs.submit("t:fail", "t.fail")
        before = utcnow()
        assert jobs.execute("t:fail") == "retry"
        job = db.session.get(BackgroundJob, "t:fail")
        assert (job.state, job.attempts, job.max_attempts) == ("pending", 1, 3)
        assert "the far end said no" in job.last_error
        assert timedelta(seconds=29) < job.run_after - before < timedelta(seconds=40)
        assert effects("t:fail") == 0  # the failed attempt's writes were rolled back
        assert jobs.execute("t:fail") == "not-claimed"  # not due yet
        assert jobs.claim("t:fail", "w", job.run_after + timedelta(seconds=1))
        db.session.commit()
        # The second failure waits the schedule's second step (600 s).
        assert jobs.execute("t:fail", "w") == "not-claimed"  # already running under "w"
        assert jobs._fail("t:fail", "w", "second") == "retry"
        job = db.session.get(BackgroundJob, "t:fail")
        db.session.refresh(job)
        assert job.attempts == 2
        assert timedelta(seconds=590) < job.run_after - utcnow() < timedelta(seconds=610)
        db.session.execute(
            update(BackgroundJob).where(BackgroundJob.id == "t:fail").values(run_after=utcnow())
        )
        db.session.commit()
        assert jobs.execute("t:fail") == "failed"  # the third attempt was the last
        job = db.session.get(BackgroundJob, "t:fail")
        db.session.refresh(job)
        assert (job.state, job.attempts) == ("failed", 3)
        assert len(kinds["fail"]) == 2


def test_calendar_keys_name_the_period() -> None:
    hourly = jobs.Schedule("t.hourly", 3600, None, None)
    at = datetime(2026, 12, 6, 14, 59, 59, tzinfo=UTC)
    assert jobs.period_key(hourly, at) == "t.hourly:2026-12-06T14:00:00Z"
    assert jobs.period_key(hourly, at + timedelta(seconds=1)) == "t.hourly:2026-12-06T15:00:00Z"
    every_30 = jobs.Schedule("t.deliver", 30, None, None)
    assert jobs.period_key(every_30, at) == "t.deliver:2026-12-06T14:59:30Z"


def test_a_daily_job_is_made_once_a_day_after_its_time(app: Flask, kinds) -> None:  # type: ignore[no-untyped-def]
    with app.app_context():
        jobs.register_schedule("t.daily", daily_at=(3, 15), handler=kinds_handler(kinds))
        local = datetime.now(ZoneInfo("Europe/Stockholm")).replace(
            hour=3, minute=14, second=0, microsecond=0
        )
        schedule = jobs.SCHEDULES["t.daily"]
        assert jobs.period_key(schedule, local) is None
        assert jobs.period_key(schedule, local + timedelta(minutes=1)) == (
            f"t.daily:{local:%Y-%m-%d}"
        )
        # Any number of ticks (workers) in the day: one job. The next day: the next one.
        count = []
        for later in (
            timedelta(hours=1),
            timedelta(hours=2),
            timedelta(hours=20),
            timedelta(days=1, minutes=1),
        ):
            jobs.tick(local + later)
            count.append(db.session.scalar(select(func.count()).select_from(BackgroundJob)))
        assert count == [1, 1, 1, 2]
        keys = db.session.scalars(select(BackgroundJob.id).order_by(BackgroundJob.id)).all()
        day2 = local + timedelta(days=1)
        assert keys == [f"t.daily:{local:%Y-%m-%d}", f"t.daily:{day2:%Y-%m-%d}"]


def kinds_handler(kinds):  # type: ignore[no-untyped-def]
    return jobs.KINDS["t.effect"].handler


def test_a_schedule_can_be_switched_off_by_configuration(app: Flask, kinds) -> None:  # type: ignore[no-untyped-def]
    with app.app_context():
        jobs.register_schedule(
            "t.hourly",
            every_seconds=3600,
            handler=kinds_handler(kinds),
            when=lambda app: bool(app.config.get("T_HOURLY")),
        )
        assert jobs.tick() == 0
        assert db.session.scalar(select(func.count()).select_from(BackgroundJob)) == 0
        app.config["T_HOURLY"] = True
        assert jobs.tick() == 1
        assert jobs.tick() == 0
        (job,) = db.session.scalars(select(BackgroundJob)).all()
        assert job.payload == {"period": job.id.split(":", 1)[1]}


def test_tick_resends_a_job_whose_worker_stopped_renewing(app: Flask, kinds) -> None:  # type: ignore[no-untyped-def]
    with app.app_context():
        jobs.submit("t:stranded", "t.effect")
        now = utcnow()
        assert jobs.claim("t:stranded", "killed-worker", now)
        lease = app.config["JOB_LEASE_SECONDS"]
        assert "t:stranded" not in jobs.due_keys(now)
        assert jobs.tick(now) == 0
        later = now + timedelta(seconds=lease + 1)
        assert jobs.due_keys(later) == ["t:stranded"]
        assert jobs.tick(later) == 1
        assert db.session.get(BackgroundJob, "t:stranded").attempts == 1


def test_the_retention_job_runs_once_per_day_and_audits_once(app: Flask) -> None:
    with app.app_context():
        app.config["RETENTION_AT"] = (0, 0)
        assert jobs.tick() == 1
        (key,) = jobs.due_keys()
        assert key == f"retention:{datetime.now().astimezone():%Y-%m-%d}"
        assert jobs.execute(key) == "done"
        assert jobs.tick() == 0
        assert jobs.execute(key) == "not-claimed"
        entries = db.session.scalar(
            select(func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.action == "retention.apply")
        )
        assert entries == 1


def test_the_police_events_import_is_scheduled_hourly_only_once_a_contact_is_named(app):
    from webapp.core.jobs import SCHEDULES

    schedule = SCHEDULES["police_events.import"]
    assert schedule.every_seconds == 3600
    app.config["POLICE_EVENTS_CONTACT"] = ""
    assert not schedule.when(app)
    app.config["POLICE_EVENTS_CONTACT"] = "trygg@sunne.se"
    assert schedule.when(app)
