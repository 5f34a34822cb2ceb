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


def test_the_worker_runs_retention_by_itself_on_the_embedded_default(tmp_path: Path) -> None:
    instance = tmp_path / "instance"
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("TRYGG_") and key not in ("DATABASE_URL", "TEST_DATABASE_URL")
    }
    env.update(
        TRYGG_ENV="development",
        TRYGG_INSTANCE_PATH=str(instance),
        TRYGG_PHOTO_DIR=str(instance / "photos"),
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
