"""The production server set-up for benchmarks: gunicorn with deploy/gunicorn.conf.py.

The WSGI callable `app` below is the real app (webapp.wsgi, so TRYGG_ENV=production with all its
checks) plus two reference endpoints that exist only in the benchmark:

- `/_bare/`: a plain `Flask()` app mounted beside ours in the same workers: the cost of gunicorn
  and Flask themselves, the baseline of the ratio.
- `/_bare/insert`: the same plain app storing the posted JSON as one row (SQLAlchemy Core, one
  transaction, the same database and SQLite tuning): a minimal Flask app that writes.
- `/_bench/noop`: a route inside our app that does nothing: what our request hooks (security
  headers, session, locale) add before any view runs.
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Column, LargeBinary, MetaData, String, Table

ROOT = Path(__file__).resolve().parent.parent
GUNICORN_CONF = ROOT / "deploy" / "gunicorn.conf.py"
PASSWORD = "bench-password-123"  # noqa: S105
PG_ADMIN_URL = os.environ.get("BENCH_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")


def build_wsgi():  # type: ignore[no-untyped-def]
    from flask import Flask, jsonify, request
    from werkzeug.middleware.dispatcher import DispatcherMiddleware

    from webapp.wsgi import app as trygg

    def noop():  # type: ignore[no-untyped-def]
        return jsonify(ok=True)

    trygg.add_url_rule("/_bench/noop", "bench_noop", noop)
    bare = Flask("bare")
    bare.add_url_rule("/", "bare", noop)
    engine = None

    def insert():  # type: ignore[no-untyped-def]
        nonlocal engine
        if engine is None:  # per worker process, after the fork
            engine = bare_engine(trygg.config["SQLALCHEMY_DATABASE_URI"])
        body = request.get_json()
        with engine.begin() as conn:
            conn.execute(BARE_TABLE.insert().values(id=body["id"], body=request.get_data()))
        return jsonify(ok=True), 201

    bare.add_url_rule("/insert", "insert", insert, methods=["POST"])
    return DispatcherMiddleware(trygg, {"/_bare": bare})


BARE_TABLE = Table(
    "bench_bare",
    MetaData(),
    Column("id", String(36), primary_key=True),
    Column("body", LargeBinary),
)


def bare_engine(url: str):  # type: ignore[no-untyped-def]
    from sqlalchemy import create_engine

    from webapp.core.storage import tune_sqlite

    engine = create_engine(url)
    if engine.dialect.name == "sqlite":
        tune_sqlite(engine)  # WAL, busy timeout, BEGIN IMMEDIATE: as fair as our app
    return engine


if os.environ.get("TRYGG_BENCH_SERVER") == "1":  # imported by gunicorn, not by the driver
    app = build_wsgi()


class Server(str):
    """The base URL of a running server, with the pid of its gunicorn master."""

    pid: int = 0


def process_cpu_seconds(pids: list[int], *, reaped: bool = False) -> float:
    """User + system CPU time of these processes (Linux /proc), 0 for those gone.

    `reaped` adds what their finished children used (a recycled gunicorn worker's time moves
    to the master once the master has reaped it).
    """
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        used = int(fields[11]) + int(fields[12])  # utime, stime
        if reaped:
            used += int(fields[13]) + int(fields[14])  # cutime, cstime
        total += used / ticks
    return total


def children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    if int(stat.read().rsplit(")", 1)[1].split()[1]) == pid:
                        found.append(int(entry))
            except OSError:
                continue
    return found


def server_cpu_seconds(server: Server) -> float:
    """CPU time of gunicorn's master and workers so far, recycled workers included."""
    return process_cpu_seconds([server.pid], reaped=True) + process_cpu_seconds(
        children(server.pid)
    )


