"""`flask --app webapp worker`: runs the background jobs of webapp/core/jobs.py, and the jobs of
the operations side (the daily retention).

The worker is Huey's consumer in this process (threads), with an app context per job, plus a
tick thread (every JOB_TICK_SECONDS) that makes the calendar jobs and re-sends stranded ones.
Start one per node or one in all: any number is safe (the job table decides who runs what).
SIGTERM (systemd's stop) lets the job in hand finish; a hard kill is covered by the lease.

Report PDFs for long periods are the job kind "reports.pdf": its handler and view live in
webapp/reports/pdf_jobs.py (the rendering stays in reports); it is registered here because ops
may import any package and core may not.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

import click
from flask import Flask

from webapp.core import jobs
from webapp.core.audit.service import record as audit
from webapp.core.jobs import BackgroundJob
from webapp.interop.police_events.importer import import_now
from webapp.interop.webhooks.deliver import run_webhook_deliveries
from webapp.interop.webhooks.settings import DEFAULTS
from webapp.map.cells import compact as compact_map_cells
from webapp.ops.retention.service import apply_retention, delete_files, policy
from webapp.reports import pdf_jobs

log = logging.getLogger("trygg.worker")


def retention_job(job: BackgroundJob) -> Any:
    """The daily retention: its removals, its audit entry and the job's done mark commit in one
    transaction (a re-run after a kill finds the same work, never half of it); photo files go
    after that commit."""
    outcomes = apply_retention(dry_run=False, commit=False)
    return lambda: delete_files(outcomes)


def police_events_job(job: BackgroundJob) -> None:
    """The hourly import of the police's public events. Idempotent: events are keyed by the
    police's id, and a run too soon after another makes no call (the publisher's rules)."""
    import_now()


def _police_events_enabled(app: Flask) -> bool:
    # No call to the publisher until the installation names a contact (its User-Agent): a
    # development or demo install then makes no request at all beyond the map tiles.
    return bool(app.config.get("POLICE_EVENTS_CONTACT"))


def sleep_job(job: BackgroundJob) -> None:
    """Only with TRYGG_JOB_TEST_KINDS=1 (tests/ops): sleeps, then writes one audit entry in the
    job's transaction, so a test can kill a worker mid-job and count the effects."""
    time.sleep(float(job.payload.get("seconds", 1)))
    audit("job.test_effect", target_type="job", target_id=job.id, actor_label="worker")


def _retention_enabled(app: Flask) -> bool:
    return bool(app.config.get("RETENTION_JOB", True)) and bool(policy())


def register_jobs(app: Flask) -> None:
    """Kinds and schedules of the operations side (called by create_app, every process)."""
    jobs.register_schedule(
        "retention", daily_at="RETENTION_AT", handler=retention_job, when=_retention_enabled
    )
    jobs.register_schedule(
        "police_events.import",
        every_seconds=3600,
        handler=police_events_job,
        when=_police_events_enabled,
    )
    jobs.register_handler(
        pdf_jobs.KIND, pdf_jobs.render_pdf_job, retry_schedule=pdf_jobs.RETRY_SCHEDULE
    )
    if app.config.get("JOB_TEST_KINDS"):
        jobs.register_handler("test.sleep", sleep_job, retry_schedule=(1,))


def _ticker(app: Flask, stop: threading.Event) -> None:
    period = float(app.config.get("JOB_TICK_SECONDS", 30))
    while True:
        try:
            sent = jobs.in_app_context(jobs.tick)()
            if sent:
                log.info("tick: %d job(s) sent", sent)
            # The map's pending counts: readers add them anyway, folding keeps that cheap. Safe
            # on any number of workers at once (cells.compact), so no job row is needed.
            folded = jobs.in_app_context(compact_map_cells)()
            if folded:
                log.info("tick: %d map count change(s) folded", folded)
        except Exception:  # noqa: BLE001 - a database hiccup must not stop the worker
            log.exception("tick failed")
        if stop.wait(period):
            return


def _deliverer(app: Flask, stop: threading.Event) -> None:
    """Webhook deliveries poll on their own short period: the retry schedule starts with
    "immediately" and "5 s", too fine for calendar jobs. Each round claims its deliveries in the
    database, so any number of workers on any number of nodes send each attempt once."""
    period = float(app.config.get("WEBHOOK_POLL_SECONDS", DEFAULTS["WEBHOOK_POLL_SECONDS"]))
    while not stop.wait(period):
        try:
            counts = jobs.in_app_context(run_webhook_deliveries)()
            if counts.get("attempts"):
                log.info("webhooks: %s", counts)
        except Exception:  # noqa: BLE001 - a receiver or database hiccup must not stop the worker
            log.exception("webhook deliveries failed")


def register_worker_command(app: Flask) -> None:
    @app.cli.command("worker")
    @click.option("--threads", default=2, show_default=True, help="Jobs run side by side.")
    @click.option("--once", is_flag=True, help="Make due calendar jobs, run what is due, exit.")
    def worker(threads: int, once: bool) -> None:
        """Run background jobs (retention, imports, deliveries) until stopped."""
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
        if once:
            click.echo(f"webhooks: {jobs.in_app_context(run_webhook_deliveries)()}")
            jobs.tick()
            outcomes = [(key, jobs.execute(key)) for key in jobs.due_keys()]
            for key, outcome in outcomes:
                click.echo(f"{key}: {outcome}")
            click.echo(f"map counts folded: {compact_map_cells()}")
            return
        stop = threading.Event()
        ticker = threading.Thread(target=_ticker, args=(app, stop), daemon=True, name="tick")
        deliverer = threading.Thread(
            target=_deliverer, args=(app, stop), daemon=True, name="webhooks"
        )
        consumer = jobs.huey.create_consumer(
            workers=threads,
            worker_type="thread",
            periodic=False,  # our tick, not Huey's crontab: seconds, catch-up, any number
            max_delay=2.0,  # an idle SQLite-queue worker looks again within 2 s
            graceful_signal="TERM",  # systemd's stop: finish the job in hand
            shutdown_timeout=25,
            check_worker_health=True,
        )
        ticker.start()
        deliverer.start()
        try:
            consumer.run()
        finally:
            stop.set()
