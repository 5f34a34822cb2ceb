"""A small closed-loop HTTP load generator for loopback benchmarks.

Each simulated client is one thread with one keep-alive connection (http.client) and its own
cookie: it sends a request, waits for the whole answer, and sends the next one. Clients are
spread over several processes so the generator is not held back by one interpreter's GIL.

Only 127.0.0.1 is accepted as a target, every run is bounded in time, and a client stops by
itself at the deadline after its request in flight has been answered, so at the end every
request that was sent has an answer: the count of what was sent is exact.

Two kinds of run:
- `get`: the same GET over and over (the bare reference endpoints).
- `observations`: each client logs in through the real login form (as the reverse proxy would
  send it: X-Forwarded-For a per-client address, X-Forwarded-Proto https, a same-origin
  Referer), fetches a CSRF token and POSTs observations with fresh UUIDs. Every 10th request
  replays one of its own earlier observations (must answer 200), and every 20th request posts an
  observation shared with its partner client (same account), so the two race to insert the same
  UUID: exactly one 201, the other 200. What was sent is returned, to be compared with the
  database.
"""

from __future__ import annotations

import http.client
import json
import multiprocessing
import random
import re
import resource
import statistics
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import urlencode, urlsplit

NAMESPACE = uuid.UUID("6b1c6f0e-0d1e-4f57-9a43-2f0b6c1d5e77")
TOKEN_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
RETRYABLE = (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError)


@dataclass
class RunSpec:
    base: str
    kind: str  # "get" | "post" (bare insert) | "observations"
    clients: int
    duration: float
    warmup: float = 2.0
    path: str = "/"
    users: list[str] = field(default_factory=list)  # observations: one account per client pair
    password: str = ""
    categories: list[str] = field(default_factory=list)
    processes: int = 2
    tag: str = "run"  # makes the UUIDs of one run unlike those of another


@dataclass
class ClientResult:
    latencies: list[float] = field(default_factory=list)  # seconds, inside the measured window
    statuses: dict[int, int] = field(default_factory=dict)  # every answer, warm-up included
    errors: list[str] = field(default_factory=list)
    reconnects: int = 0  # a reused keep-alive connection was closed by the server: resent once
    sent_ids: set[str] = field(default_factory=set)
    unexpected: list[str] = field(default_factory=list)  # e.g. a replay that did not get 200
    created: int = 0


class Client:
    """One phone (or one browser tab): a keep-alive connection and a session cookie."""

    def __init__(self, base: str, address: str) -> None:
        parts = urlsplit(base)
        if parts.hostname != "127.0.0.1":
            raise ValueError("the load generator only targets 127.0.0.1")
        self.host, self.port = parts.hostname, parts.port or 80
        self.origin = f"https://{parts.netloc}"  # as the proxy presents it to the app
        self.address = address
        self.cookies: dict[str, str] = {}
        self.conn: http.client.HTTPConnection | None = None
        self.reconnects = 0

    def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, bytes]:
        all_headers = {
            "X-Forwarded-For": self.address,
            "X-Forwarded-Proto": "https",
            "Referer": self.origin + "/field/new",
            **(headers or {}),
        }
        if self.cookies:
            all_headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        for attempt in range(2):
            fresh = self.conn is None
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
            try:
                self.conn.request(method, path, body=body, headers=all_headers)
                response = self.conn.getresponse()
                data = response.read()
            except RETRYABLE:
                # The server closed an idle or recycled connection before reading this request:
                # what a browser does too, once, on a fresh connection.
                self.conn.close()
                self.conn = None
                if fresh or attempt:
                    raise
                self.reconnects += 1
                continue
            if response.will_close:
                self.conn.close()
                self.conn = None
            for header in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(header).items():
                    self.cookies[name] = morsel.value
            return response.status, data
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()


