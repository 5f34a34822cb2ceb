"""End-to-end sync: observations queued offline in Debian's chromium, then sent on reconnect.

    .venv/bin/python -m bench.bench_sync                  # 500 observations, SQLite
    .venv/bin/python -m bench.bench_sync --db postgres    # a private PostgreSQL database
    .venv/bin/python -m bench.bench_sync --items 50       # quick

The server is the production set-up (gunicorn with deploy/gunicorn.conf.py, TRYGG_ENV=production;
chromium accepts the Secure session cookie from http://127.0.0.1, a secure origin). A phone-sized
browser context logs in through the form, opens the entry form (its service worker installed),
goes offline (network emulation plus a route that aborts every request, the service worker's
too, as in tests/browser), and queues the observations through the page's own outbox
(`TryggOutbox.add`, what the form's save button calls), each with its own UUID. Then it goes
online: the page's `online` handler flushes the outbox. Timed: from going online until the
server holds every observation and the outbox is empty.

Target (issue 9): 500 queued observations synced in under 30 s.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy import create_engine, text

from bench.server import PASSWORD, database, gunicorn, load_warning, prepare, production_env

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]  # fmt: skip
SUNNE = {"latitude": 59.8366, "longitude": 13.1440, "accuracy": 10}

QUEUE_JS = """
async ({count, category}) => {
  const started = performance.now();
  for (let i = 0; i < count; i += 1) {
    const id = TryggOutbox.uuid4();
    const observed = new Date(Date.now() - (count - i) * 1000);
    const offset = -observed.getTimezoneOffset();
    const sign = offset >= 0 ? "+" : "-";
    const pad = (n) => String(Math.floor(Math.abs(n))).padStart(2, "0");
    const local = new Date(observed.getTime() + offset * 60000).toISOString().slice(0, 19);
    const payload = {
      id,
      lat: Number((59.8366 + (Math.random() - 0.5) * 0.01).toFixed(7)),
      lon: Number((13.1440 + (Math.random() - 0.5) * 0.02).toFixed(7)),
      accuracy_m: 8,
      observed_at: `${local}${sign}${pad(offset / 60)}:${pad(offset % 60)}`,
      category,
      note: `Köad utan nät ${i + 1}`,
      manual_position: false,
    };
    await TryggOutbox.add({ id, payload, photos: [] });
  }
  return performance.now() - started;
}
"""


class Net:
    """The context's one way out: 127.0.0.1 only, and everything cut while offline."""

    def __init__(self) -> None:
        self.offline = False
        self.blocked: list[str] = []

    def handle(self, route) -> None:  # type: ignore[no-untyped-def]
        if urlsplit(route.request.url).hostname != "127.0.0.1":
            self.blocked.append(route.request.url)  # map tiles: never fetched here
            route.abort("blockedbyclient")
        elif self.offline:
            route.abort("internetdisconnected")
        else:
            route.continue_()


def poll(page, expression: str, timeout: float = 20.0):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while True:
        value = page.evaluate(expression)
        if value:
            return value
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out waiting for {expression}")
        page.wait_for_timeout(50)


def run(items: int, kind: str, timeout: float) -> int:
    from playwright.sync_api import sync_playwright

    workdir = Path(tempfile.mkdtemp(prefix="trygg-bench-sync-"))
    try:
        with database(kind, workdir) as url:
            users, categories = prepare(url, 1)
            engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))

            def stored() -> int:
                with engine.connect() as conn:
                    return conn.execute(text("SELECT count(*) FROM observations")).scalar_one()

            env = production_env(url, workdir)
            with (
                gunicorn(env, log=workdir / "gunicorn.log", app_uri="webapp.wsgi:app") as base,
                sync_playwright() as pw,
            ):
                browser = pw.chromium.launch(executable_path=shutil.which("chromium"), args=ARGS)
                net = Net()
                context = browser.new_context(
                    base_url=base, viewport={"width": 390, "height": 844}, is_mobile=True,
                    has_touch=True, locale="sv-SE", timezone_id="Europe/Stockholm",
                    geolocation=SUNNE, permissions=["geolocation", "background-sync"],
                    service_workers="allow",
                )  # fmt: skip
                context.route("**/*", net.handle)
                page = context.new_page()
                errors: list[str] = []
                page.on("pageerror", lambda error: errors.append(str(error)))
                page.goto("/login")
                page.fill("#username", users[0])
                page.fill("#password", PASSWORD)
                page.click("main form button[type=submit]")
                page.wait_for_load_state("load")
                page.goto("/field/new")
                poll(page, "() => navigator.serviceWorker.ready.then(r => !!r.active)")
                if not page.evaluate("() => !!navigator.serviceWorker.controller"):
                    page.reload()
                    poll(page, "() => !!navigator.serviceWorker.controller")
                poll(page, "() => typeof TryggOutbox === 'object' && TryggOutbox.enabled")

                net.offline = True
                context.set_offline(True)
                queue_ms = page.evaluate(QUEUE_JS, {"count": items, "category": categories[0]})
                waiting = page.evaluate("() => TryggOutbox.count()")
                print(
                    f"queued offline: {waiting} observations in {queue_ms / 1000:.1f} s "
                    f"(server holds {stored()})",
                    flush=True,
                )

                net.offline = False  # routes first: the flush on "online" must get through
                started = time.perf_counter()
                context.set_offline(False)
                last_report = started
                while True:
                    on_server = stored()
                    left = page.evaluate("() => TryggOutbox.count()")
                    now = time.perf_counter()
                    if on_server >= items and left == 0:
                        break
                    if now - started > timeout:
                        print(f"TIMEOUT after {timeout:.0f} s: {on_server} stored, {left} left")
                        return 1
                    if now - last_report >= 5:
                        print(f"  {now - started:5.1f} s: {on_server} stored, {left} waiting")
                        last_report = now
                    page.wait_for_timeout(50)
                elapsed = time.perf_counter() - started
                rejected = page.evaluate(
                    "() => TryggOutbox.list()"
                    ".then(l => l.filter(i => i.state === 'rejected').length)"
                )
                context.close()
                browser.close()
            final = stored()
            engine.dispose()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print(
        f"\n{kind}: {items} observations synced in {elapsed:.1f} s "
        f"({items / elapsed:.0f}/s, {1000 * elapsed / items:.0f} ms each); "
        f"server rows {final}, rejected {rejected}, page errors {len(errors)}"
    )
    ok = final == items and not rejected and not errors
    if not ok:
        print("PROBLEM: rows, rejections or page errors are not as expected:", errors[:3])
    return 0 if ok else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--items", type=int, default=500)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--timeout", type=float, default=300, help="give up after this many s")
    args = parser.parse_args(argv)
    warning = load_warning()
    if warning:
        print(warning)
    return run(args.items, args.db, args.timeout)


if __name__ == "__main__":
    sys.exit(main())
