"""What a council member reading the report for the first time needs: date ranges set as
Swedish typography sets them, the words ANDT and tätort explained, wide charts that say they
scroll, and the last quarter one tap away."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from html.parser import HTMLParser

import pytest
from flask import Flask

from tests.reports.conftest import Dataset
from tests.reports.test_pages import normalise
from tests.reports.test_pdf import pdf_text
from webapp.core.pdftext import pdf_text as text_for_pdf
from webapp.reports import charts
from webapp.reports.drawing import Rect, Text, text_width
from webapp.reports.glossary import glossary, terms_used_in
from webapp.reports.period import Period, last_quarter

COUNCIL = "/reports/?from=2026-10-01&to=2026-10-31"
# A date range written with a hyphen: "2026 - 31", "2026-01-01 - 2026-03-31".
HYPHEN_RANGE = re.compile(r"\d - \d|\d{4} - [a-zåäö]", re.IGNORECASE)


# ---- date ranges ---------------------------------------------------------------------------


def test_date_ranges_in_the_council_pdf_take_an_en_dash(
    app: Flask, as_user, dataset: Dataset
) -> None:  # type: ignore[no-untyped-def]
    data = as_user(dataset.coordinator).get("/reports/council.pdf?from=2026-10-01&to=2026-10-31")
    text = pdf_text(data.data)
    assert "Period: 1 oktober 2026 – 31 oktober 2026 (31 dagar)" in text
    assert "Jämfört med: 1 oktober 2025 – 31 oktober 2025" in text
    assert "Trygg Sunne – uppföljning 1 oktober 2026 – 31 oktober 2026" in text  # the footer
    assert not HYPHEN_RANGE.search(text), HYPHEN_RANGE.search(text)


def test_date_ranges_in_the_weekly_pdf_take_an_en_dash(
    app: Flask, as_user, dataset: Dataset
) -> None:  # type: ignore[no-untyped-def]
    text = pdf_text(as_user(dataset.coordinator).get("/reports/weekly.pdf?to=2026-10-25").data)
    assert "Måndag 19 oktober 2026 – söndag 25 oktober 2026" in text
    assert not HYPHEN_RANGE.search(text), HYPHEN_RANGE.search(text)


def test_date_ranges_on_the_page_take_the_same_en_dash(
    app: Flask, as_user, dataset: Dataset
) -> None:  # type: ignore[no-untyped-def]
    html = normalise(as_user(dataset.coordinator).get(COUNCIL).get_data(as_text=True))
    assert "1 oktober 2026 – 31 oktober 2026" in html
    assert "jämfört med 1 oktober 2025 – 31 oktober 2025" in html
    assert not HYPHEN_RANGE.search(html), HYPHEN_RANGE.search(html)


def test_pdf_text_keeps_what_the_core_font_can_draw() -> None:
    assert text_for_pdf("1–7 december") == "1–7 december"
    assert text_for_pdf("”Trygg” … •") == "”Trygg” … •"
    assert text_for_pdf("åäö ÅÄÖ é") == "åäö ÅÄÖ é"
    # Outside Windows-1252: the nearest character inside it, else a question mark.
    assert text_for_pdf("−2\u00a0(−25\u202f%) → ‒") == "-2 (-25 %) -> –"
    assert text_for_pdf("Ω") == "?"


# ---- the words of the report ---------------------------------------------------------------


class _Sections(HTMLParser):
    """The text of the page's h2 headings and of the glossary's terms, in order."""

    def __init__(self) -> None:
        super().__init__()
        self.headings: list[str] = []
        self.terms: list[str] = []
        self._into: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._into = {"h2": self.headings, "dt": self.terms}.get(tag)
        if self._into is not None:
            self._into.append("")

    def handle_endtag(self, tag: str) -> None:
        self._into = None

    def handle_data(self, data: str) -> None:
        if self._into is not None:
            self._into[-1] += data.strip()


def test_the_page_explains_andt_and_tätort_before_the_figures_use_them(
    app: Flask, as_user, dataset: Dataset
) -> None:  # type: ignore[no-untyped-def]
    html = normalise(as_user(dataset.coordinator).get(COUNCIL).get_data(as_text=True))
    page = _Sections()
    page.feed(html)
    assert page.headings.index("Ord i rapporten") < page.headings.index("I korthet")
    assert page.terms == ["ANDT", "Tätort", "Synpunkt från invånare"]
    assert "Alkohol, narkotika, dopning och tobak." in html
    assert "Utanför tätorten betyder byarna och landsbygden i kommunen." in html
    # The first use of each word comes after its explanation.
    glossary_at = html.index("Ord i rapporten")
    assert html.index("(ANDT)") > glossary_at
    assert html.index("utanför tätorten") > glossary_at


def test_the_pdf_explains_andt_and_tätort_before_the_figures_use_them(
    app: Flask, as_user, dataset: Dataset
) -> None:  # type: ignore[no-untyped-def]
    data = as_user(dataset.coordinator).get("/reports/council.pdf?from=2026-10-01&to=2026-10-31")
    text = pdf_text(data.data)
    words = text.index("Ord i rapporten")
    assert words < text.index("I korthet") < text.index("Unga som nåddes (ANDT)")
    assert "ANDT: Alkohol, narkotika, dopning och tobak." in text
    assert "Tätort: Den sammanhängande bebyggelsen i Sunne" in text


@pytest.mark.parametrize(
    ("language", "andt", "tatort"),
    [
        ("sv", "Alkohol, narkotika, dopning och tobak.", "Tätort"),
        ("en", "Alcohol, narcotics, doping and tobacco.", "Tätort (urban area)"),
    ],
)
def test_the_glossary_speaks_the_readers_language(
    app: Flask, language: str, andt: str, tatort: str
) -> None:
    with app.test_request_context(headers={"Accept-Language": language}):
        terms = glossary()
    assert [t.word for t in terms][:2] == ["ANDT", tatort]
    assert terms[0].meaning.startswith(andt)


# ---- the weekly picture's PDF ------------------------------------------------------------------


def test_the_weekly_pdf_explains_the_words_of_its_tables(
    app: Flask, as_user, dataset: Dataset
) -> None:  # type: ignore[no-untyped-def]
    """Its area columns say "tätort" and its activities "ANDT", unexplained; the council
    report's glossary explains them, and the picture now gives the same entries under its
    tables (none it does not use), still on one page."""
    import io

    from pypdf import PdfReader

    data = as_user(dataset.coordinator).get("/reports/weekly.pdf?to=2026-10-25").data
    text = pdf_text(data)
    assert len(PdfReader(io.BytesIO(data)).pages) == 1
    words = text.index("Ord i rapporten")
    assert text.index("Övriga Sunne tätort") < words  # a legend under the tables
    assert "Tätort: Den sammanhängande bebyggelsen i Sunne" in text[words:]
    assert "Synpunkt från invånare" not in text  # a word the picture does not use
    andt_listed = "gällande ANDT" in text[:words]
    assert andt_listed  # the dataset has an ANDT intervention in week 43
    assert ("ANDT: Alkohol, narkotika, dopning och tobak." in text) == andt_listed


@pytest.mark.parametrize(
    ("texts", "words"),
    [
        (["Övriga Sunne tätort", "Fotpatrullering i centrum"], ["Tätort"]),
        (["Utanför tätorten", "Insats mot ungdomar gällande ANDT"], ["ANDT", "Tätort"]),
        (["Fotpatrullering i centrum"], []),
    ],
)
def test_the_words_a_text_uses_are_found_in_the_glossarys_order(
    app: Flask, texts: list[str], words: list[str]
) -> None:
    with app.test_request_context(headers={"Accept-Language": "sv"}):
        assert [term.word for term in terms_used_in(texts)] == words


# ---- charts on a phone ---------------------------------------------------------------------


def _sections(html: str) -> list[str]:
    return html.split("<section")[1:]


def test_every_chart_is_announced_as_scrolling_and_has_a_table_beside_it(
    app: Flask, as_user, dataset: Dataset
) -> None:  # type: ignore[no-untyped-def]
    """The hint itself shows on narrow screens only (reports.css, tests/reports/browser)."""
    html = normalise(as_user(dataset.coordinator).get(COUNCIL).get_data(as_text=True))
    with_charts = [s for s in _sections(html) if 'class="report-chart"' in s]
    assert len(with_charts) >= 3  # two promises and the feeling of safety
    for section in with_charts:
        assert section.index('class="chart-hint"') < section.index('class="report-chart"')
        assert "<table" in section  # the same figures as text
    feeling = next(s for s in with_charts if 'id="safety-heading"' in s)
    assert "Känsla av trygghet per månad som tabell" in feeling
    assert '<th scope="row">oktober 2026</th>' in feeling


def test_the_chart_hint_shows_exactly_where_the_charts_keep_their_phone_width(
    app: Flask,
) -> None:
    css = app.test_client().get("/static/css/reports.css").get_data(as_text=True)
    phone = css[css.index("@media (max-width: 40rem)") :]
    phone = phone[: phone.index("\n}")]
    assert ".report-chart { min-width: 44rem; }" in phone
    assert ".chart-hint { display: block; }" in phone
    assert re.search(r"^\.chart-hint \{ display: none;", css, re.MULTILINE)


def test_every_comparison_bar_shows_its_value_beside_it_up_to_the_longest(app: Flask) -> None:
    """0 % to 100 % of the longest bar: the value stands right of its bar, inside the chart."""
    rows = [(f"Typ {n}", n, 12_345 - n) for n in (0, 1, 3_086, 6_172, 12_345)]
    with app.test_request_context(headers={"Accept-Language": "sv"}):
        drawing = charts.current_vs_previous("Jämförelse", rows, str, ("Nu", "Förr"))
    bars = [s for s in drawing if isinstance(s, Rect) and s.x == 0 and s.h == 3.6]
    values = [s for s in drawing if isinstance(s, Text) and s.text.isdigit()]
    assert len(values) == 2 * len(rows)
    for value in values:
        bar = next((b for b in bars if abs(b.y + 2.8 - value.y) < 0.01), None)
        bar_end = bar.w if bar else 0.0
        assert value.x >= bar_end, value
        assert value.x + text_width(value.text, value.size) <= drawing.width, value


# ---- the last quarter ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("now", "first", "last"),
    [
        (datetime(2026, 5, 20, 12, tzinfo=UTC), date(2026, 1, 1), date(2026, 3, 31)),
        (datetime(2026, 1, 15, 12, tzinfo=UTC), date(2025, 10, 1), date(2025, 12, 31)),
        # 00:30 on 1 April in Sunne is still 31 March in UTC: the second quarter has begun.
        (datetime(2026, 3, 31, 22, 30, tzinfo=UTC), date(2026, 1, 1), date(2026, 3, 31)),
        # 00:30 on New Year's Day in Sunne: the last quarter is the one that just ended.
        (datetime(2026, 12, 31, 23, 30, tzinfo=UTC), date(2026, 10, 1), date(2026, 12, 31)),
        (datetime(2026, 9, 30, 21, 59, tzinfo=UTC), date(2026, 4, 1), date(2026, 6, 30)),
    ],
)
def test_the_last_quarter_is_counted_in_sunne_time(
    app: Flask, now: datetime, first: date, last: date
) -> None:
    with app.app_context():
        assert last_quarter(now) == Period(first, last)


def test_the_report_offers_the_last_quarter_with_the_chosen_promises(
    app: Flask, as_user, dataset: Dataset
) -> None:  # type: ignore[no-untyped-def]
    url = f"{COUNCIL}&promise={dataset.drug_promise}"
    html = normalise(as_user(dataset.coordinator).get(url).get_data(as_text=True))
    with app.app_context():
        quarter = last_quarter()
    link = re.search(r'<a href="([^"]+)"[^>]*>Förra kvartalet</a>', html)
    assert link, "no shortcut"
    href = link.group(1).replace("&amp;", "&")
    assert f"from={quarter.first.isoformat()}" in href
    assert f"to={quarter.last.isoformat()}" in href
    assert f"promise={dataset.drug_promise}" in href
    assert f"promise={dataset.safety_promise}" not in href
    shortcut = as_user(dataset.coordinator).get(href)
    assert shortcut.status_code == 200
    assert 'aria-current="true">Förra kvartalet</a>' in shortcut.get_data(as_text=True)
