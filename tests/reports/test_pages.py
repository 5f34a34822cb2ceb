"""The report pages: who may open them, what they show, and that they print."""

from __future__ import annotations

from datetime import date

import pytest
from flask import Flask

from tests.reports.conftest import NOW, Dataset
from tests.reports.helpers import add_observation, local
from tests.reports.test_pdf import pdf_text
from webapp.core.audit.models import AuditEntry
from webapp.extensions import db
from webapp.reports.period import iso_week
from webapp.reports.weekly import build_weekly

COUNCIL = "/reports/?from=2026-10-01&to=2026-10-31"
URLS = [
    COUNCIL,
    "/reports/council.pdf?from=2026-10-01&to=2026-10-31",
    "/reports/weekly?to=2026-10-25",
    "/reports/weekly.pdf?to=2026-10-25",
    "/reports/exports/observations.csv?from=2026-10-01&to=2026-10-31",
    "/reports/exports/activities.geojson?from=2026-10-01&to=2026-10-31",
]


def normalise(text: str) -> str:
    """Swedish digit groups use no-break spaces; compare with plain spaces."""
    return text.replace("\u00a0", " ").replace("\u202f", " ")


@pytest.mark.parametrize("url", URLS)
@pytest.mark.parametrize("persona", ["officer", "staff", "admin", "outsider"])
def test_only_the_coordinator_may_open_reports_and_exports(
    request, as_user, url: str, persona: str
) -> None:  # type: ignore[no-untyped-def]
    user = request.getfixturevalue(persona)
    assert as_user(user).get(url).status_code == 403


@pytest.mark.parametrize("url", URLS)
def test_anonymous_visitors_are_sent_to_log_in(client, url: str) -> None:  # type: ignore[no-untyped-def]
    response = client.get(url)
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_council_page_shows_the_figures_in_swedish_format(
    app: Flask, as_user, dataset: Dataset
) -> None:  # type: ignore[no-untyped-def]
    response = as_user(dataset.coordinator).get(COUNCIL)
    assert response.status_code == 200
    html = normalise(response.get_data(as_text=True))
    assert "1 oktober 2026 – 31 oktober 2026" in html
    assert "5,5" in html  # patrol hours
    assert "67 %" in html  # business visits outside the tätort
    assert "Samverkan med skola och socialtjänst om ungdomar i riskzonen" in html
    assert "Marken ägs av Trafikverket" in html
    assert html.count("<svg") >= 5  # two charts per promise, the ratings chart, two maps
    # The activities figure counts logged activities; the walks the promise tables add are named.
    assert "Trygghetsvandringar ingår inte (2 vandringar, räknas nedan)." in html


def test_council_page_says_what_was_not_done(app: Flask, as_user, dataset: Dataset) -> None:  # type: ignore[no-untyped-def]
    html = as_user(dataset.coordinator).get(COUNCIL).get_data(as_text=True)
    box = html[html.index('class="warning not-done-box"') :]
    box = box[: box.index("</div>")]
    assert "Samverkan med skola" in box
    assert "Fotpatrullering" not in box


def test_council_page_has_print_styles(app: Flask, as_user, dataset: Dataset) -> None:  # type: ignore[no-untyped-def]
    html = as_user(dataset.coordinator).get(COUNCIL).get_data(as_text=True)
    assert "css/reports.css" in html
    css = app.test_client().get("/static/css/reports.css").get_data(as_text=True)
    assert "@media print" in css and ".no-print" in css


def _section_of(html: str, heading_id: str) -> str:
    """The HTML of the <section> whose heading has `heading_id`."""
    at = html.index(f'id="{heading_id}"')
    return html[html.rindex("<section", 0, at) : html.index("</section>", at)]


def test_the_exports_wait_after_the_report_their_formats_folded_away(
    app: Flask, as_user, dataset: Dataset
) -> None:  # type: ignore[no-untyped-def]
    """A council member on a phone meets the report first: the files for Excel and GIS, and
    their EPSG codes, come after its last section, the formats in a closed <details>."""
    client = as_user(dataset.coordinator)
    html = client.get(COUNCIL).get_data(as_text=True)
    top = _section_of(html, "downloads-heading")
    assert "Ladda ned som PDF" in top and 'id="print-report"' in top
    assert "/reports/exports/" not in top and "EPSG" not in top
    assert 'href="#exports-heading"' in top  # the way down to them
    exports = _section_of(html, "exports-heading")
    assert html.index('id="brief-heading"') < html.index('id="map-heading"')
    assert html.index('id="map-heading"') < html.index('id="notes-heading"')
    assert html.index('id="notes-heading"') < html.index(exports)
    assert "no-print" in exports[: exports.index(">")]  # neither printed nor in the PDF
    assert ">Data för egna analyser</h2>" in exports
    assert "Varje nedladdning loggas." in exports
    assert exports.count('href="/reports/exports/') == 8
    for url in (
        "/reports/exports/observations.csv?from=2026-10-01&amp;to=2026-10-31",
        "/reports/exports/observations.csv?dialect=gis&amp;from=2026-10-01&amp;to=2026-10-31",
        "/reports/exports/observations.geojson?from=2026-10-01&amp;to=2026-10-31",
        "/reports/exports/observations.gpkg?from=2026-10-01&amp;to=2026-10-31",
    ):
        assert f'href="{url}"' in exports, url
    details = exports[exports.index("<details") : exports.index("</details>")]
    assert "<summary>Om filformaten</summary>" in details
    assert "<details open" not in exports
    for words in ("semikolonseparerad", "EPSG:3006", "RFC 7946", "GeoPackage öppnas i QGIS"):
        assert words in details, words
    assert exports.count("EPSG") == details.count("EPSG")  # codes only inside the details
    pdf = pdf_text(client.get(COUNCIL.replace("/reports/", "/reports/council.pdf")).data)
    assert "Data för egna analyser" not in pdf and "EPSG" not in pdf and "CSV" not in pdf


