#!/usr/bin/env python3
"""The two set-up commands of the README.

    python3 dev.py run    # install into .venv, migrate, seed the Sunne demo, serve on :5000
    python3 dev.py test   # install into .venv and run the test suite (extra args go to pytest)

Only Python 3.11+ and pip are needed. Re-running is cheap: the install step is skipped while
pyproject.toml is unchanged.
"""

from __future__ import annotations

import hashlib
import os
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
    if sys.version_info < (3, 11):
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
    print(f"\nTrygg Sunne runs at http://{host}:{port}  (Ctrl+C stops it)\n", flush=True)
    os.execve(PYTHON, [str(PYTHON), "-m", "flask", "run", "--host", host, "--port", port, *args], env)


def test(args: list[str]) -> None:
    ensure_installed()
    result = subprocess.run([str(PYTHON), "-m", "pytest", *args], cwd=ROOT, env=flask_env())
    sys.exit(result.returncode)


def main() -> None:
    commands = {"run": run, "test": test}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        sys.exit(__doc__)
    commands[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    main()
