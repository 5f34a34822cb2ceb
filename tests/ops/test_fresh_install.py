"""A fresh production install, done as the README and the systemd unit say, can save an
observation; retention runs by itself from the worker's unit, or instead from a systemd timer
(or cron).

The commands are read from the README's Production section and the unit's ExecStartPre lines and
run as written (with this checkout's virtualenv for /srv/trygg-sunne/.venv) against an empty
database with production settings, twice, as a restart does.
"""

from __future__ import annotations

import configparser
import os
import re
import secrets
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.auth.helpers import login_form
from tests.conftest import api_post
from webapp import ROOT, create_app
from webapp.extensions import db
from webapp.observations.models import Observation

SYSTEMD = ROOT / "deploy" / "systemd"
APP_DIR = "/srv/trygg-sunne"
PASSWORD = "ett-långt-lösenord-för-rådet"  # noqa: S105 - a throw-away test account


def unit(name: str) -> configparser.ConfigParser:
    """A systemd unit file as sections of (possibly repeated) keys."""
    parser = configparser.ConfigParser(strict=False, interpolation=None, delimiters=("=",))
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    parser.read_string((SYSTEMD / name).read_text())
    return parser


def exec_lines(name: str, key: str) -> list[str]:
    """Every `key=` line of the unit's [Service], in order (configparser keeps only the last)."""
    text = (SYSTEMD / name).read_text()
    return [m.group(1).strip() for m in re.finditer(rf"^{key}=(.+)$", text, flags=re.M)]


def readme_production_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text()
    section = readme.split("### Production", 1)[1].split("\n## ", 1)[0]
    block = section.split("```sh", 1)[1].split("```", 1)[0]
    return [line.split("#", 1)[0].strip() for line in block.splitlines() if "bin/flask" in line]


def flask_argv(command: str) -> tuple[list[str], str | None]:
    """(argv with this checkout's interpreter, stdin text) for `[echo 'x' |] .../flask ...`."""
    stdin = None
    if "|" in command:
        left, command = (part.strip() for part in command.split("|", 1))
        stdin = shlex.split(left)[1] + "\n"
    words = shlex.split(command)
    assert words[0] in (f"{APP_DIR}/.venv/bin/flask", ".venv/bin/flask"), command
    return [sys.executable, "-m", "flask", *words[1:]], stdin


@pytest.fixture
def production_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TRYGG_", "FLASK_"))}
    env.update(
        TRYGG_ENV="production",
        SECRET_KEY=secrets.token_urlsafe(48),
        DATABASE_URL=f"sqlite:///{tmp_path}/trygg.sqlite",
        TRYGG_PHOTO_DIR=str(tmp_path / "photos"),
        TRYGG_RATELIMIT_STORAGE_URI="memory://",
    )
    return env


def run(command: str, env: dict[str, str], password: str = PASSWORD) -> None:
    argv, stdin = flask_argv(command)
    if stdin is not None:
        stdin = password + "\n"
    result = subprocess.run(  # noqa: S603 - our own commands, from our own README
        argv, cwd=ROOT, env=env, input=stdin, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, f"{command}\n{result.stdout}\n{result.stderr}"


def test_the_unit_prepares_schema_then_reference_data_before_the_app_starts():
    pre = exec_lines("trygg-sunne.service", "ExecStartPre")
    assert pre == [
        f"{APP_DIR}/.venv/bin/flask --app webapp db upgrade",
        f"{APP_DIR}/.venv/bin/flask --app webapp seed-reference",
    ]
    readme = readme_production_commands()
    assert readme.index(".venv/bin/flask --app webapp db upgrade") < readme.index(
        ".venv/bin/flask --app webapp seed-reference"
    )


def test_a_fresh_install_done_as_documented_saves_an_observation(production_env, tmp_path):
    pre = exec_lines("trygg-sunne.service", "ExecStartPre")
    unit_steps = [line.replace(f"{APP_DIR}/", "") for line in pre]
    for command in [*readme_production_commands(), *unit_steps]:  # install, then a (re)start
        run(command, production_env)

    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": production_env["DATABASE_URL"],
                                 "PHOTO_DIR": str(tmp_path / "photos")})  # fmt: skip
    client = app.test_client()
    assert login_form(client, "anna", PASSWORD).status_code == 302
    categories = client.get("/api/v1/categories").get_json()
    codes = (
        [c["code"] for c in categories]
        if isinstance(categories, list)
        else [c["code"] for c in categories["categories"]]
    )
    assert "belysning" in codes
    response = api_post(
        client,
        "/api/v1/observations",
        {"id": "6f1c2b8e-3a4d-4e5f-9a6b-7c8d9e0f1a2b", "lat": 59.8366, "lon": 13.1440,
         "accuracy_m": 8, "observed_at": "2026-12-01T18:00:00+01:00", "category": "belysning",
         "note": "Trasig lampa vid Stortorget."},
    )  # fmt: skip
    assert response.status_code == 201, response.get_json()
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Observation)) == 1
        db.session.remove()
        db.engine.dispose()