def test_bad_dates_are_a_422_with_the_field_named(app: Flask, as_user, dataset: Dataset) -> None:  # type: ignore[no-untyped-def]
    client = as_user(dataset.coordinator)
    response = client.get("/reports/?from=2026-10-31&to=2026-10-01")
    assert response.status_code == 422
    assert "has-error" in response.get_data(as_text=True)
    assert client.get("/reports/?from=31.10.2026").status_code == 422
    assert client.get("/reports/council.pdf?from=0001-01-01").status_code == 422
    assert client.get("/reports/?promise=999").status_code == 422
    assert client.get("/reports/?promise=x").status_code == 422


def test_promise_choice_limits_the_sections(app: Flask, as_user, dataset: Dataset) -> None:  # type: ignore[no-untyped-def]
    html = (
        as_user(dataset.coordinator)
        .get(f"{COUNCIL}&promise={dataset.drug_promise}")
        .get_data(as_text=True)
    )
    assert "Insats mot ungdomar gällande ANDT" in html
    assert f'id="promise-{dataset.safety_promise}"' not in html


def test_viewing_the_report_is_audited(app: Flask, as_user, dataset: Dataset) -> None:  # type: ignore[no-untyped-def]
    as_user(dataset.coordinator).get(COUNCIL)
    with app.app_context():
        entry = db.session.execute(
            db.select(AuditEntry).filter_by(action="report.view")
        ).scalar_one()
    assert entry.actor_id == dataset.coordinator.id
    assert entry.detail["from"] == "2026-10-01"


def test_weekly_picture_counts_by_category_and_area(app: Flask, as_user, dataset: Dataset) -> None:  # type: ignore[no-untyped-def]
    response = as_user(dataset.coordinator).get("/reports/weekly?to=2026-10-25")
    assert response.status_code == 200
    html = normalise(response.get_data(as_text=True))
    assert "Lägesbild vecka 43 2026" in html
    assert "Måndag 19 oktober 2026 – söndag 25 oktober 2026" in html
    assert "Klipp häcken vid skolan" in html  # overdue now


def test_weekly_picture_counts_per_area_by_point_in_polygon(app: Flask, dataset: Dataset) -> None:
    with app.app_context():
        # In the tätort box but outside the centrum box.
        add_observation(
            dataset.staff.id, local(2026, 10, 16, 9), category="trafik", position=(59.8450, 13.1600)
        )
        db.session.commit()
        picture = build_weekly(iso_week(date(2026, 10, 17)), dataset.coordinator, now=NOW)
        # Week 42, 12–18 October: Rottneros (outside), the new one (tätort); not the duplicate.
        assert picture.areas.counts == {
            "otrygg-plats": {"centrum": 0, "tatort": 0, "outside": 1},
            "trafik": {"centrum": 0, "tatort": 1, "outside": 0},
        }
        assert (picture.observations_total, picture.previous_total) == (2, 0)
        picture = build_weekly(iso_week(date(2026, 10, 25)), dataset.coordinator, now=NOW)
        # Week 43, 19–25 October: the police record at Stortorget in the night of the DST change.
        assert picture.areas.counts == {"skadegorelse": {"centrum": 1, "tatort": 0, "outside": 0}}
        assert picture.previous_total == 2
        assert [m.title for m in picture.overdue] == ["Klipp häcken vid skolan"]
        assert [m.title for m in picture.new_measures] == []
        assert picture.walks_held == 1


def test_weekly_picture_for_staff_has_no_police_records(app: Flask, dataset: Dataset) -> None:
    with app.app_context():
        picture = build_weekly(iso_week(date(2026, 10, 25)), dataset.staff, now=NOW)
    assert picture.areas.counts == {}


def test_hostile_names_stay_text_in_the_page_and_its_charts(
    app: Flask, as_user, dataset: Dataset
) -> None:  # type: ignore[no-untyped-def]
    from webapp.activities.models import ActivityType

    with app.app_context():
        patrols = db.session.execute(
            db.select(ActivityType).filter_by(code="fotpatrull")
        ).scalar_one()
        patrols.name = '<img src=x onerror=alert(1)> ${alert(2)} "quoted"'
        db.session.commit()
    html = as_user(dataset.coordinator).get(COUNCIL).get_data(as_text=True)
    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html  # in the tables and in the SVG legend


def test_pdf_survives_text_outside_latin1(app: Flask, as_user, dataset: Dataset) -> None:  # type: ignore[no-untyped-def]
    from webapp.walks.models import SafetyWalk

    with app.app_context():
        walk = db.session.execute(
            db.select(SafetyWalk).filter_by(name="Centrum kväll")
        ).scalar_one()
        walk.name = "Kvällsvandring 🌙 – “centrum”"
        db.session.commit()
    response = as_user(dataset.coordinator).get(
        "/reports/council.pdf?from=2026-10-01&to=2026-10-31"
    )
    assert response.status_code == 200