def observation(obs_id: str, categories: list[str]) -> bytes:
    rng = random.Random(obs_id)  # the same id always gives the same content: a true replay
    return json.dumps(
        {
            "id": obs_id,
            "lat": round(59.8366 + rng.gauss(0, 0.004), 7),
            "lon": round(13.1440 + rng.gauss(0, 0.008), 7),
            "accuracy_m": 8.0,
            "observed_at": "2026-11-29T10:15:00+01:00",
            "category": rng.choice(categories),
            "note": f"Belastningsprov {rng.randrange(1_000_000)}",
        }
    ).encode()


def log_in(client: Client, username: str, password: str) -> str:
    status, page = client.request("GET", "/login")
    match = TOKEN_RE.search(page.decode())
    if status != 200 or not match:
        raise RuntimeError(f"login page: {status}")
    form = urlencode({"csrf_token": match.group(1), "username": username, "password": password})
    status, _ = client.request(
        "POST", "/login", form.encode(), {"Content-Type": "application/x-www-form-urlencoded"}
    )
    if status != 302:
        raise RuntimeError(f"login as {username}: {status}")
    status, data = client.request("GET", "/api/v1/csrf-token")
    token = json.loads(data)
    if status != 200 or not token.get("authenticated"):
        raise RuntimeError("logged in, but the session is not")
    return token["csrf_token"]


def run_client(spec: RunSpec, index: int, start_at: float, result: ClientResult) -> None:
    client = Client(spec.base, f"10.{index // 250}.{index % 250}.{7}")
    measure_from = start_at + spec.warmup
    stop_at = measure_from + spec.duration
    try:
        headers: dict[str, str] = {}
        next_request: Any
        if spec.kind == "observations":
            pair = index // 2
            token = log_in(client, spec.users[pair % len(spec.users)], spec.password)
            headers = {"Content-Type": "application/json", "X-CSRFToken": token}
            own: list[str] = []
            counter = 0
            rng = random.Random(index)

            def next_request() -> tuple[str, str, bytes, str]:
                nonlocal counter
                counter += 1
                categories = spec.categories
                if counter % 10 == 0 and own:
                    obs_id = rng.choice(own)
                    return "POST", "/api/v1/observations", observation(obs_id, categories), "replay"
                if counter % 20 == 5:
                    obs_id = str(uuid.uuid5(NAMESPACE, f"{spec.tag}-pair-{pair}-{counter}"))
                    return "POST", "/api/v1/observations", observation(obs_id, categories), "shared"
                obs_id = str(uuid.uuid5(NAMESPACE, f"{spec.tag}-client-{index}-{counter}"))
                own.append(obs_id)
                return "POST", "/api/v1/observations", observation(obs_id, categories), "new"

        elif spec.kind == "post":  # the bare insert: no login, no CSRF, unique ids
            counter = 0

            def next_request() -> tuple[str, str, bytes, str]:
                nonlocal counter
                counter += 1
                obs_id = str(uuid.uuid5(NAMESPACE, f"{spec.tag}-client-{index}-{counter}"))
                return "POST", spec.path, observation(obs_id, ["bare"]), "post"

            headers = {"Content-Type": "application/json"}
        else:

            def next_request() -> tuple[str, str, bytes, str]:
                return "GET", spec.path, b"", "get"

        while time.time() < start_at:
            time.sleep(0.001)
        while True:
            began = time.time()
            if began >= stop_at:
                break
            method, path, body, what = next_request()
            if what not in ("get", "post"):
                obs_id = json.loads(body)["id"]
                result.sent_ids.add(obs_id)
            try:
                status, data = client.request(method, path, body or None, headers)
            except OSError as error:
                result.errors.append(f"{type(error).__name__}: {error}")
                continue
            ended = time.time()
            result.statuses[status] = result.statuses.get(status, 0) + 1
            if measure_from <= began and ended <= stop_at:
                result.latencies.append(ended - began)
            if what in ("get", "post"):
                if status not in (200, 201):
                    result.unexpected.append(f"{method} {path}: {status}")
            elif status == 201:
                result.created += 1
                if what == "replay":
                    result.unexpected.append(f"replay {obs_id} created a row")
            elif status == 200 and what in ("replay", "shared"):
                pass
            else:
                result.unexpected.append(f"{what} {obs_id}: {status} {data[:200]!r}")
    except Exception as error:  # noqa: BLE001 - counted and reported, never hidden
        result.errors.append(f"{type(error).__name__}: {error}")
    finally:
        result.reconnects = client.reconnects
        client.close()


