"""gunicorn settings for production: several worker processes behind a reverse proxy.

    TRYGG_ENV=production SECRET_KEY=... DATABASE_URL=postgresql://... \
    TRYGG_RATELIMIT_STORAGE_URI=redis://127.0.0.1:6379/0 \
        .venv/bin/gunicorn -c deploy/gunicorn.conf.py

Environment knobs (all optional): TRYGG_BIND (default 127.0.0.1:8000: only the proxy on this
host talks to us), WEB_CONCURRENCY (worker processes, default 2 per core), TRYGG_THREADS
(threads per worker, default 1), TRYGG_ACCESS_LOG ("-" for stdout; default off: the proxy
logs requests). Figures behind the defaults: README, Operate > Production, and bench/README.md.
"""

import os

wsgi_app = "webapp.wsgi:app"
bind = os.environ.get("TRYGG_BIND", "127.0.0.1:8000").split(",")

# Processes, not threads, give the CPU: the GIL lets one thread of a process run Python at a time,
# and threads that take turns at it cost CPU of their own. bench_submit, 16 clients, 2 cores
# (bench/README.md): 4 workers x 4 threads spent 4.5 ms CPU per submit on SQLite and 6.7 ms
# with PostgreSQL; 4 workers x 1 thread 3.3 and 5.0 ms, with 40 % (SQLite) and 75 % (PostgreSQL)
# more submits per second. Two workers per core cover the database's waits; nginx buffers
# request and response bodies, so a slow phone never holds a worker. The gthread worker keeps
# the proxy's idle keep-alive connections whatever the number of threads.
workers = int(os.environ.get("WEB_CONCURRENCY") or 2 * (os.cpu_count() or 1))
worker_class = "gthread"
threads = int(os.environ.get("TRYGG_THREADS") or 1)
# Idle keep-alive connections from the proxy (nginx `keepalive` in the upstream block).
keepalive = 30

# A request that takes longer has hung (a report takes ~2 s, a photo well under 1 s).
timeout = 60
graceful_timeout = 30
# Recycle workers now and then so a slow leak cannot grow without bound.
max_requests = 20_000
max_requests_jitter = 2_000

# X-Forwarded-* are trusted from the proxy's address only; the app itself counts proxies with
# TRYGG_PROXY_COUNT (werkzeug ProxyFix), so both agree on client address and scheme.
forwarded_allow_ips = os.environ.get("TRYGG_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")


def on_starting(server):  # noqa: ANN001, ANN201 - gunicorn's hook signature
    """Tell the app how many worker processes share its work (inherited by every worker), so
    production refuses a per-process memory:// rate-limit store with more than one."""
    os.environ["TRYGG_WORKER_PROCESSES"] = str(server.cfg.workers)


accesslog = os.environ.get("TRYGG_ACCESS_LOG") or None
errorlog = "-"
loglevel = os.environ.get("TRYGG_LOG_LEVEL", "info")
# No control socket: its default path in $HOME is shared by every gunicorn of the user.
control_socket_disable = True
proc_name = "trygg-sunne"
