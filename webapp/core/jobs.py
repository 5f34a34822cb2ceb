"""Background jobs: a row per job in the app's own database (the truth), Huey as the transport.

Huey (pinned 3.5.4) delivers "run job X" messages to the worker processes: a SQLite file in the
instance folder on the embedded default (one node), Redis when several nodes share the work
(TRYGG_QUEUE_URL=redis://...). Huey alone is not enough: it removes a message from its queue
when a worker takes it (SqliteStorage SELECT+DELETE, RedisStorage BRPOP), so a worker killed with
-9 mid-task loses that task for good (checked). Hence the `background_jobs` table with a lease.

How a job runs
--------------
- `submit(key, kind, payload)` inserts the row once (`INSERT ... ON CONFLICT DO NOTHING`; the
  key is the idempotency key: "retention:2026-12-06", "webhooks.deliver:<id>") and sends the
  message. A second submit with the same key changes nothing, from any node.
- A worker *claims* the row with one UPDATE ... WHERE (pending and due) OR (running and lease
  expired); only one worker on any node wins. While the handler runs, a thread renews the lease.
- The handler's database work and the "done" mark commit in ONE transaction: a worker killed
  before that commit leaves nothing behind (the lease runs out, the next tick hands the job to
  another worker: it runs again, once); killed after it, nothing is left to do.
- A handler that raises is retried after the kind's retry schedule, then marked `failed`.
- `tick()` runs in every worker every JOB_TICK_SECONDS: it creates the calendar jobs that are
  due and re-sends jobs whose lease ran out or that waited longer than a lease (a lost message).

API for features (core imports no feature: each feature registers its own kinds, typically in
a module imported by `create_app`, e.g. from its `register_*_commands(app)` or `register(app)`)
---------------------------------------------------------------------------------------------
    from webapp.core import jobs

    # A kind of job. The handler gets the BackgroundJob row (job.id, job.payload, job.attempts),
    # does its database work in db.session and does NOT commit: the runner commits it together
    # with the done mark. Effects outside the database must be idempotent by job.id (an HTTP
    # call sends `Idempotency-Key: <job.id>`, a file is written under a name made of job.id), or
    # be returned as a callable: it is called after the commit (e.g. unlinking deleted files).
    jobs.register_handler("webhooks.deliver", deliver, retry_schedule=(30, 120, 600, 3600))

    # Anything, any time, from a request or a handler (commits the caller's transaction):
    jobs.submit(f"webhooks.deliver:{delivery.id}", "webhooks.deliver", {"delivery": delivery.id})

    # Calendar jobs, keyed by period so any number of workers make each period's job once, and a
    # period missed while no worker ran is made at the next tick (the latest period only):
    jobs.register_schedule("police.import", every_seconds=3600, handler=import_events,
                           when=lambda app: bool(app.config.get("POLICE_IMPORT_URL")))
    jobs.register_schedule("retention", daily_at="RETENTION_AT", handler=retention)
    # every_seconds: key "<kind>:<UTC start of the period>"; daily_at: (hour, minute) local time
    # (TZ of the server) or the name of a config key holding it; key "<kind>:<local date>".
    # Payload of a calendar job: {"period": "<the key's period part>"}.

Settings: TRYGG_QUEUE_URL ("" = SQLite file <instance>/queue.sqlite; redis://...),
TRYGG_JOB_LEASE_SECONDS (300), TRYGG_JOB_TICK_SECONDS (30). The worker is
`flask --app webapp worker` (webapp/ops/jobs.py).
"""

from __future__ import annotations

import logging
import os
import socket
import sqlite3
import threading
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from flask import Flask, current_app
from huey import Huey
from huey.storage import MemoryStorage, RedisStorage, SqliteStorage
from sqlalchemy import JSON, Integer, Select, String, Text, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, mapped_column

from webapp.core.dbtypes import UTCDateTime, utcnow
from webapp.core.localtime import local_zone
from webapp.extensions import db

log = logging.getLogger("trygg.jobs")

PENDING, RUNNING, DONE, FAILED = "pending", "running", "done", "failed"
# Seconds to wait before attempt 2, 3, ... after a failure; a kind may bring its own.
RETRY_SCHEDULE: tuple[int, ...] = (30, 120, 600, 3600, 6 * 3600)


