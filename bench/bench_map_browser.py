"""Time until the coordinator's map shows its first clusters, in Debian's chromium.

    .venv/bin/python -m bench.bench_map_browser [points ...]     # default: 1000 10000

Prints, per data size, the median over 3 loads of the time from navigation start until the
first cluster icon is drawn. Target (issue "Coordinator map"): under 2 s at 10,000 points.
"""

from __future__ import annotations

import argparse
import logging
import shutil
import statistics
import threading
import time

from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

from bench.common import bench_app, ensure_user, insert_observations
from webapp.core.access import Role
from webapp.extensions import db

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]  # fmt: skip


def main(sizes: list[int]) -> None:
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    app = bench_app()
    app.config["TILE_URL"] = "/no-tiles/{z}/{x}/{y}.png"  # no network; tiles 404 locally
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    stored = 0
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=shutil.which("chromium"), args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        with app.app_context():
            ensure_user("bench-coordinator", Role.COORDINATOR)
        page.goto(base + "/login")
        page.fill("#username", "bench-coordinator")
        page.fill("#password", "bench-password-123")
        page.click("main form button[type=submit]")
        print(f"{'points':>8} {'first clusters s (median of 3)':>32}")
        for size in sizes:
            with app.app_context():
                author = ensure_user("bench-officer", Role.OFFICER)
                insert_observations(author.id, size - stored, days=30)
                stored = size
            times = []
            for _ in range(3):
                start = time.perf_counter()
                page.goto(base + "/review/map")
                page.wait_for_selector(
                    ".server-cluster", timeout=30_000
                )  # issue 18: server clusters
                times.append(time.perf_counter() - start)
            print(f"{size:>8} {statistics.median(times):>32.2f}")
        browser.close()
    server.shutdown()
    with app.app_context():
        db.session.remove()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("points", nargs="*", type=int, help="default: 1000 10000")
    main(parser.parse_args().points or [1_000, 10_000])
