"""The police's public events: import from a saved answer and from a recorded answer served on
127.0.0.1 (no other network), by the publisher's rules; listed in the weekly picture and its
PDF, never on a map."""

from __future__ import annotations

import io
import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.conftest import login
from webapp.core.audit.models import AuditEntry
from webapp.extensions import db
from webapp.interop.police_events.client import fetch
from webapp.interop.police_events.importer import import_from_feed
from webapp.interop.police_events.models import PoliceEvent, PoliceImport
from webapp.interop.police_events.parse import parse_datetime

SAMPLE = Path(__file__).with_name("events-sample.json")
KEPT = {612348, 612331, 612309, 612160, 612270, 612255, 612188, 612142, 612063}


class Feed:
    """A recorded answer on 127.0.0.1; counts the calls and keeps their headers."""

    def __init__(self) -> None:
        self.status = 200
        self.body = SAMPLE.read_bytes()
        self.headers: dict[str, str] = {}
        self.calls: list[dict[str, str]] = []
        self.paths: list[str] = []
        feed = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                feed.calls.append(dict(self.headers))
                feed.paths.append(self.path)
                self.send_response(feed.status)
                for name, value in feed.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.end_headers()
                if feed.status == 200:
                    self.wfile.write(feed.body)

            def log_message(self, *args) -> None:  # type: ignore[no-untyped-def]
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/api/events"


@pytest.fixture
def feed(app) -> Iterator[Feed]:  # type: ignore[no-untyped-def]
    feed = Feed()
    thread = threading.Thread(target=feed.server.serve_forever, daemon=True)
    thread.start()
    app.config.update(
        POLICE_EVENTS_URL=feed.url,
        POLICE_EVENTS_ALLOW_LOOPBACK_HTTP=True,
        POLICE_EVENTS_CONTACT="trygghet@sunne.se",
        POLICE_EVENTS_TIMEOUT_S=5,
    )
    yield feed
    feed.server.shutdown()
    feed.server.server_close()


def stored_ids(app) -> set[int]:  # type: ignore[no-untyped-def]
    with app.app_context():
        return set(db.session.execute(db.select(PoliceEvent.id)).scalars())


def run_import(app, *args: str):  # type: ignore[no-untyped-def]
    return app.test_cli_runner().invoke(args=["police-events", "import", *args])


def test_unpadded_hours_and_offsets_are_read():
    assert parse_datetime("2018-04-13 9:58:49 +02:00") == datetime(
        2018, 4, 13, 7, 58, 49, tzinfo=UTC
    )
    assert parse_datetime("2026-12-01 14:05:10 +01:00") == datetime(
        2026, 12, 1, 13, 5, 10, tzinfo=UTC
    )
    assert parse_datetime("2026-12-01T14:05:10+01:00") is None


def test_file_import_keeps_the_kommuns_events_and_runs_twice_without_duplicates(app, tmp_path):
    result = run_import(app, "--file", str(SAMPLE))
    assert result.exit_code == 0, result.output
    assert "received=13 kept=9 new=9 updated=0" in result.output
    # Torsby (not configured), county events about Kristinehamn and Karlstad, and "Sunnemo"
    # (the kommun's name must match as a whole word) are left out.
    assert stored_ids(app) == KEPT
    again = run_import(app, "--file", str(SAMPLE))
    assert "kept=9 new=0 updated=0" in again.output
    assert stored_ids(app) == KEPT
    # The police edit a summary: the row is updated, not duplicated.
    data = json.loads(SAMPLE.read_text(encoding="utf-8"))
    data[0]["summary"] = "Uppdaterad: en person till sjukhus."
    edited = tmp_path / "edited.json"
    edited.write_bytes(b"\xef\xbb\xbf" + json.dumps(data).encode())  # saved with a BOM
    assert "new=0 updated=1" in run_import(app, "--file", str(edited)).output
    with app.app_context():
        row = db.session.get(PoliceEvent, data[0]["id"])
        assert row.summary.startswith("Uppdaterad") and row.updated_at is not None
        entries = db.session.execute(
            db.select(AuditEntry).filter_by(action="police_events.import").order_by(AuditEntry.id)
        ).scalars()
        assert [e.detail["new"] for e in entries] == [9, 0, 0]


def test_other_locations_and_kommun_are_settings(app):
    app.config["POLICE_EVENTS_LOCATIONS"] = "Torsby"
    app.config["POLICE_EVENTS_KOMMUN"] = "Torsby"
    assert "kept=1 new=1" in run_import(app, "--file", str(SAMPLE)).output
    assert stored_ids(app) == {612101}


def test_bad_items_are_skipped_and_foreign_links_refused(app, tmp_path):
    data = json.loads(SAMPLE.read_text(encoding="utf-8"))[:3]
    data[0]["url"] = "https://evil.example/phish"
    data[1]["datetime"] = "igår"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data + ["not an event"]), encoding="utf-8")
    result = run_import(app, "--file", str(path))
    assert "received=4 kept=1" in result.output and "skipped=3" in result.output
    not_json = tmp_path / "broken.json"
    not_json.write_text("<html>", encoding="utf-8")
    assert run_import(app, "--file", str(not_json)).exit_code != 0


