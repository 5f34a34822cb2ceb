#!/usr/bin/env python3
"""The set-up commands of the README.

    python3 dev.py run          # install into .venv, migrate, seed the Sunne demo, serve on :5000
                                # (and start the background worker beside it)
    python3 dev.py test         # install into .venv and run the tests (extra args go to pytest)
    python3 dev.py screenshots  # run the journeys and copy the README's screenshots to docs/

Only Python 3.11+ and pip are needed. Re-running is cheap: the install step is skipped while
pyproject.toml is unchanged.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / "python"


def sh(*args: str | Path, env: dict[str, str] | None = None) -> None:
    print("+", " ".join(str(a) for a in args), flush=True)
    subprocess.run([str(a) for a in args], cwd=ROOT, check=True, env=env)


def ensure_installed() -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 - this script itself may run on an older Python
        sys.exit("Trygg Sunne needs Python 3.11 or newer.")
    stamp = VENV / ".installed"
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if stamp.exists() and stamp.read_text() == digest:
        return
    if not PYTHON.exists():
        print("+ creating", VENV, flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    sh(PYTHON, "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    sh(PYTHON, "-m", "pip", "install", "--quiet", "-e", ".[test]")
    stamp.write_text(digest)


def flask_env() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("FLASK_APP", "webapp")
    return env


def run(args: list[str]) -> None:
    ensure_installed()
    env = flask_env()
    sh(PYTHON, "-m", "flask", "db", "upgrade", env=env)
    sh(PYTHON, "-m", "flask", "seed-demo", env=env)
    host = os.environ.get("HOST", "127.0.0.1")
    port = os.environ.get("PORT", "5000")
    # The background worker (retention daily, later imports and deliveries) beside the web
    # server, on the SQLite queue in instance/ unless TRYGG_QUEUE_URL says otherwise.
    worker = subprocess.Popen([str(PYTHON), "-m", "flask", "worker"], cwd=ROOT, env=env)
    print(f"\nTrygg Sunne runs at http://{host}:{port}  (Ctrl+C stops it)\n", flush=True)
    server = subprocess.Popen(
        [str(PYTHON), "-m", "flask", "run", "--host", host, "--port", port, *args],
        cwd=ROOT,
        env=env,
    )
    try:
        code = server.wait()
    except KeyboardInterrupt:
        code = server.wait()
    finally:
        if worker.poll() is None:
            worker.terminate()  # SIGTERM: the worker finishes the job in hand
            try:
                worker.wait(timeout=30)
            except (subprocess.TimeoutExpired, KeyboardInterrupt):
                worker.kill()
    sys.exit(code)


def test(args: list[str]) -> None:
    ensure_installed()
    result = subprocess.run([str(PYTHON), "-m", "pytest", *args], cwd=ROOT, env=flask_env())
    sys.exit(result.returncode)


# Journey screenshot (saved by a journey test with person.shot(name)) -> README image.
README_SHOTS = {
    "readme-field-entry": "field-entry-360.png",  # an officer's entry form on a 360 px phone
    "readme-coordinator-map": "coordinator-map.png",  # the coordinator's map, 1366 px
    "readme-council-report": "council-report.png",  # the council report, 1366 px
}
SHOTS_DIR = ROOT / "docs" / "screenshots"


def screenshots(args: list[str]) -> None:
    """Run the journeys (tests/journeys) in Chromium and copy their README shots to docs/.

    The shots come from a fresh folder, so an image never outlives the journey that made it.
    """
    ensure_installed()
    shots = ROOT / "instance" / "journey-shots" / "readme-run"
    shutil.rmtree(shots, ignore_errors=True)
    env = {**flask_env(), "JOURNEY_SHOTS": str(shots)}
    command = [str(PYTHON), "-m", "pytest", "tests/journeys", "-q", *args]
    result = subprocess.run(command, cwd=ROOT, env=env)  # noqa: S603 - our venv's pytest
    SHOTS_DIR.mkdir(parents=True, exist_ok=True)
    missing = []
    for shot, image in README_SHOTS.items():
        source = shots / f"{shot}.png"
        if source.exists():
            shutil.copyfile(source, SHOTS_DIR / image)
            print(f"  {source.relative_to(ROOT)} -> {(SHOTS_DIR / image).relative_to(ROOT)}")
        else:
            missing.append(shot)
    if missing:
        print("No journey saved: " + ", ".join(missing), file=sys.stderr)
    sys.exit(result.returncode or (1 if missing else 0))


def main() -> None:
    commands = {"run": run, "test": test, "screenshots": screenshots}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        sys.exit(__doc__)
    commands[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    main()
