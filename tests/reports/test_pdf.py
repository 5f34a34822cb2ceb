"""The PDFs: downloadable in one click, audited, and their text carries the key figures."""

from __future__ import annotations

import io

from flask import Flask
from pypdf import PdfReader

from tests.reports.conftest import Dataset
from webapp.core.audit.models import AuditEntry
from webapp.extensions import db


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    # Swedish digit groups use no-break spaces; compare with plain ones.
    return " ".join(text.replace("\u00a0", " ").split())


def test_council_pdf_contains_the_key_figures(app: Flask, as_user, dataset: Dataset) -> None:  # type: ignore[no-untyped-def]
    response = as_user(dataset.coordinator).get(
        "/reports/council.pdf?from=2026-10-01&to=2026-10-31"
    )
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert (
        response.headers["Content-Disposition"]
        == 'attachment; filename="radsrapport-2026-10-01--2026-10-31.pdf"'
    )
    text = pdf_text(response.data)
    for expected in (
        "1 oktober 2026 – 31 oktober 2026",  # an en dash, as on the page
        "Minska risken för unga att hamna i ett drogberoende",
        "Öka känslan och upplevelsen av trygghet i Sunne centrum",
        "Fotpatrullering i centrum",
        "5,5",  # patrol hours
        "8,0",  # hours of the patrol the app closed, shown apart
        "67 %",  # business visits outside the tätort
        "15",  # young people reached
        "Samverkan med skola och socialtjänst om ungdomar i riskzonen",
        "Marken ägs av Trafikverket",  # why a measure is not feasible
        "Klipp häcken vid skolan",  # overdue
        "Centrum kväll",  # a walk with its ratings
        "1,7",  # its feeling of safety, 5/3
        "2,5",
    ):
        assert expected in text, expected


def test_council_pdf_charts_carry_their_numbers_as_text(
    app: Flask, as_user, dataset: Dataset
) -> None:  # type: ignore[no-untyped-def]
    """Charts are drawn with real text, so their titles and values are in the PDF's text layer."""
    data = (
        as_user(dataset.coordinator).get("/reports/council.pdf?from=2026-09-01&to=2026-11-30").data
    )
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) >= 4
    text = pdf_text(data)
    assert "okt." in text or "okt" in text  # month labels on the axes
    assert "N" in text and "km" in text  # north arrow and scale bar of the maps


def test_pdf_download_is_audited(app: Flask, as_user, dataset: Dataset) -> None:  # type: ignore[no-untyped-def]
    as_user(dataset.coordinator).get("/reports/council.pdf?from=2026-10-01&to=2026-10-31")
    with app.app_context():
        entry = db.session.execute(
            db.select(AuditEntry).filter_by(action="export.download")
        ).scalar_one()
    assert entry.actor_id == dataset.coordinator.id
    assert entry.detail["kind"] == "council_report" and entry.detail["format"] == "pdf"
    assert (entry.detail["from"], entry.detail["to"]) == ("2026-10-01", "2026-10-31")


def test_weekly_pdf_is_one_page_with_areas_and_overdue_measures(
    app: Flask, as_user, dataset: Dataset
) -> None:  # type: ignore[no-untyped-def]
    response = as_user(dataset.coordinator).get("/reports/weekly.pdf?to=2026-10-25")
    assert response.status_code == 200
    assert len(PdfReader(io.BytesIO(response.data)).pages) == 1
    text = pdf_text(response.data)
    assert "Lägesbild vecka 43 2026" in text  # ISO week 43 is 19–25 October
    assert "Måndag 19 oktober 2026 – söndag 25 oktober 2026" in text
    assert "Klipp häcken vid skolan" in text
    with app.app_context():
        entry = db.session.execute(
            db.select(AuditEntry).filter_by(action="export.download")
        ).scalar_one()
    assert entry.detail["kind"] == "weekly_picture"


def test_an_empty_period_still_makes_a_pdf(app: Flask, as_user, dataset: Dataset) -> None:  # type: ignore[no-untyped-def]
    response = as_user(dataset.coordinator).get(
        "/reports/council.pdf?from=2030-01-01&to=2030-01-31"
    )
    assert response.status_code == 200
    assert "Insats mot ungdomar gällande ANDT" in pdf_text(response.data)