def test_fetch_names_the_installation_and_keeps_the_publishers_pace(app, feed):
    result = run_import(app)
    assert result.exit_code == 0, result.output
    assert "source=api received=13 kept=9 new=9" in result.output
    assert len(feed.calls) == 1
    headers = {k.lower(): v for k, v in feed.calls[0].items()}
    assert headers["user-agent"] == "TryggSunne/1.0 (Sunne kommun; trygghet@sunne.se)"
    assert "locationname=Sunne%3BV%C3%A4rmlands%20l%C3%A4n" in feed.paths[0]
    # A second call within 10 s makes no request.
    second = run_import(app)
    assert second.exit_code == 0 and "No call made" in second.output
    assert len(feed.calls) == 1
    with app.app_context():
        # 11 s later the next call is allowed...
        row = fetch(datetime.now(UTC) + timedelta(seconds=11)).row
        assert row.outcome == "running" and len(feed.calls) == 2
        row.outcome = "ok"
        db.session.commit()
        # ...but not once 60 calls were made in the hour (the clock moved on to keep 10 s apart).
        later = datetime.now(UTC) + timedelta(minutes=5)
        for minute in range(58):
            db.session.add(
                PoliceImport(
                    source="api", outcome="ok", started_at=later - timedelta(seconds=minute * 50)
                )
            )
        db.session.commit()
        skipped = fetch(later + timedelta(seconds=20)).row
        assert skipped.outcome == "skipped" and "limit is 60" in skipped.message
    assert len(feed.calls) == 2


def test_a_404_is_permanent(app, feed):
    feed.status = 404
    result = run_import(app)
    assert result.exit_code != 0 and "gone" in result.output
    with app.app_context():
        later = fetch(datetime.now(UTC) + timedelta(hours=3)).row
        assert later.outcome == "skipped" and "404" in later.message
    assert len(feed.calls) == 1
    # A changed URL (an admin's decision) may be tried again.
    app.config["POLICE_EVENTS_URL"] = feed.url + "/v2"
    feed.status = 200
    with app.app_context():
        assert fetch(datetime.now(UTC) + timedelta(hours=4)).body is not None
    assert len(feed.calls) == 2


def test_429_backs_off_for_retry_after_or_ten_minutes(app, feed):
    feed.status, feed.headers = 429, {"Retry-After": "1800"}
    assert run_import(app).exit_code != 0
    with app.app_context():
        row = db.session.execute(db.select(PoliceImport)).scalar_one()
        assert (row.outcome, row.http_status, row.retry_after_s) == ("rate_limited", 429, 1800)
        start = row.started_at
        assert fetch(start + timedelta(minutes=20)).row.outcome == "skipped"
        assert len(feed.calls) == 1
        feed.status, feed.headers = 200, {}
        assert fetch(start + timedelta(minutes=31)).body is not None
    assert len(feed.calls) == 2


def test_only_https_is_fetched(app, feed):
    app.config["POLICE_EVENTS_ALLOW_LOOPBACK_HTTP"] = False
    result = run_import(app)
    assert "only https" in result.output
    assert feed.calls == []


def test_worker_job_imports_and_the_weekly_picture_lists_without_drawing(app, feed, coordinator):
    assert import_from_feed(app) == "ok"
    assert stored_ids(app) == KEPT
    browser = login(app.test_client(), coordinator)
    page = browser.get("/reports/weekly?to=2026-12-01")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "1 december 14.05, Trafikolycka, Sunne" in html
    assert (
        'href="https://polisen.se/aktuellt/handelser/2026/december/1/1-december-14.05-trafikolycka-sunne/"'
        in html
    )
    assert 'rel="noopener noreferrer"' in html
    assert "Polisens händelser hämtades senast" in html
    assert "Sunnemo" not in html and "Torsby" not in html
    # The police's point is never used: no map or GeoJSON answer carries an event.
    for url in (
        "/api/v1/public/reports.geojson",
        "/api/v1/observations.geojson",
        "/api/v1/measures.geojson",
        "/api/v1/map/activities.geojson",
        "/api/v1/map/walks.geojson",
        "/review/map",
    ):
        answer = browser.get(url)
        assert answer.status_code == 200, url
        text = answer.get_data(as_text=True)
        assert "612348" not in text and "Trafikolycka" not in text, url
    pdf = browser.get("/reports/weekly.pdf?to=2026-12-01")
    assert pdf.status_code == 200
    reader = PdfReader(io.BytesIO(pdf.data))
    text = "".join(page.extract_text() for page in reader.pages)
    assert "Trafikolycka, Sunne" in text
    links = [
        a.get_object()["/A"]["/URI"]
        for page in reader.pages
        for a in page.get("/Annots", [])
        if "/A" in a.get_object()
    ]
    assert (
        "https://polisen.se/aktuellt/handelser/2026/december/1/1-december-14.05-trafikolycka-sunne/"
        in links
    )


def test_the_weekly_picture_works_when_the_feed_is_unreachable(app, feed, coordinator):
    browser = login(app.test_client(), coordinator)
    never = browser.get("/reports/weekly?to=2026-12-01")
    assert never.status_code == 200
    feed.server.shutdown()
    feed.server.server_close()
    result = run_import(app)
    assert result.exit_code != 0 and "network" in result.output
    page = browser.get("/reports/weekly?to=2026-12-01")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Polisens händelser: aldrig hämtade." in html
    assert "polisens server gick inte att nå" in html
    assert browser.get("/reports/weekly.pdf?to=2026-12-01").status_code == 200