class BackgroundJob(db.Model):
    __tablename__ = "background_jobs"

    id: Mapped[str] = mapped_column(String(120), primary_key=True)  # the idempotency key
    kind: Mapped[str] = mapped_column(String(40), index=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    state: Mapped[str] = mapped_column(String(10), default=PENDING, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    max_attempts: Mapped[int] = mapped_column(Integer, default=len(RETRY_SCHEDULE) + 1)
    run_after: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    claimed_by: Mapped[str | None] = mapped_column(String(120), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)


# ---- the registry ------------------------------------------------------------------------------

Handler = Callable[[BackgroundJob], Callable[[], None] | None]


@dataclass(frozen=True)
class Kind:
    name: str
    handler: Handler
    retry_schedule: tuple[int, ...]


@dataclass(frozen=True)
class Schedule:
    kind: str
    every_seconds: int | None
    daily_at: tuple[int, int] | str | None
    when: Callable[[Flask], bool] | None


KINDS: dict[str, Kind] = {}
SCHEDULES: dict[str, Schedule] = {}


def register_handler(
    kind: str, handler: Handler, *, retry_schedule: Sequence[int] = RETRY_SCHEDULE
) -> None:
    """Register (or replace: re-imports are harmless) the handler of `kind`."""
    if not kind or len(kind) > 40:
        raise ValueError(f"job kind must be 1-40 characters: {kind!r}")
    KINDS[kind] = Kind(kind, handler, tuple(int(s) for s in retry_schedule))


def register_schedule(
    kind: str,
    *,
    every_seconds: int | None = None,
    daily_at: tuple[int, int] | str | None = None,
    handler: Handler | None = None,
    retry_schedule: Sequence[int] = RETRY_SCHEDULE,
    when: Callable[[Flask], bool] | None = None,
) -> None:
    """A calendar job: one job of `kind` per period (see the module docstring)."""
    if (every_seconds is None) == (daily_at is None):
        raise ValueError("give exactly one of every_seconds and daily_at")
    if every_seconds is not None and every_seconds < 1:
        raise ValueError("every_seconds must be at least 1")
    if handler is not None:
        register_handler(kind, handler, retry_schedule=retry_schedule)
    SCHEDULES[kind] = Schedule(kind, every_seconds, daily_at, when)


def period_key(schedule: Schedule, now: datetime) -> str | None:
    """The key of the schedule's job for the period `now` is in; None if today's time has not
    come yet (daily jobs)."""
    if schedule.every_seconds:
        start = int(now.timestamp()) // schedule.every_seconds * schedule.every_seconds
        return f"{schedule.kind}:{datetime.fromtimestamp(start, UTC):%Y-%m-%dT%H:%M:%SZ}"
    at = schedule.daily_at
    if isinstance(at, str):
        at = current_app.config[at]
    hour, minute = at  # type: ignore[misc]
    # Sunne's clock, not the server's: on a UTC server "03:00" would otherwise be 04:00 or 05:00
    # in Sunne, and the day's key would change at the wrong midnight.
    local = now.astimezone(local_zone())
    if (local.hour, local.minute) < (int(hour), int(minute)):
        return None
    return f"{schedule.kind}:{local:%Y-%m-%d}"


# ---- the job table -----------------------------------------------------------------------------


def worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"[:120]


def lease_seconds() -> int:
    return int(current_app.config.get("JOB_LEASE_SECONDS", 300))


def _insert(values: dict[str, Any]):  # type: ignore[no-untyped-def]
    module = postgresql if db.engine.dialect.name == "postgresql" else sqlite
    # RETURNING, not rowcount: with SQLAlchemy 2.1 + psycopg 3 the rowcount of this INSERT is -1.
    return (
        module.insert(BackgroundJob)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["id"])
        .returning(BackgroundJob.id)
    )


def submit(
    key: str,
    kind: str,
    payload: dict[str, Any] | None = None,
    *,
    run_after: datetime | None = None,
    send: bool = True,
) -> bool:
    """Create the job once and wake a worker; True if the row is new. Commits the caller's
    transaction (the job must exist before a worker looks for it)."""
    if kind not in KINDS:
        raise ValueError(f"no handler registered for job kind {kind!r}")
    if not key or len(key) > 120:
        raise ValueError(f"job key must be 1-120 characters: {key!r}")
    now = utcnow()
    values = dict(
        id=key, kind=kind, payload=payload or {}, state=PENDING, attempts=0,
        max_attempts=len(KINDS[kind].retry_schedule) + 1, run_after=run_after or now,
        created_at=now,
    )  # fmt: skip
    created = db.session.execute(_insert(values)).scalar_one_or_none() is not None
    db.session.commit()
    if send and created:
        send_job(key, None if run_after is None or run_after <= now else run_after)
    return created


def claim(key: str, me: str, now: datetime | None = None) -> bool:
    """Take the job if it is due or its holder's lease ran out. One UPDATE: PostgreSQL's row lock
    (or SQLite's single writer) serialises racing workers; the row count tells who won."""
    now = now or utcnow()
    result = db.session.execute(
        update(BackgroundJob)
        .where(BackgroundJob.id == key)
        .where(
            or_(
                (BackgroundJob.state == PENDING) & (BackgroundJob.run_after <= now),
                (BackgroundJob.state == RUNNING) & (BackgroundJob.lease_until < now),
            )
        )
        .values(
            state=RUNNING,
            claimed_by=me,
            lease_until=now + timedelta(seconds=lease_seconds()),
            attempts=BackgroundJob.attempts + 1,
        )
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return result.rowcount == 1


def _renew(app: Flask, key: str, me: str, stop: threading.Event) -> None:
    """Keep the lease while the handler works, on a connection of its own. On SQLite this waits
    for the handler's write transaction (one writer), so there a handler should stay well
    inside one lease; PostgreSQL renews freely."""
    with app.app_context():
        period = max(0.5, lease_seconds() / 3)
        while not stop.wait(period):
            try:
                with db.engine.begin() as conn:
                    conn.execute(
                        update(BackgroundJob)
                        .where(BackgroundJob.id == key, BackgroundJob.claimed_by == me)
                        .where(BackgroundJob.state == RUNNING)
                        .values(lease_until=utcnow() + timedelta(seconds=lease_seconds()))
                    )
            except Exception:  # noqa: BLE001 - try again next period; the lease decides
                log.warning("job %s: lease renewal failed", key, exc_info=True)


def execute(key: str, me: str | None = None) -> str:
    """Claim and run one job in the current app context; returns what happened:
    done, failed, retry, not-claimed (someone else has it, or it is not due) or lost-lease."""
    me = me or worker_id()
    if not claim(key, me):
        return "not-claimed"
    job = db.session.get(BackgroundJob, key)
    kind = KINDS.get(job.kind) if job else None
    if job is None or kind is None:
        return _fail(key, me, f"no handler registered for job kind {job.kind if job else '?'}")
    stop = threading.Event()
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    renewer = threading.Thread(target=_renew, args=(app, key, me, stop), daemon=True)
    renewer.start()
    try:
        after_commit = kind.handler(job)
        # The handler's work and the done mark in one transaction; `claimed_by == me` makes a
        # worker that lost its lease (frozen past it, another took over) roll back instead.
        done = db.session.execute(
            update(BackgroundJob)
            .where(BackgroundJob.id == key, BackgroundJob.claimed_by == me)
            .where(BackgroundJob.state == RUNNING)
            .values(state=DONE, finished_at=utcnow(), lease_until=None, last_error=None)
            .execution_options(synchronize_session=False)
        )
        if done.rowcount != 1:
            db.session.rollback()
            return "lost-lease"
        db.session.commit()
    except Exception:
        db.session.rollback()
        log.exception("job %s failed", key)
        return _fail(key, me, traceback.format_exc(limit=8))
    finally:
        stop.set()
    if callable(after_commit):
        try:
            after_commit()
        except Exception:  # noqa: BLE001 - the job is done; the leftover is logged
            log.exception("job %s: after-commit step failed", key)
    return "done"


def _fail(key: str, me: str, error: str) -> str:
    job = db.session.get(BackgroundJob, key)
    if job is None or job.claimed_by != me or job.state != RUNNING:
        db.session.rollback()
        return "lost-lease"
    kind = KINDS.get(job.kind)
    schedule = kind.retry_schedule if kind else ()
    if job.attempts >= job.max_attempts or not schedule:
        job.state = FAILED
        job.finished_at = utcnow()
    else:
        job.state = PENDING
        delay = schedule[min(job.attempts - 1, len(schedule) - 1)]
        job.run_after = utcnow() + timedelta(seconds=delay)
    job.lease_until = None
    job.last_error = error[-4000:]
    state, run_after = job.state, job.run_after
    db.session.commit()
    if state == PENDING:
        send_job(key, run_after)
        return "retry"
    return "failed"


def tick(now: datetime | None = None) -> int:
    """Create due calendar jobs; re-send jobs whose lease ran out, and pending jobs that have
    waited longer than a lease past their time (their message was lost). Returns how many
    messages were sent. Any number of workers may tick at once: keys and claims make it safe."""
    now = now or utcnow()
    sent = 0
    stale = now - timedelta(seconds=lease_seconds())
    rows = db.session.scalars(_claimable(due_by=stale, now=now).limit(500)).all()
    db.session.commit()
    for key in rows:
        send_job(key)
        sent += 1
    for schedule in list(SCHEDULES.values()):
        if schedule.when is not None and not schedule.when(current_app):
            continue
        key = period_key(schedule, now)
        if key and submit(key, schedule.kind, {"period": key.split(":", 1)[1]}):
            sent += 1
    return sent


def due_keys(now: datetime | None = None) -> list[str]:
    """Keys of the jobs a worker may claim now (for `flask worker --once` and tests)."""
    now = now or utcnow()
    keys = db.session.scalars(_claimable(due_by=now, now=now)).all()
    db.session.commit()
    return list(keys)


def _claimable(due_by: datetime, now: datetime) -> Select[tuple[str]]:
    """Keys of pending jobs due by `due_by` and running jobs whose lease ran out, oldest first."""
    return (
        select(BackgroundJob.id)
        .where(
            or_(
                (BackgroundJob.state == PENDING) & (BackgroundJob.run_after <= due_by),
                (BackgroundJob.state == RUNNING) & (BackgroundJob.lease_until < now),
            )
        )
        .order_by(BackgroundJob.run_after)
    )


# ---- Huey: the transport -----------------------------------------------------------------------

# Module level so that the task can be declared here; init_queue() replaces the storage once the
# configuration is known. results=False: nothing reads task results.
huey = Huey("trygg", results=False, storage_class=MemoryStorage, utc=True)
_app: Flask | None = None


def init_queue(app: Flask) -> None:
    """TRYGG_QUEUE_URL: unset -> SQLite file <instance>/queue.sqlite (single node, the embedded
    default); redis://... -> Redis (several nodes). Tests (TESTING) keep an in-memory queue that
    nothing consumes; they run jobs with execute()."""
    global _app
    _app = app
    url = str(app.config.get("QUEUE_URL") or "")
    name = str(app.config.get("QUEUE_NAME") or "trygg")  # Redis keys huey.*.<name>
    if app.config.get("TESTING") and not url:
        huey.storage = MemoryStorage(name)
    elif url.startswith(("redis://", "rediss://", "unix://")):
        huey.storage = RedisStorage(name, url=url)
    elif not url or url.startswith("sqlite:///"):
        # Never the app's own database file: Huey makes tables named task/kv/schedule there and
        # does not queue for our writer lock (webapp.core.storage).
        path = url[len("sqlite:///") :] or str(Path(app.instance_path) / "queue.sqlite")
        try:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            huey.storage = SqliteStorage(name, filename=path)
        except (OSError, sqlite3.Error) as error:
            # A read-only instance folder (systemd's ProtectSystem without TRYGG_INSTANCE_PATH):
            # serve anyway; jobs still run, picked up by a worker's tick instead of at once.
            log.warning(
                "job queue file %s unusable (%s): submitted jobs wait for a tick", path, error
            )
            huey.storage = MemoryStorage(name)
    else:
        raise ValueError(f"TRYGG_QUEUE_URL must be redis://... or sqlite:///..., not {url!r}")


def send_job(key: str, eta: datetime | None = None) -> None:
    """Send the wake-up message (at `eta` if given). Losing it is harmless: tick() re-sends."""
    try:
        if eta is None:
            run_job(key)
        else:
            run_job.schedule(args=(key,), eta=eta)
    except Exception:  # noqa: BLE001 - the row is the truth; the next tick sends again
        log.warning("job %s: could not send to the queue", key, exc_info=True)


def in_app_context(function: Callable[..., Any]) -> Callable[..., Any]:
    """Huey runs tasks in its own threads: give each call an app context and its own session."""

    def wrapped(*args: Any) -> Any:
        if _app is None:
            raise RuntimeError("init_queue(app) was not called in this process")
        with _app.app_context():
            try:
                return function(*args)
            finally:
                db.session.remove()

    wrapped.__name__ = function.__name__
    return wrapped


# A queued message names its task as "<module>.<name>" (here webapp.core.jobs.trygg.run_job):
# moving this function to another module orphans messages already queued. Harmless: they only
# wake workers, and the tick re-sends from the job table what they would have.
@huey.task(name="trygg.run_job")
@in_app_context
def run_job(key: str) -> str:
    outcome = execute(key)
    log.info("job %s: %s", key, outcome)
    return outcome
