"""The worker on the embedded default (SQLite database, SQLite queue file in the instance folder,
nothing else configured) runs the daily retention by itself: `flask --app webapp worker` as a
separate process, as `python3 dev.py run` starts it, with its tick shortened to one second."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from webapp import ROOT


def flask(args: list[str], env: dict[str, str], **kwargs):  # type: ignore[no-untyped-def]
    return subprocess.run(  # noqa: S603 - our own interpreter and app
        [sys.executable, "-m", "flask", "--app", "webapp", *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, **kwargs,
    )  # fmt: skip


def embedded_default(instance: Path, **settings: str) -> dict[str, str]:
    """This process's environment without any TRYGG_ setting or database URL (the embedded
    default: SQLite and the SQLite queue in `instance`), plus `settings`."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("TRYGG_") and key not in ("DATABASE_URL", "TEST_DATABASE_URL")
    }
    env.update(
        TRYGG_ENV="development",
        TRYGG_INSTANCE_PATH=str(instance),
        TRYGG_PHOTO_DIR=str(instance / "photos"),
        **settings,
    )
    return env


def test_the_worker_runs_retention_by_itself_on_the_embedded_default(tmp_path: Path) -> None:
    instance = tmp_path / "instance"
    env = embedded_default(
        instance,
        TRYGG_RETENTION_AT="[0, 0]",  # due at once, whatever the time of day
        TRYGG_JOB_TICK_SECONDS="1",
    )
    upgrade = flask(["db", "upgrade"], env)
    assert upgrade.returncode == 0, upgrade.stderr
    database = instance / "trygg-sunne.sqlite"
    assert database.exists()

    log = (tmp_path / "worker.log").open("w")
    worker = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "flask", "--app", "webapp", "worker"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 40
        state = None
        while time.monotonic() < deadline and state != "done":
            assert worker.poll() is None, (tmp_path / "worker.log").read_text()
            time.sleep(0.5)
            with sqlite3.connect(database) as conn:
                row = conn.execute(
                    "SELECT state FROM background_jobs WHERE kind = 'retention'"
                ).fetchone()
            state = row[0] if row else None
        assert state == "done", (tmp_path / "worker.log").read_text()
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(timeout=40)
    with sqlite3.connect(database) as conn:
        jobs = conn.execute("SELECT id, attempts FROM background_jobs").fetchall()
        audits = conn.execute(
            "SELECT count(*) FROM audit_entries WHERE action = 'retention.apply'"
        ).fetchone()[0]
    assert [(key.split(":")[0], attempts) for key, attempts in jobs] == [("retention", 1)]
    assert audits == 1
    assert (instance / "queue.sqlite").exists()  # the Huey queue, in the node's own folder
    assert worker.returncode == 0  # SIGTERM: a clean stop


# Run in its own process with the worker's environment: an observation stored by the service the
# API calls (webapp.observations.service), which writes its outbox event in that transaction.
STORE_AN_OBSERVATION = """
from datetime import datetime, timezone
from webapp import create_app
from webapp.auth.models import User
from webapp.extensions import db
from webapp.observations.service import store_observation
from webapp.observations.validation import validate_observation
from webapp.ops.reference import seed_reference_data

app = create_app()
with app.app_context():
    seed_reference_data()
    officer = User(
        username="worker-officer", role="officer", display_name="Officer", organisation="police"
    )
    officer.set_password("a long enough password 1")
    db.session.add(officer)
    db.session.flush()
    clean, errors = validate_observation({
        "id": "0b6f1a52-6f0e-4a8e-9d1c-1f1e5d1a2b3c", "lat": 59.8366, "lon": 13.144,
        "accuracy_m": 8.0, "observed_at": datetime.now(timezone.utc).isoformat(),
        "category": "belysning", "note": "", "visibility": "shared",
    }, officer)
    assert clean is not None, errors
    store_observation(clean, officer)
    db.session.commit()
"""


def test_the_worker_sends_webhooks_by_itself(tmp_path: Path) -> None:
    from tests.interop.helpers import always, receiver

    instance = tmp_path / "instance"
    env = embedded_default(
        instance,
        TRYGG_RETENTION_JOB="false",
        TRYGG_WEBHOOK_ALLOWED_NETWORKS='["127.0.0.1/32"]',
        TRYGG_WEBHOOK_POLL_SECONDS="0.5",
    )
    assert flask(["db", "upgrade"], env).returncode == 0
    with receiver(always(204)) as rx:
        added = flask(["webhooks", "add", rx.url, "--event", "observation.created"], env)
        assert added.returncode == 0, added.stderr
        rx.secret = added.stdout.split("secret (shown once): ")[1].strip()
        stored = subprocess.run(  # noqa: S603 - our own interpreter and app
            [sys.executable, "-c", STORE_AN_OBSERVATION],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert stored.returncode == 0, stored.stderr
        assert rx.received == []  # nothing is sent from the web request's process
        log = (tmp_path / "worker.log").open("w")
        worker = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "flask", "--app", "webapp", "worker"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        try:
            deadline = time.monotonic() + 40
            while time.monotonic() < deadline and not rx.received:
                assert worker.poll() is None, (tmp_path / "worker.log").read_text()
                time.sleep(0.25)
        finally:
            os.killpg(worker.pid, signal.SIGTERM)
            worker.wait(timeout=40)
    assert len(rx.received) == 1, (tmp_path / "worker.log").read_text()
    assert rx.received[0].verified  # signed with the secret shown once
    assert rx.received[0].payload["type"] == "observation.created"