def test_retention_has_a_daily_timer_that_runs_the_retention_command():
    timer = unit("trygg-sunne-retention.timer")
    assert timer["Timer"]["Unit"] == "trygg-sunne-retention.service"
    assert timer["Timer"]["Persistent"] == "true"  # a night missed while down is caught up
    assert re.fullmatch(r"\*-\*-\* \d\d:\d\d:\d\d", timer["Timer"]["OnCalendar"])
    assert timer["Install"]["WantedBy"] == "timers.target"
    service = unit("trygg-sunne-retention.service")["Service"]
    assert service["Type"] == "oneshot"
    assert service["ExecStart"] == f"{APP_DIR}/.venv/bin/flask --app webapp retention"
    app_unit = unit("trygg-sunne.service")["Service"]
    for key in ("User", "WorkingDirectory", "EnvironmentFile", "ReadWritePaths"):
        assert service[key] == app_unit[key], key


def test_the_worker_unit_runs_the_worker_as_the_app_does_and_restarts_it():
    service = unit("trygg-sunne-worker.service")["Service"]
    assert service["ExecStart"] == f"{APP_DIR}/.venv/bin/flask --app webapp worker"
    assert service["KillSignal"] == "SIGTERM"  # the worker's graceful stop
    assert service["Restart"] == "always"
    app_unit = unit("trygg-sunne.service")["Service"]
    for key in ("User", "WorkingDirectory", "EnvironmentFile", "ReadWritePaths"):
        assert service[key] == app_unit[key], key
    # Either the worker or the timer runs retention: each file says so.
    for name in ("trygg-sunne-worker.service", "trygg-sunne-retention.service"):
        assert "not both" in (SYSTEMD / name).read_text(), name


def test_systemd_accepts_the_unit_files(tmp_path):
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed")
    names = [
        "trygg-sunne.service",
        "trygg-sunne-worker.service",
        "trygg-sunne-retention.service",
        "trygg-sunne-retention.timer",
    ]
    for name in names:
        # The paths of this machine, not /srv: verify checks that the commands exist.
        text = (
            (SYSTEMD / name)
            .read_text()
            .replace(f"{APP_DIR}/.venv/bin/flask", str(Path(sys.executable).parent / "flask"))
        )
        gunicorn = str(Path(sys.executable).parent / "gunicorn")
        text = text.replace(f"{APP_DIR}/.venv/bin/gunicorn", gunicorn)
        (tmp_path / name).write_text(text)
    result = subprocess.run(  # noqa: S603
        [analyze, "verify", *(str(tmp_path / n) for n in names)],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    problems = [
        line for line in (result.stdout + result.stderr).splitlines()
        if "trygg-sunne" in line and "User" not in line and "Group" not in line
    ]  # fmt: skip
    assert not problems, "\n".join(problems)


def test_the_readme_documents_cron_for_retention():
    readme = (ROOT / "README.md").read_text()
    section = readme.split("### Retention", 1)[1].split("\n### ", 1)[0]
    cron = re.search(r"^\d+ \d+ \* \* \* .*$", section, flags=re.M)
    assert cron and "flask --app webapp retention" in cron.group(0)
    assert "trygg-sunne-retention.timer" in section