def _process_main(spec: RunSpec, indices: list[int], start_at: float, queue: Any) -> None:
    results = [ClientResult() for _ in indices]
    threads = [
        threading.Thread(target=run_client, args=(spec, i, start_at, r), daemon=True)
        for i, r in zip(indices, results, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(spec.warmup + spec.duration + 120)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    queue.put((results, usage.ru_utime + usage.ru_stime))


def _sample_window(sample: Callable[[], Any], opens: float, seconds: float, out: list) -> None:
    for edge in (opens, opens + seconds):
        time.sleep(max(0.0, edge - time.time()))
        out.append(sample())


@dataclass
class RunResult:
    spec: RunSpec
    latencies: list[float]
    statuses: dict[int, int]
    errors: list[str]
    unexpected: list[str]
    reconnects: int
    sent_ids: set[str]
    created: int
    generator_cpu_s: float
    window: list[Any] = field(default_factory=list)  # run()'s `sample` at the window's edges

    @property
    def measured(self) -> int:
        """Requests that began and ended inside the measured window."""
        return len(self.latencies)

    @property
    def throughput(self) -> float:
        return len(self.latencies) / self.spec.duration

    def percentile(self, p: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]

    @property
    def requests(self) -> int:
        return sum(self.statuses.values())

    def summary(self) -> dict[str, Any]:
        return {
            "clients": self.spec.clients,
            "seconds": self.spec.duration,
            "req_per_s": round(self.throughput, 1),
            "p50_ms": round(self.percentile(50) * 1000, 1),
            "p95_ms": round(self.percentile(95) * 1000, 1),
            "p99_ms": round(self.percentile(99) * 1000, 1),
            "mean_ms": round(statistics.fmean(self.latencies) * 1000, 1)
            if self.latencies
            else None,
            "requests": self.requests,
            "statuses": dict(sorted(self.statuses.items())),
            "errors": len(self.errors) + len(self.unexpected),
            "reconnects": self.reconnects,
            "generator_cpu_s": round(self.generator_cpu_s, 1),
        }


def run(spec: RunSpec, sample: Callable[[], Any] | None = None) -> RunResult:
    """Run `spec.clients` clients for warm-up + duration seconds; block until all are done.

    `sample` (e.g. the server's CPU seconds so far) is called when the measured window opens
    and when it closes; the two values land in `RunResult.window`, so a cost per request can
    leave out the clients' logins and the warm-up.
    """
    processes = max(1, min(spec.processes, spec.clients))
    groups = [list(range(p, spec.clients, processes)) for p in range(processes)]
    # Logging in takes a moment per client; everyone starts together after that.
    start_at = time.time() + (3.0 if spec.kind == "observations" else 0.5) + spec.clients * 0.02
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    workers = [
        context.Process(target=_process_main, args=(spec, group, start_at, queue))
        for group in groups
    ]
    for worker in workers:
        worker.start()
    window: list[Any] = []  # filled by a thread of this process, started after the forks
    sampler = None
    if sample is not None:
        sampler = threading.Thread(
            target=_sample_window,
            args=(sample, start_at + spec.warmup, spec.duration, window),
            daemon=True,
        )
        sampler.start()
    collected = [queue.get(timeout=spec.warmup + spec.duration + 300) for _ in workers]
    for worker in workers:
        worker.join()
    if sampler is not None:
        sampler.join()
    merged = RunResult(spec, [], {}, [], [], 0, set(), 0, 0.0, window)
    for results, cpu in collected:
        merged.generator_cpu_s += cpu
        for r in results:
            merged.latencies += r.latencies
            for status, n in r.statuses.items():
                merged.statuses[status] = merged.statuses.get(status, 0) + n
            merged.errors += r.errors
            merged.unexpected += r.unexpected
            merged.reconnects += r.reconnects
            merged.sent_ids |= r.sent_ids
            merged.created += r.created
    return merged
