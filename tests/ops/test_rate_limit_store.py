"""Several workers must share one rate-limit store, or each keeps its own count.

Two separate processes stand for two gunicorn workers. With TRYGG_RATELIMIT_STORAGE_URI pointing
at Redis, failed logins counted by the first refuse the second's next attempt; with the default
memory:// store (one per process) the second worker would know nothing of the first one's count,
and an attacker would get as many guesses per address as there are workers.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys

import pytest

from webapp import ROOT

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


@pytest.fixture(scope="module")
def redis_url() -> str:
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except Exception as error:  # noqa: BLE001 - any failure means "no server here"
        if os.environ.get("REQUIRE_REDIS"):
            pytest.fail(f"REQUIRE_REDIS is set but Redis is not reachable at {REDIS_URL}: {error}")
        pytest.skip(f"no Redis server reachable at {REDIS_URL} ({error.__class__.__name__})")
    return REDIS_URL


def worker(storage: str, prefix: str, db_url: str, attempts: int) -> list[int]:
    result = subprocess.run(
        [sys.executable, "-m", "tests.ops.limiter_worker", storage, prefix, db_url, str(attempts)],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    return [int(s) for s in result.stdout.split()]


def test_workers_sharing_redis_share_the_login_limit(redis_url, tmp_path):
    prefix = "trygg-test-" + secrets.token_hex(6)
    db_url = f"sqlite:///{tmp_path}/limits.sqlite"

    first = worker(redis_url, prefix, db_url, 3)
    second = worker(redis_url, prefix, db_url, 1)

    assert first == [401, 401, 401]
    assert second == [429]  # the other worker's failures count here too

    import redis

    client = redis.Redis.from_url(redis_url)
    keys = list(client.scan_iter(f"*{prefix}*"))
    assert keys  # the counts live in Redis
    client.delete(*keys)
