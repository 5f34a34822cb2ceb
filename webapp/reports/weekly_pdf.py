"""The weekly situational picture on one A4 page."""

from __future__ import annotations

from flask_babel import gettext as _
from fpdf.enums import XPos, YPos

from webapp.auth.models import User
from webapp.core.labels import MEASURE_OWNER, MEASURE_STATUS, label
from webapp.core.pdftext import pdf_text
from webapp.reports import fmt
from webapp.reports.glossary import Term, terms_used_in
from webapp.reports.labels import AREA_LABELS
from webapp.reports.measures import MeasureLine
from webapp.reports.observations import AREA_KEYS
from webapp.reports.pdf import glossary_section
from webapp.reports.pdfdoc import ReportDocument
from webapp.reports.weekly import (
    WeeklyPicture,
    incomplete_note,
    police_import_line,
    weekly_dates,
    weekly_title,
)

R, L = "RIGHT", "LEFT"
# Longer lists are cut so the picture stays on one page; the page says how many were left out.
# Overdue measures come most overdue first.
MAX_LINES = 10


def render_weekly_pdf(picture: WeeklyPicture, user: User) -> bytes:
    title = weekly_title(picture)
    pdf = ReportDocument(title)
    pdf.set_auto_page_break(auto=True, margin=12)
    pdf.footer_text = _("Trygg Sunne – situational picture")
    pdf.add_page()
    pdf.title_block(
        title,
        [
            weekly_dates(picture),
            *([incomplete_note(picture)] if picture.incomplete else []),
            _(
                "Made %(when)s by %(who)s",
                when=fmt.moment(picture.generated_at),
                who=user.display_name or user.username,
            ),
        ],
    )
    _observations(pdf, picture)
    _measures(pdf, _("New measures"), picture.new_measures, new=True)
    _measures(pdf, _("Overdue measures"), picture.overdue, new=False)
    _activities(pdf, picture)
    _police_events(pdf, picture)
    # The words of the council report's glossary that the tables use, at the foot of the page
    # as a legend, in small type: in a busy week it is the glossary that goes over the page,
    # never the figures.
    glossary_section(pdf, _words_used(picture), size=8)
    return bytes(pdf.output())


def _words_used(picture: WeeklyPicture) -> list[Term]:
    """The glossary's words in the tables above: "tätort" in the area columns, "ANDT" when an
    ANDT activity (or a measure or category naming it) is listed."""
    texts = [str(AREA_LABELS[a]) for a in AREA_KEYS]
    texts += [
        category.label()
        for category in picture.categories
        if picture.areas.row_total(category.code) or picture.previous_by_category.get(category.code)
    ]
    texts += [line.title for line in picture.new_measures[:MAX_LINES]]
    texts += [line.title for line in picture.overdue[:MAX_LINES]]
    texts += [activity_type.name for activity_type, _now, _before in picture.activity_counts]
    return terms_used_in(texts)


def _observations(pdf: ReportDocument, picture: WeeklyPicture) -> None:
    pdf.heading(_("Observations by category and area"), level=2)
    areas = picture.areas
    rows = [
        [_("Category"), *[str(AREA_LABELS[a]) for a in AREA_KEYS], _("Total"), _("Week before")]
    ]
    for category in picture.categories:
        total, before = (
            areas.row_total(category.code),
            picture.previous_by_category.get(category.code, 0),
        )
        if total or before:
            counts = areas.counts.get(category.code, {})
            rows.append(
                [
                    category.label(),
                    *[fmt.number(counts.get(a, 0)) for a in AREA_KEYS],
                    fmt.number(total),
                    fmt.number(before),
                ]
            )
    rows.append(
        [
            _("Total"),
            *[fmt.number(areas.total(a)) for a in AREA_KEYS],
            fmt.number(picture.observations_total),
            fmt.number(picture.previous_total),
        ]
    )
    pdf.data_table(rows, (50, 24, 30, 28, 22, 26), size=8.5, align=(L, R, R, R, R, R))


def _measures(pdf: ReportDocument, heading: str, lines: list[MeasureLine], *, new: bool) -> None:
    pdf.heading(f"{heading} ({fmt.number(len(lines))})", level=2)
    if not lines:
        pdf.text_line(_("None."))
        return
    last = _("Status") if new else _("Days overdue")
    rows = [[_("Measure"), _("Owner"), _("Deadline"), last]]
    for line in lines[:MAX_LINES]:
        deadline = fmt.short_day(line.deadline) if line.deadline else "–"
        tail = label(MEASURE_STATUS, line.status) if new else fmt.number(line.days_overdue)
        rows.append([line.title, label(MEASURE_OWNER, line.owner), deadline, tail])
    pdf.data_table(rows, (75, 55, 28, 22), size=8.5, align=(L, L, L, L if new else R))
    if len(lines) > MAX_LINES:
        pdf.text_line(
            _("… and %(n)s more (see the measures list).", n=len(lines) - MAX_LINES),
            muted=True,
            size=8.5,
        )


def _activities(pdf: ReportDocument, picture: WeeklyPicture) -> None:
    pdf.heading(_("Activities done"), level=2)
    rows = [[_("Activity"), _("This week"), _("Week before")]]
    rows += [
        [t.name, fmt.number(now), fmt.number(before)] for t, now, before in picture.activity_counts
    ]
    rows.append(
        [
            _("Safety walks held"),
            fmt.number(picture.walks_held),
            fmt.number(picture.previous_walks_held),
        ]
    )
    pdf.data_table(rows, (120, 30, 30), size=8.5, align=(L, R, R))


def _police_events(pdf: ReportDocument, picture: WeeklyPicture) -> None:
    """Listed with their links, never drawn: the police's point is the centre of an area."""
    lines = picture.police_events
    pdf.heading(f"{_('Police events (polisen.se)')} ({fmt.number(len(lines))})", level=2)
    if not lines:
        pdf.text_line(_("None."))
    pdf.set_font("Helvetica", size=8.5)
    for line in lines[:MAX_LINES]:
        text = f"{fmt.short_day(line.occurred_at)} · {line.type} · {line.title}"
        pdf.set_text_color(0, 0, 160)
        pdf.cell(0, 4.5, pdf_text(text[:120]), link=line.url, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_text_color(0, 0, 0)
    pdf.set_font("Helvetica", size=10)
    if len(lines) > MAX_LINES:
        pdf.text_line(
            _("… and %(n)s more (see the weekly picture page).", n=len(lines) - MAX_LINES),
            muted=True,
            size=8.5,
        )
    pdf.text_line(police_import_line(picture), muted=True, size=8.5)
