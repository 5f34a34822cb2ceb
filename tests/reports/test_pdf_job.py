"""Council PDFs of long periods are made by a background job, as the user who asked."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.datastructures import MultiDict

from tests.conftest import csrf_token, make_user
from tests.reports.conftest import Dataset
from tests.reports.test_pdf import pdf_text
from webapp.core import jobs
from webapp.core.access import Role
from webapp.core.audit.models import AuditEntry
from webapp.core.blobs import store
from webapp.core.jobs import BackgroundJob
from webapp.extensions import db
from webapp.reports import pdf_jobs

LONG = "from=2026-06-01&to=2026-12-31"  # 214 days: more than REPORT_PDF_JOB_DAYS (92)
SHORT = "from=2026-10-01&to=2026-10-31"
JOB_FORM = re.compile(r'<form method="post" action="/reports/council\.pdf/job">(.*?)</form>', re.S)


def background_form(html: str) -> list[tuple[str, str]]:
    """The hidden fields of the page's "make the PDF in the background" form."""
    match = JOB_FORM.search(html)
    assert match, "no background PDF form on the page"
    return re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', match.group(1))


def ask_for_pdf(client: FlaskClient) -> str:
    """Open the long report, press the button; returns where it leads (the job's page)."""
    page = client.get(f"/reports/?{LONG}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Skapa PDF i bakgrunden" in html
    assert "/reports/council.pdf?" not in html  # no direct link for a long period
    fields = background_form(html)
    response = client.post("/reports/council.pdf/job", data=MultiDict(fields))
    assert response.status_code == 302
    location = response.headers["Location"]
    assert re.fullmatch(r"/reports/pdf/[0-9a-f]{32}", location), location
    return location


def without_moment(text: str) -> str:
    """The PDF's text without the minute it was made (the only part that may differ)."""
    return re.sub(r"Upprättad .*? av ", "Upprättad … av ", text)


def pdf_jobs_in_db() -> list[BackgroundJob]:
    return list(
        db.session.execute(db.select(BackgroundJob).filter_by(kind=pdf_jobs.KIND)).scalars()
    )


def test_a_long_period_is_made_by_the_worker_and_matches_the_direct_pdf(
    app: Flask, as_user, dataset: Dataset
) -> None:  # type: ignore[no-untyped-def]
    client = as_user(dataset.coordinator)
    location = ask_for_pdf(client)
    token = location.rsplit("/", 1)[1]
    with app.app_context():
        (job,) = pdf_jobs_in_db()
        assert job.state == jobs.PENDING  # submitted, not rendered in the request
        assert job.payload["user"] == dataset.coordinator.id
        assert store().info(pdf_jobs.blob_key(token)) is None
        assert not db.session.execute(
            db.select(AuditEntry).filter_by(action="export.download")
        ).first()
    waiting = client.get(location)
    assert waiting.status_code == 200 and "Väntar" in waiting.get_data(as_text=True)
    # Not ready: the download leads back to the state page.
    assert client.get(f"{location}/download").headers["Location"] == location

    with app.app_context():
        assert jobs.execute(job.id) == "done"
        assert store().info(pdf_jobs.blob_key(token)) is not None

    done = client.get(location).get_data(as_text=True)
    assert "Klar" in done and f'href="{location}/download"' in done
    download = client.get(f"{location}/download")
    assert download.status_code == 200 and download.mimetype == "application/pdf"
    assert (
        download.headers["Content-Disposition"]
        == 'attachment; filename="radsrapport-2026-06-01--2026-12-31.pdf"'
    )
    with app.app_context():
        entry = db.session.execute(
            db.select(AuditEntry).filter_by(action="export.download")
        ).scalar_one()
        assert entry.actor_id == dataset.coordinator.id
        assert entry.detail["kind"] == "council_report" and entry.detail["format"] == "pdf"
        assert (entry.detail["from"], entry.detail["to"]) == ("2026-06-01", "2026-12-31")
        promises = entry.detail["promises"]
        assert promises == job.payload["promises"] and promises

    from_job = pdf_text(download.data)
    assert "1 juni 2026 – 31 december 2026" in from_job
    assert "Fotpatrullering i centrum" in from_job
    query = LONG + "".join(f"&promise={p}" for p in promises)
    direct = client.get(f"/reports/council.pdf?{query}")
    assert direct.status_code == 200
    assert without_moment(from_job) == without_moment(pdf_text(direct.data))


def test_the_job_renders_as_the_user_who_asked(app: Flask, as_user, dataset: Dataset) -> None:  # type: ignore[no-untyped-def]
    """Each user's job PDF is made as that user: the same as the PDF that user downloads
    directly (built with the reader's visibility rules), and signed with that user's name."""
    with app.app_context():
        police = make_user(Role.COORDINATOR, "polissamordnare", organisation="police")
    texts = {}
    for user in (dataset.coordinator, police):
        client = as_user(user)
        location = ask_for_pdf(client)
        with app.app_context():
            job = db.session.get(BackgroundJob, pdf_jobs.job_key(location.rsplit("/", 1)[1]))
            query = LONG + "".join(f"&promise={p}" for p in job.payload["promises"])
            assert jobs.execute(job.id) == "done"
        from_job = without_moment(pdf_text(client.get(f"{location}/download").data))
        direct = without_moment(pdf_text(client.get(f"/reports/council.pdf?{query}").data))
        assert from_job == direct
        texts[user.username] = from_job
    assert "Upprättad … av coordinator Ord i rapporten" in texts["coordinator"]
    assert "Upprättad … av polissamordnare Ord i rapporten" in texts["polissamordnare"]


def test_only_the_user_who_asked_sees_the_job(app: Flask, as_user, dataset: Dataset) -> None:  # type: ignore[no-untyped-def]
    location = ask_for_pdf(as_user(dataset.coordinator))
    with app.app_context():
        assert jobs.execute(pdf_jobs.job_key(location.rsplit("/", 1)[1])) == "done"
        other = make_user(Role.COORDINATOR, "annan", organisation="municipality")
    stranger = as_user(other)
    for answer in (stranger.get(location), stranger.get(f"{location}/download")):
        assert answer.status_code == 404  # the same page as for an expired job: nothing told
        assert "Den här PDF:en finns inte (längre)." in answer.get_data(as_text=True)
        assert "Klar" not in answer.get_data(as_text=True)
    assert stranger.get("/reports/pdf/not-a-token").status_code == 404
    assert as_user(dataset.officer).get(location).status_code == 403


def test_asking_twice_while_it_waits_gives_one_job_and_after_it_a_fresh_one(
    app: Flask, as_user, dataset: Dataset
) -> None:  # type: ignore[no-untyped-def]
    client = as_user(dataset.coordinator)
    first = ask_for_pdf(client)
    assert ask_for_pdf(client) == first  # while pending: a second click joins the job
    key = pdf_jobs.job_key(first.rsplit("/", 1)[1])
    with app.app_context():
        assert jobs.execute(key) == "done"
        (job,) = pdf_jobs_in_db()
        assert job.state == jobs.DONE and job.attempts == 1
    # Asked again once it is done: made anew from today's data, in place of the old one.
    assert ask_for_pdf(client) == first
    with app.app_context():
        (job,) = pdf_jobs_in_db()
        assert job.state == jobs.PENDING
        assert jobs.execute(key) == "done"


def test_a_short_period_still_downloads_directly(app: Flask, as_user, dataset: Dataset) -> None:  # type: ignore[no-untyped-def]
    client = as_user(dataset.coordinator)
    html = client.get(f"/reports/?{SHORT}").get_data(as_text=True)
    assert "Skapa PDF i bakgrunden" not in html
    assert "/reports/council.pdf?from=2026-10-01&amp;to=2026-10-31" in html
    assert "Ladda ned som PDF" in html
    response = client.get(f"/reports/council.pdf?{SHORT}")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    # Posting a short period to the job route is sent to the direct download, with no job.
    posted = client.post(
        "/reports/council.pdf/job",
        data={"csrf_token": csrf_token(client), "from": "2026-10-01", "to": "2026-10-31"},
    )
    assert posted.status_code == 302
    assert posted.headers["Location"].startswith("/reports/council.pdf?from=2026-10-01")
    with app.app_context():
        assert pdf_jobs_in_db() == []


def test_a_job_run_again_overwrites_its_one_file(app: Flask, as_user, dataset: Dataset) -> None:  # type: ignore[no-untyped-def]
    """A worker killed after writing the file (folder backend) runs the job again: the same key
    is written again, never a second file."""
    location = ask_for_pdf(as_user(dataset.coordinator))
    key = pdf_jobs.job_key(location.rsplit("/", 1)[1])
    with app.app_context():
        assert jobs.execute(key) == "done"
        db.session.execute(
            db.update(BackgroundJob).where(BackgroundJob.id == key).values(state=jobs.PENDING)
        )
        db.session.commit()
        assert jobs.execute(key) == "done"
        assert [k for k in store().iter_keys() if k.startswith("report-")] == [
            pdf_jobs.blob_key(location.rsplit("/", 1)[1])
        ]


def test_retention_removes_a_finished_job_and_its_pdf_after_its_days(
    app: Flask, as_user, dataset: Dataset
) -> None:  # type: ignore[no-untyped-def]
    """A stored report PDF is not kept for ever: once its job finished more than RETENTION
    "jobs" days ago, the daily retention deletes the job and the file, the link answers 404,
    and asking again makes the PDF anew. A job finished since stays."""
    from datetime import UTC, datetime, timedelta

    from webapp.ops.retention.service import apply_retention

    later = datetime.now(UTC) + timedelta(days=31)  # when retention runs
    client = as_user(dataset.coordinator)
    location = ask_for_pdf(client)
    token = location.rsplit("/", 1)[1]
    with app.app_context():
        assert jobs.execute(pdf_jobs.job_key(token)) == "done"
        recent = jobs.submit("retention-probe:recent", pdf_jobs.KIND, {"user": 0}, send=False)
        assert recent
        db.session.execute(
            db.update(BackgroundJob)
            .where(BackgroundJob.id == "retention-probe:recent")
            .values(state=jobs.DONE, finished_at=later - timedelta(days=29))
        )
        db.session.commit()
    assert client.get(f"{location}/download").status_code == 200

    app.config["RETENTION"] = {"jobs": 30}
    with app.app_context():
        apply_retention(dry_run=False, now=later)
        assert db.session.get(BackgroundJob, pdf_jobs.job_key(token)) is None
        assert store().info(pdf_jobs.blob_key(token)) is None
        assert db.session.get(BackgroundJob, "retention-probe:recent") is not None
        entry = db.session.execute(
            db.select(AuditEntry).filter_by(action="retention.apply")
        ).scalar_one()
        assert entry.detail["removed"]["jobs"]["count"] == 1
        assert entry.detail["removed"]["jobs"]["files"] == 1
    for gone in (client.get(location), client.get(f"{location}/download")):
        # Not the general "not found": the page says why and where to make it again.
        assert gone.status_code == 404
        page = gone.get_data(as_text=True)
        assert "Den här PDF:en finns inte (längre)." in page
        assert "sparas i 30 dagar" in page
        assert 'href="/reports/"' in page

    assert ask_for_pdf(client) == location  # asked again: the same report, made anew
    with app.app_context():
        assert jobs.execute(pdf_jobs.job_key(token)) == "done"
    assert client.get(f"{location}/download").status_code == 200