def postgres_backend_pids(url: str) -> list[int]:
    """The server processes of PostgreSQL serving database `url` (on this machine)."""
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            (name,),
        ).fetchall()
    return [row[0] for row in rows]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def gunicorn(
    env: dict[str, str],
    *,
    workers: int | None = None,
    threads: int | None = None,
    worker_class: str | None = None,
    log: Path | None = None,
    app_uri: str = "bench.server:app",
) -> Iterator[Server]:
    """Start gunicorn with the production config on a free loopback port; yields its base URL.

    `app_uri` "webapp.wsgi:app" serves the app exactly as production does (no bench endpoints).
    """
    port = free_port()
    full_env = {**os.environ, **env, "TRYGG_BENCH_SERVER": "1", "TRYGG_BIND": f"127.0.0.1:{port}"}
    if workers:
        full_env["WEB_CONCURRENCY"] = str(workers)
    if threads:
        full_env["TRYGG_THREADS"] = str(threads)
    args = [sys.executable, "-m", "gunicorn", "-c", str(GUNICORN_CONF), "--log-level", "warning"]
    if worker_class:
        args += ["-k", worker_class]
    args.append(app_uri)
    out = open(log, "ab") if log else subprocess.DEVNULL  # noqa: SIM115
    process = subprocess.Popen(args, cwd=ROOT, env=full_env, stdout=out, stderr=out)  # noqa: S603
    base = Server(f"http://127.0.0.1:{port}")
    base.pid = process.pid
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {process.returncode} (see {log})")
            try:
                with urllib.request.urlopen(base + "/healthz", timeout=2) as response:  # noqa: S310
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("gunicorn did not answer /healthz within 60 s")
            time.sleep(0.2)
        yield base
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=35)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if log:
            out.close()  # type: ignore[union-attr]


def redis_answers(url: str) -> bool:
    try:
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
        return True
    except Exception:  # noqa: BLE001 - no Redis: the limiter falls back to per-worker memory
        return False


@contextmanager
def database(kind: str, workdir: Path) -> Iterator[str]:
    if kind == "sqlite":
        yield f"sqlite:///{workdir}/bench.sqlite"
        return
    import psycopg

    name = f"bench_trygg_{os.getpid()}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    base = PG_ADMIN_URL.rsplit("/", 1)[0]
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def prepare(url: str, accounts: int) -> tuple[list[str], list[str]]:
    """Schema, reference data and officer accounts; returns (usernames, category codes)."""
    from webapp import create_app
    from webapp.auth.cli import new_user
    from webapp.core.access import Role
    from webapp.extensions import db
    from webapp.observations.models import Category
    from webapp.ops.reference import seed_reference_data

    # Accounts get a cheap password hash: logging in is not what is measured here.
    app = create_app(
        "development",
        {"SQLALCHEMY_DATABASE_URI": url, "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"},
    )
    with app.app_context():
        db.create_all()
        BARE_TABLE.create(db.engine, checkfirst=True)
        seed_reference_data()
        names = [f"bench-officer-{i}" for i in range(accounts)]
        for name in names:
            db.session.add(new_user(name, Role.OFFICER, PASSWORD))
        db.session.commit()
        codes = list(db.session.scalars(db.select(Category.code).filter_by(active=True)))
        db.session.remove()
        db.engine.dispose()
    return names, codes


def production_env(url: str, workdir: Path) -> dict[str, str]:
    """TRYGG_ENV=production with a fresh strong key; the limiter store in Redis if one answers."""
    env = {
        "TRYGG_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(48),
        "DATABASE_URL": url,
        "TRYGG_PHOTO_DIR": str(workdir / "photos"),
    }
    if redis_answers(REDIS_URL):
        env["TRYGG_RATELIMIT_STORAGE_URI"] = REDIS_URL
        env["TRYGG_RATELIMIT_KEY_PREFIX"] = f"trygg-bench-{os.getpid()}-"
    return env


def load_warning() -> str | None:
    """A benchmark on a busy machine measures the other load: say so."""
    one_minute = os.getloadavg()[0]
    if one_minute > 0.5 * (os.cpu_count() or 1):
        return (
            f"WARNING: load average {one_minute:.1f} on {os.cpu_count()} cores before the run: "
            "other processes compete for the CPU, the figures will be low and noisy."
        )
    return None
