"""The protocol as a PDF, with fpdf2 (pure Python, no system libraries).

fpdf2's core Helvetica in Windows-1252 (core.pdftext): å, ä, ö and the en dash print as they are;
other typographic characters are replaced by near equivalents and anything else (emoji) by "?",
never an error.
"""

from __future__ import annotations

from flask_babel import format_date, format_datetime, ngettext
from flask_babel import gettext as _
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from webapp.core.labels import MEASURE_OWNER, MEASURE_STATUS, PRIORITY, label
from webapp.core.pdftext import ENCODING, pdf_text
from webapp.walks.labels import CHECK_ANSWER, DIMENSION, DIMENSION_LABELS, FACTOR
from webapp.walks.models import CHECK_ANSWERS, FACTORS
from webapp.walks.protocol import Protocol


class _Document(FPDF):
    footer_text = ""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.core_fonts_encoding = ENCODING

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("Helvetica", size=8)
        self.cell(0, 6, pdf_text(f"{self.footer_text}   {self.page_no()}/{{nb}}"), align="C")


def _heading(pdf: FPDF, text: str) -> None:
    pdf.ln(3)
    pdf.set_font("Helvetica", "B", 13)
    pdf.multi_cell(0, 7, pdf_text(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("Helvetica", size=10)


def _line(pdf: FPDF, text: str, *, bold: bool = False) -> None:
    pdf.set_font("Helvetica", "B" if bold else "", 10)
    pdf.multi_cell(0, 5, pdf_text(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("Helvetica", size=10)


def _table(pdf: FPDF, rows: list[list[str]], widths: tuple[int, ...]) -> None:
    pdf.set_font("Helvetica", size=8)
    with pdf.table(col_widths=widths, text_align="LEFT", line_height=4.5) as table:
        for values in rows:
            row = table.row()
            for value in values:
                row.cell(pdf_text(value))
    pdf.set_font("Helvetica", size=10)


# The PDF's core fonts have no triangles: a plus or minus after the pair, explained below the table.
_CHANGE_MARK = {"better": " +", "worse": " -"}


def _average(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}".replace(".", ",")


def render_pdf(protocol: Protocol) -> bytes:
    walk = protocol.walk
    pdf = _Document(format="A4")
    pdf.set_title(pdf_text(_("Protocol: %(name)s", name=walk.name)))
    pdf.set_creator("Trygg Sunne")
    pdf.footer_text = (
        _("Public version")
        if protocol.public
        else _("Internal version – police and municipality only")
    )
    pdf.set_auto_page_break(auto=True, margin=16)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    pdf.multi_cell(
        0, 8, pdf_text(_("Protocol: %(name)s", name=walk.name)), new_x=XPos.LMARGIN, new_y=YPos.NEXT
    )
    _line(pdf, pdf.footer_text)
    _facts(pdf, protocol)
    _participants(pdf, protocol)
    _stops(pdf, protocol)
    _problems(pdf, protocol)
    _measures(pdf, protocol)
    _follow_up(pdf, protocol)
    if walk.summary:
        _heading(pdf, _("Summary"))
        _line(pdf, walk.summary)
    if protocol.internal_notes:
        _heading(pdf, _("Internal notes"))
        _line(pdf, protocol.internal_notes)
    _line(pdf, _("Made %(when)s", when=format_datetime(protocol.generated_at, "short")))
    return bytes(pdf.output())


def _facts(pdf: FPDF, protocol: Protocol) -> None:
    walk = protocol.walk
    when = format_datetime(walk.starts_at, "EEEE d MMMM y, HH:mm")
    _line(pdf, f"{_('When')}: {when} ({_('after dark') if walk.after_dark else _('in daylight')})")
    if walk.meeting_point:
        _line(pdf, f"{_('Meeting point')}: {walk.meeting_point}")
    if walk.invited_organisations:
        _line(pdf, f"{_('Organisations invited')}: {', '.join(walk.invited_organisations)}")
    if protocol.original is not None:
        original = protocol.original
        _line(
            pdf,
            _(
                "Follow-up of “%(name)s” on %(day)s",
                name=original.name,
                day=format_date(original.starts_at, "long"),
            ),
        )


def _participants(pdf: FPDF, protocol: Protocol) -> None:
    count = protocol.headcount
    _heading(pdf, _("Who took part"))
    if not count.anyone:  # a walk only planned: a sentence, as on its page, not "0 participants"
        _line(pdf, _("No participants yet."))
        return
    summary = ngettext(
        "%(num)s participant: %(joined)s joined by phone, %(counted)s counted by the walk leader.",
        "%(num)s participants: %(joined)s joined by phone, %(counted)s counted by the walk leader.",
        count.total,
        joined=count.joined,
        counted=count.counted,
    )
    _line(pdf, summary)
    for dimension, values in count.by.items():
        if protocol.public and not count.shown_in_public(dimension):
            hidden = _(
                "Not shown in the public version: a group of fewer than 3 people could be "
                "recognised."
            )
            _line(pdf, f"{DIMENSION[dimension]}: {hidden}")
            continue
        parts = [
            f"{DIMENSION_LABELS[dimension][code]} {n}"
            for code, n in values.items()
            if n and code != "unknown"
        ]
        if values.get("unknown"):
            parts.append(f"{_('not stated')} {values['unknown']}")
        _line(pdf, f"{DIMENSION[dimension]}: {', '.join(parts) or '-'}")


def _stops(pdf: FPDF, protocol: Protocol) -> None:
    walk = protocol.walk
    if not walk.stops:
        return
    _heading(pdf, _("Ratings per stop (average, 0 = bad, 3 = good)"))
    if not sum(protocol.stop_ratings[stop.id].count for stop in walk.stops):
        _line(pdf, _("No ratings yet."))  # a table of dashes read like a walk that went badly
        return
    rows = [[_("Stop"), *[str(FACTOR[f]) for f in FACTORS], _("Ratings")]]
    for stop in walk.stops:
        ratings = protocol.stop_ratings[stop.id]
        rows.append(
            [
                f"{stop.position}. {stop.name}",
                *[_average(ratings.averages[f]) for f in FACTORS],
                str(ratings.count),
            ]
        )
    _table(pdf, rows, (40, 18, 18, 18, 18, 18, 18, 14))
    if protocol.comparison:
        _heading(pdf, _("Before and after"))
        rows = [[_("Stop"), *[str(FACTOR[f]) for f in FACTORS]]]
        for item in protocol.comparison:
            before = item.before.averages if item.before else {}
            rows.append(
                [
                    item.name,
                    *[
                        f"{_average(before.get(f))} -> {_average(item.after.averages[f])}"
                        + _CHANGE_MARK.get(item.change(f) or "", "")
                        for f in FACTORS
                    ],
                ]
            )
        _table(pdf, rows, (40, 20, 20, 20, 20, 20, 20))
        _line(
            pdf,
            _(
                "+ better, - worse: the average moved by at least half a step "
                "(0 = bad, 3 = good). Smaller moves are not marked."
            ),
        )


def _problems(pdf: FPDF, protocol: Protocol) -> None:
    if not protocol.spots_by_category:
        return
    _heading(pdf, _("Marked problems"))
    _line(pdf, ", ".join(f"{name} {n}" for name, n in protocol.spots_by_category))
    if protocol.public:
        return
    rows = [[_("Category"), _("Note"), _("Status")]]
    from webapp.walks.labels import SPOT_STATUS

    for spot in protocol.spots:
        rows.append(
            [
                spot.category.label(),
                spot.note or "-",
                str(SPOT_STATUS.get(spot.status, spot.status)),
            ]
        )
    _table(pdf, rows, (35, 115, 30))


def _measures(pdf: FPDF, protocol: Protocol) -> None:
    _heading(pdf, _("Decided measures"))
    if not protocol.measures:
        _line(pdf, _("None."))
        return
    for number, measure in enumerate(protocol.measures, start=1):
        _line(pdf, f"{number}. {measure.title}", bold=True)
        if measure.description:
            _line(pdf, measure.description)
        owner = label(MEASURE_OWNER, measure.owner) + (
            f" - {measure.owner_detail}" if measure.owner_detail else ""
        )
        deadline = format_date(measure.deadline, "medium") if measure.deadline else "-"
        priority, status = label(PRIORITY, measure.priority), label(MEASURE_STATUS, measure.status)
        _line(
            pdf,
            f"{_('Owner')}: {owner}. {_('Deadline')}: {deadline}. "
            f"{_('Priority')}: {priority}. {_('Status')}: {status}",
        )
        if not protocol.public and measure.internal_note:
            _line(pdf, f"{_('Internal note')}: {measure.internal_note}")


def _follow_up(pdf: FPDF, protocol: Protocol) -> None:
    if not protocol.walk.follow_up_of_id:
        return
    _heading(pdf, _("Measures of the earlier walk, checked on site"))
    if not protocol.original_measures:
        _line(pdf, _("None."))
    for item in protocol.original_measures:
        answers = ", ".join(
            f"{CHECK_ANSWER[a]} {item.answers[a]}" for a in CHECK_ANSWERS if item.answers[a]
        )
        _line(pdf, f"{item.measure.title} - {label(MEASURE_STATUS, item.measure.status)}. "
                   f"{_('On site')}: {answers or '-'}")  # fmt: skip
        for note in item.notes:
            _line(pdf, f"  - {note}")