def test_no_walk_labels_of_a_year_of_empty_months_never_overlap(app: Flask) -> None:
    from webapp.reports import charts
    from webapp.reports.drawing import Text, text_width

    def extent(label: Text) -> tuple[float, float]:
        if label.rotate:  # upright: as wide as the glyphs are tall
            return label.x - label.size, label.x
        width = text_width(label.text, label.size)
        return label.x - width / 2, label.x + width / 2

    with app.test_request_context():
        for months in (3, 12, 24):
            drawing = charts.feeling_by_month(
                "Trygghet", [f"m{i}" for i in range(months)], [None] * months, str,
                "ingen vandring",
            )  # fmt: skip
            labels = [
                s for s in drawing.shapes if isinstance(s, Text) and s.text == "ingen vandring"
            ]
            assert len(labels) == months
            spans = sorted(extent(label) for label in labels)
            for (_start, end), (start, _end) in zip(spans, spans[1:], strict=False):
                assert end <= start, f"{months} months: labels overlap"


def test_chart_legends_give_long_activity_names_whole():
    """Two legend columns cut "Samverkan med skola och socialtjänst om ungdoma…": a legend
    with a label too long for half the width takes one column, and the chart grows to hold it."""
    from webapp.reports import charts
    from webapp.reports.drawing import Text

    long_name = "Samverkan med skola och socialtjänst om ungdomar i riskzonen"
    months = ["jan.", "feb."]

    def legend(names: list[str]) -> tuple[list[str], float]:
        series = [charts.Series(n, [1, 2], charts.PALETTE[i]) for i, n in enumerate(names)]
        drawing = charts.stacked_by_month("Aktiviteter per månad", months, series, str)
        texts = [s.text for s in drawing if isinstance(s, Text) and s.size == 3.0]
        return texts, drawing.height

    short, short_height = legend(["ANDT", "Fotpatrull", "Företagsbesök"])
    assert short == ["ANDT", "Fotpatrull", "Företagsbesök"]
    whole, whole_height = legend(["Insats mot ungdomar gällande ANDT", long_name, "Fotpatrull"])
    assert whole == ["Insats mot ungdomar gällande ANDT", long_name, "Fotpatrull"]
    assert whole_height > short_height  # three rows of one column, not two of two


def test_the_council_pdf_says_whose_access_the_figures_follow(
    app: Flask, as_user, dataset: Dataset
) -> None:  # type: ignore[no-untyped-def]
    response = as_user(dataset.coordinator).get(
        "/reports/council.pdf?from=2026-10-01&to=2026-10-31"
    )
    text = pdf_text(response.data)
    # Read by the council, "du" would be the council member: name the maker and their role.
    assert "Bara uppgifter som du får se räknas" not in text
    assert (
        "Siffrorna omfattar bara uppgifter som coordinator, som tog fram rapporten, får läsa "
        "(roll: trygghetssamordnare)." in text
    )


def test_a_map_without_observations_does_not_speak_of_observations(app: Flask) -> None:
    from webapp.reports.drawing import Text, text_width
    from webapp.reports.mapdata import Cell, Extent, MapLayer
    from webapp.reports.mapdraw import WIDTH, draw_map

    extent = Extent(13.10, 59.82, 13.20, 59.86)
    andt_only = MapLayer("kommun", extent, [], [Cell(13.145, 59.837, 3, "andt")])
    empty = MapLayer("kommun", extent, [], [])
    with app.test_request_context(headers={"Accept-Language": "sv"}):
        texts = [s.text for s in draw_map(andt_only, "Sunne kommun") if isinstance(s, Text)]
        empty_texts = [s.text for s in draw_map(empty, "Sunne kommun") if isinstance(s, Text)]
    assert "Iakttagelser" not in texts
    # Said as a sentence ("Cirkelns yta = antal uppgifter av slagen ovan per ruta" read as a
    # formula), on one line within the map's width.
    note = "Ju större cirkel, desto fler uppgifter i rutan (som mest 3)."
    assert note in texts
    assert text_width(note.replace("3", "999"), 2.4) <= WIDTH
    assert not any("Ju större cirkel" in t for t in empty_texts)


def test_a_map_note_too_long_for_one_line_takes_two_within_the_drawing(app: Flask) -> None:
    from webapp.reports.drawing import Text, text_width
    from webapp.reports.mapdata import Cell, Extent, MapLayer
    from webapp.reports.mapdraw import WIDTH, draw_map

    extent = Extent(13.10, 59.82, 13.20, 59.86)
    kinds = ("observation", "business_visit", "andt", "patrol", "meeting", "safety_walk", "other")
    # A count no real square reaches, for an English note wider than the map.
    layer = MapLayer("kommun", extent, [], [Cell(13.145, 59.837, 10**7, k) for k in kinds])
    with app.test_request_context(headers={"Accept-Language": "en"}):
        drawing = draw_map(layer, "Sunne kommun")
    notes = [s for s in drawing if isinstance(s, Text) and s.fill == "#4a5866"]
    assert len(notes) == 2
    assert " ".join(s.text for s in notes).startswith("The bigger the circle")
    assert all(text_width(s.text, s.size) <= WIDTH for s in notes)
    assert max(s.y for s in notes) < drawing.height
