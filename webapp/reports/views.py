"""Council report, weekly situational picture and exports: the coordinator's pages.

Reports and exports are the coordinator's job (DESIGN §3); officers, staff and admins get 403.
The queries behind them still filter by the reader's visibility, so opening them to other roles
later would show each only what they may read.
"""

from __future__ import annotations

from datetime import timedelta

from flask import (
    Blueprint,
    Response,
    current_app,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from webapp.auth.session import roles_required
from webapp.core import jobs
from webapp.core.access import Role
from webapp.core.audit.service import record as audit
from webapp.core.errors import ApiProblem
from webapp.core.i18n import tile_attribution
from webapp.core.inputs import record_ids
from webapp.core.storage import read_snapshot
from webapp.extensions import db
from webapp.map.skeleton import MapParts, build_map_parts
from webapp.promises.models import Promise
from webapp.reports import exports, fmt, measures, pdf_jobs, present, walk_measures
from webapp.reports.drawing import to_svg
from webapp.reports.glossary import glossary
from webapp.reports.labels import AREA_LABELS
from webapp.reports.observations import AREA_KEYS
from webapp.reports.pdf import render_council_pdf
from webapp.reports.period import (
    Period,
    PeriodError,
    chosen_week,
    default_period,
    iso_week,
    parse_period,
    quick_periods,
    week_code,
    week_number,
)
from webapp.reports.service import CouncilReport, build_council_report, default_promises
from webapp.reports.weekly import (
    WeeklyPicture,
    build_weekly,
    incomplete_note,
    police_import_line,
    weekly_dates,
    weekly_title,
)
from webapp.reports.weekly_pdf import MAX_LINES, render_weekly_pdf

bp = Blueprint("reports", __name__, url_prefix="/reports")
DATASETS = ("observations", "activities")
FORMATS = {
    "csv": "text/csv",
    "geojson": "application/geo+json",
    # GeoPackage in SWEREF 99 TM (EPSG:3006), the MIME type OGC registered for it.
    "gpkg": "application/geopackage+sqlite3",
}


def _promises(args: MultiDict, period: Period) -> list[Promise]:
    raw = args.getlist("promise")
    if not raw:
        return default_promises(period)
    ids = sorted(set(record_ids(raw)))
    if len(ids) != len(set(raw)) or not ids:
        raise ApiProblem("validation_failed", fields={"promise": "unknown"})
    promises = list(
        db.session.execute(
            db.select(Promise).where(Promise.id.in_(ids)).order_by(Promise.starts_on, Promise.id)
        ).scalars()
    )
    if len(promises) != len(ids):
        raise ApiProblem("validation_failed", fields={"promise": "unknown"})
    return promises


def _period(args: MultiDict) -> Period:
    try:
        return parse_period(args)
    except PeriodError as error:
        raise ApiProblem("validation_failed", fields=error.fields) from error


@bp.get("/")
@roles_required(Role.COORDINATOR)
def council() -> tuple[str, int] | str:
    errors: dict[str, str] = {}
    try:
        period = parse_period(request.args)
    except PeriodError as error:
        errors, period = error.fields, default_period()
    promises = _promises(request.args, period)
    with read_snapshot():  # a year of records: phones' submits must not wait for it
        report = build_council_report(period, promises, current_user)
        page = _council_page(report, errors)
    # Measures are named one by one: the entry says how many were police records.
    audit("report.view", target_type="report", kind="council", **period.query_args(),
          promises=[p.id for p in promises], **_named_police_records(report))  # fmt: skip
    db.session.commit()
    return (page, 422) if errors else page


def _named_police_records(report: CouncilReport) -> dict[str, int]:
    """How many police records the report names one by one, for its audit entries."""
    return {
        "police_walk_measures": walk_measures.police_measures(report.walk_measures),
        "police_measures": measures.police_measures(report.measures),
    }


def _council_page(report: CouncilReport, errors: dict[str, str]) -> str:
    promises = db.select(Promise).order_by(Promise.starts_on.desc(), Promise.id)
    return render_template(
        "reports/council.html",
        report=report,
        errors=errors,
        all_promises=db.session.execute(promises).scalars().all(),
        present=present,
        walk_measures=walk_measures,
        fmt=fmt,
        to_svg=to_svg,
        map=_map_parts(),
        pdf_in_background=pdf_jobs.needs_job(report.period),
        glossary=glossary(),
        quick_periods=quick_periods(),
        # The map API reads a time without offset as local time: the morning after the last day.
        period_until=(report.period.last + timedelta(days=1)).isoformat() + "T00:00:00",
    )


def _map_parts() -> MapParts:
    config = current_app.config
    return build_map_parts(
        center=tuple(config["MAP_CENTER"]),
        zoom=13,
        tile_url=config["TILE_URL"],
        attribution=tile_attribution(),
        nonce=request.csp_nonce,  # type: ignore[attr-defined]  # set per request by Talisman
    )


@bp.get("/council.pdf")
@roles_required(Role.COORDINATOR)
def council_pdf() -> Response:
    period = _period(request.args)
    promises = _promises(request.args, period)
    with read_snapshot():
        report = build_council_report(period, promises, current_user)
        data = render_council_pdf(report, current_user)
    filename = f"radsrapport-{period.first}--{period.last}.pdf"
    return _pdf(
        data,
        filename,
        "council_report",
        period,
        promises=[p.id for p in promises],
        **_named_police_records(report),
    )


@bp.post("/council.pdf/job")
@roles_required(Role.COORDINATOR)
def council_pdf_job() -> Response:
    """Make the PDF of a long period in the background (a short one is downloaded at once)."""
    missing = {key: "required" for key in ("from", "to") if not request.form.get(key)}
    if missing:
        raise ApiProblem("validation_failed", fields=missing)
    period = _period(request.form)
    promises = _promises(request.form, period)
    if not pdf_jobs.needs_job(period):
        args = dict(period.query_args(), promise=[p.id for p in promises])
        return redirect(url_for("reports.council_pdf", **args))
    token = pdf_jobs.submit_pdf_job(period, promises, current_user, str(get_locale()))
    return redirect(url_for("reports.pdf_job", token=token))


@bp.get("/pdf/<token>")
@roles_required(Role.COORDINATOR)
def pdf_job(token: str) -> str | tuple[str, int]:
    job = pdf_jobs.find_job(token, current_user)
    if job is None:
        return _pdf_gone()
    page = render_template(
        "reports/pdf_job.html",
        job=job,
        token=token,
        period=pdf_jobs.job_period(job),
        states=jobs,
        fmt=fmt,
    )
    db.session.commit()
    return page


@bp.get("/pdf/<token>/download")
@roles_required(Role.COORDINATOR)
def pdf_job_download(token: str) -> Response | tuple[str, int]:
    job = pdf_jobs.find_job(token, current_user)
    if job is None:
        return _pdf_gone()
    if job.state != jobs.DONE:
        return redirect(url_for("reports.pdf_job", token=token))
    period = pdf_jobs.job_period(job)
    promises = list(job.payload.get("promises", []))
    data = pdf_jobs.read_pdf(token)
    if data is None:  # the file is gone: asking again makes it anew
        return _pdf_gone()
    filename = f"radsrapport-{period.first}--{period.last}.pdf"
    return _pdf(
        data,
        filename,
        "council_report",
        period,
        promises=promises,
        police_walk_measures=job.payload.get("police_walk_measures"),
        police_measures=job.payload.get("police_measures"),
    )


def _pdf_gone() -> tuple[str, int]:
    """404 for a PDF job that is not (or no longer) this user's: a page that says how to get
    the report again instead of the general "not found". Someone else's token gets the same
    page, so it tells nothing about other users' jobs."""
    return render_template("reports/pdf_job_gone.html", days=pdf_jobs.kept_days()), 404


@bp.get("/weekly")
@roles_required(Role.COORDINATOR)
def weekly() -> str | tuple[str, int]:
    errors: dict[str, str] = {}
    try:
        week = chosen_week(request.args)
    except PeriodError as error:  # the page says why, over the last complete week
        errors, week = error.fields, chosen_week(MultiDict())
    with read_snapshot():
        picture = build_weekly(week, current_user)
        page = _weekly_page(picture, errors)
    audit("report.view", target_type="report", kind="weekly", week=picture.week_code,
          **picture.period.query_args())  # fmt: skip
    db.session.commit()
    return (page, 422) if errors else page


def _weekly_page(picture: WeeklyPicture, errors: dict[str, str]) -> str:
    following = iso_week(picture.period.last + timedelta(days=1))
    return render_template(
        "reports/weekly.html",
        picture=picture,
        errors=errors,
        fmt=fmt,
        area_labels=AREA_LABELS,
        area_keys=AREA_KEYS,
        title=weekly_title(picture),
        dates=weekly_dates(picture),
        incomplete_note=incomplete_note(picture) if picture.incomplete else "",
        before=iso_week(picture.period.first - timedelta(days=1)),
        # A week that has not begun is refused: no link leads there.
        after=following if following.first <= picture.today else None,
        week_code=week_code,
        week_number=week_number,
        max_lines=MAX_LINES,
        police_import_line=police_import_line,
    )


@bp.get("/weekly.pdf")
@roles_required(Role.COORDINATOR)
def weekly_pdf() -> Response:
    try:
        week = chosen_week(request.args)
    except PeriodError as error:
        raise ApiProblem("validation_failed", fields=error.fields) from error
    with read_snapshot():
        picture = build_weekly(week, current_user)
        data = render_weekly_pdf(picture, current_user)
    filename = f"lagesbild-{picture.week_code}.pdf"
    return _pdf(data, filename, "weekly_picture", picture.period, week=picture.week_code)


@bp.get("/exports/<name>.<extension>")
@roles_required(Role.COORDINATOR)
def export(name: str, extension: str) -> Response:
    if name not in DATASETS or extension not in FORMATS:
        raise ApiProblem("not_found")
    dialect = request.args.get("dialect", "excel")
    if extension == "csv" and dialect not in exports.DIALECTS:
        raise ApiProblem("validation_failed", fields={"dialect": "excel|gis"})
    period = _period(request.args)
    promise_ids = (
        [p.id for p in _promises(request.args, period)] if request.args.getlist("promise") else []
    )
    with read_snapshot():  # 100,000 rows take seconds: submits must not wait for them
        data = exports.dataset(name, period, current_user, promise_ids)
        body, tally = exports.render(data, extension, dialect)
    # Committed before the first byte leaves: an export is never without its entry.
    audit(
        "export.download",
        target_type=name,
        kind=name,
        format=extension,
        dialect=dialect if extension == "csv" else None,
        rows=tally.rows,
        police_records=tally.police,
        promises=promise_ids,
        **period.query_args(),
    )
    db.session.commit()
    suffix = "-gis" if extension == "csv" and dialect == "gis" else ""
    filename = f"{name}-{period.first}--{period.last}{suffix}.{extension}"
    response = Response(body, mimetype=FORMATS[extension])
    return _attachment(response, filename)


def _pdf(data: bytes, filename: str, kind: str, period: Period, **details: object) -> Response:
    """A report's PDF as a download, its audit entry committed before the first byte leaves."""
    audit(
        "export.download",
        target_type="report",
        kind=kind,
        format="pdf",
        **period.query_args(),
        **details,
    )
    db.session.commit()
    response = current_app.response_class(data, mimetype="application/pdf")
    return _attachment(response, filename)


def _attachment(response: Response, filename: str) -> Response:
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    # Police records: never kept by a shared cache or proxy.
    response.headers["Cache-Control"] = "no-store"
    return response
