"""The council report as a PDF: the same figures, charts and maps as the page, on A4."""

from __future__ import annotations

from collections.abc import Sequence

from flask_babel import gettext as _
from flask_babel import ngettext

from webapp.auth.models import User
from webapp.core.labels import MEASURE_OWNER, MEASURE_STATUS, label
from webapp.reports import fmt, present, walk_measures
from webapp.reports.glossary import Term, glossary
from webapp.reports.measures import MeasureLine
from webapp.reports.pdfdoc import ReportDocument
from webapp.reports.service import CouncilReport, PromiseSection
from webapp.reports.surveys import SurveySection

R, L = "RIGHT", "LEFT"


def render_council_pdf(report: CouncilReport, user: User) -> bytes:
    title = _("Report to the local safety council (Lokala rådet för trygghet)")
    pdf = ReportDocument(title)
    pdf.footer_text = _(
        "Trygg Sunne – follow-up %(period)s",
        period=fmt.period(report.period.first, report.period.last),
    )
    pdf.add_page()
    pdf.title_block(
        title,
        [
            ngettext(
                "Period: %(period)s (%(n)s day)",
                "Period: %(period)s (%(n)s days)",
                report.period.days,
                period=fmt.period(report.period.first, report.period.last),
                n=fmt.number(report.period.days),
            ),
            _(
                "Compared with: %(period)s",
                period=fmt.period(report.previous.first, report.previous.last),
            ),
            _(
                "Made %(when)s by %(who)s",
                when=fmt.moment(report.generated_at),
                who=user.display_name or user.username,
            ),
        ],
    )
    glossary_section(pdf)
    _key_figures(pdf, report)
    for section in report.sections:
        _section(pdf, report, section)
    _safety(pdf, report)
    _walk_measures(pdf, report)
    _surveys(pdf, report)
    _residents(pdf, report)
    _measures(pdf, report)
    _observations(pdf, report)
    _notes(pdf, user)
    return bytes(pdf.output())


def glossary_section(
    pdf: ReportDocument, terms: Sequence[Term] | None = None, *, size: float = 9
) -> None:
    """The glossary's heading and `terms` (the whole glossary without them), each word in bold
    with its meaning; nothing for no terms. The weekly picture shows the ones it uses
    (weekly_pdf.py)."""
    terms = glossary() if terms is None else terms
    if not terms:
        return
    pdf.heading(_("Words in the report"), level=2)
    for term in terms:
        pdf.definition(term.word, term.meaning, size=size)


def _key_figures(pdf: ReportDocument, report: CouncilReport) -> None:
    pdf.heading(_("In brief"))
    rows = [[_("Figure"), _("This period"), _("Change"), _("Comment")]]
    rows += [[k.label, k.value, k.change, k.note] for k in present.key_figures(report)]
    pdf.data_table(rows, (62, 24, 32, 62), align=(L, R, R, L))


def _section(pdf: ReportDocument, report: CouncilReport, section: PromiseSection) -> None:
    promise = section.promise
    pdf.add_page()
    pdf.heading(_("Promise: %(title)s", title=promise.title))
    pdf.text_line(present.promise_runs(promise), muted=True)
    if promise.body:
        pdf.definition(_("What was promised"), promise.body, size=10)
    rows = [
        [
            _("Activity"),
            _("Times done"),
            present.comparison_label(report),
            _("Change"),
            _("Details"),
        ]
    ]
    for line in section.lines:
        name = line.activity_type.name + ("" if line.promised else f" ({_('no longer promised')})")
        rows.append(
            [
                name,
                fmt.number(line.current.done),
                fmt.number(line.previous.done),
                fmt.change(line.current.done, line.previous.done),
                "\n".join(present.type_details(line.activity_type.kind, line.current)),
            ]
        )
    pdf.data_table(rows, (52, 18, 20, 28, 62), align=(L, R, R, R, L))
    if section.not_done:
        pdf.text_line(_("Not done in the period:"), bold=True)
        for activity_type in section.not_done:
            pdf.text_line(f"- {activity_type.name}")
    else:
        pdf.text_line(_("Every promised activity was done at least once in the period."))
    for drawing in present.section_charts(report, section):
        pdf.drawing(drawing)


def _safety(pdf: ReportDocument, report: CouncilReport) -> None:
    pdf.add_page()
    pdf.heading(_("Perceived safety on safety walks"))
    pdf.text_line(
        _(
            "Participants rate each stop from 0 (bad) to 3 (good); each person's latest rating "
            "counts."
        ),
        muted=True,
    )
    pdf.drawing(present.feeling_chart(report))
    if not report.walk_ratings:
        pdf.text_line(_("No safety walk was held in the period."))
        return
    factors = ("feeling", "lighting", "overview", "people", "upkeep", "walkway")
    rows = [[_("Day"), _("Walk"), _("Ratings"), *[present.factor_label(f) for f in factors]]]
    for walk in report.walk_ratings:
        rows.append(
            [
                fmt.short_day(walk.local_day),
                walk.name,
                fmt.number(walk.ratings),
                *[fmt.rating(walk.averages[f]) for f in factors],
            ]
        )
    pdf.data_table(rows, (22, 40, 16, 17, 17, 17, 17, 17, 17), size=8, align=(L, L, *(R,) * 7))


def _walk_measures(pdf: ReportDocument, report: CouncilReport) -> None:
    """Per walk held, the measures decided from it and their status today."""
    pdf.heading(_("Measures decided on the safety walks"))
    if not report.walk_measures:
        pdf.text_line(_("No safety walk was held in the period."))
        return
    pdf.text_line(walk_measures.status_note(report.today), muted=True)
    for walk in report.walk_measures:
        pdf.heading(walk_measures.walk_title(walk), level=2)
        pdf.text_line(walk_measures.summary(walk), bold=True)
        if not walk.measures:
            continue
        rows = [[_("Measure"), _("Owner"), _("Deadline"), _("Status today")]]
        for m in walk.measures:
            status = label(MEASURE_STATUS, m.status)
            if m.overdue:
                status += f" – {_('overdue').upper()}"
            deadline = fmt.short_day(m.deadline) if m.deadline else "–"
            rows.append([m.title, label(MEASURE_OWNER, m.owner), deadline, status])
        pdf.data_table(rows, (70, 50, 25, 35))


def _measures(pdf: ReportDocument, report: CouncilReport) -> None:
    pdf.heading(_("Measures"))
    m = report.measures
    rows = [
        [
            _("Status reached in the period"),
            _("This period"),
            present.comparison_label(report),
            _("Change"),
        ]
    ]
    rows += present.measure_rows(report)
    pdf.data_table(rows, (80, 30, 35, 35), align=(L, R, R, R))
    _changed_measures(pdf, report)
    if m.not_feasible:
        pdf.heading(_("Not feasible, and why"), level=2)
        pdf.data_table(
            [[_("Measure"), _("Owner"), _("Reason")]]
            + [
                [line.title, label(MEASURE_OWNER, line.owner), line.reason]
                for line in m.not_feasible
            ],
            (55, 50, 75),
        )
    if m.overdue:
        pdf.heading(_("Overdue at the end of the period"), level=2)
        pdf.data_table(_overdue_rows(m.overdue), (70, 55, 30, 25), align=(L, L, L, R))


def _changed_measures(pdf: ReportDocument, report: CouncilReport) -> None:
    """Each measure behind the status table by name, as on the page."""
    pdf.heading(_("The measures counted in the period"), level=2)
    lines = report.measures.changed_measures
    if not lines:
        pdf.text_line(_("No measure changed status in the period."))
        return
    pdf.text_line(
        _(
            "Every measure that reached a status in the period, from safety walks and from "
            "elsewhere, with its status today (%(day)s).",
            day=fmt.day(report.today),
        ),
        muted=True,
        size=9,
    )
    rows = [
        [_("Measure"), _("Owner"), _("Reached in the period"), _("Status today"), _("Deadline")]
    ]
    for line in lines:
        deadline = fmt.short_day(line.deadline) if line.deadline else "–"
        rows.append(
            [
                line.title,
                label(MEASURE_OWNER, line.owner),
                present.reached_in_period(line),
                label(MEASURE_STATUS, line.status),
                deadline,
            ]
        )
    pdf.data_table(rows, (58, 40, 32, 26, 24), size=8.5)


def _overdue_rows(lines: list[MeasureLine]) -> list[list[str]]:
    rows = [[_("Measure"), _("Owner"), _("Deadline"), _("Days overdue")]]
    for line in lines:
        deadline = fmt.short_day(line.deadline) if line.deadline else "–"
        rows.append(
            [line.title, label(MEASURE_OWNER, line.owner), deadline, fmt.number(line.days_overdue)]
        )
    return rows


def _observations(pdf: ReportDocument, report: CouncilReport) -> None:
    pdf.add_page()
    pdf.heading(_("Observations and the map of the period"))
    rows = [[_("Category"), _("This period"), present.comparison_label(report), _("Change")]]
    rows += present.observation_rows(report)
    pdf.data_table(rows, (80, 30, 35, 35), align=(L, R, R, R))
    if report.maps:
        pdf.drawings_side_by_side(present.map_drawings(report))


def _notes(pdf: ReportDocument, user: User) -> None:
    pdf.heading(_("About the figures"), level=2)
    for note in present.data_notes(user):
        pdf.text_line(f"- {note}", size=8.5, muted=True)


def _surveys(pdf: ReportDocument, report: CouncilReport) -> None:
    pdf.add_page()
    pdf.heading(_("Annual safety survey"))
    if not report.surveys:
        pdf.text_line(_("No yearly safety survey was open in the period."))
    for section in report.surveys:
        _survey(pdf, report, section)
    if report.other_surveys:
        pdf.text_line(present.other_surveys(report), muted=True, size=9)


def _residents(pdf: ReportDocument, report: CouncilReport) -> None:
    """Residents' reports: per category against a year earlier, and what came of them."""
    pdf.heading(_("Resident reports"))
    pdf.text_line(present.resident_intro(), muted=True, size=9)
    now, before = report.residents, report.previous_residents
    if now.total or before.total:
        pdf.heading(_("Reports per category"), level=2)
        rows = [present.resident_category_headings(report), *present.resident_category_rows(report)]
        pdf.data_table(rows, (80, 30, 35, 35), align=(L, R, R, R))
    if now.total:
        pdf.heading(_("What came of them"), level=2)
        pdf.text_line(present.resident_outcome_note(report), muted=True, size=9)
        rows = [present.resident_outcome_headings(), *present.resident_outcome_rows(report)]
        pdf.data_table(rows, (115, 30, 35), align=(L, R, R))
    else:
        pdf.text_line(_("No report from residents came in during the period."))
    hidden = present.resident_hidden_note(report)
    if hidden:
        pdf.text_line(hidden, muted=True, size=9)


def _survey(pdf: ReportDocument, report: CouncilReport, section: SurveySection) -> None:
    pdf.heading(section.results.survey.title, level=2)
    pdf.text_line(present.survey_intro(section))
    for note in present.survey_notes(section, report.generated_at):
        pdf.text_line(note, bold=True)
    for number, result in enumerate(section.results.questions, start=1):
        pdf.ensure_space(30)
        pdf.text_line(f"{number}. {result.question.text}", bold=True)
        pdf.text_line(present.survey_answered(result), muted=True, size=9)
        place = section.place_question(result)
        if place is not None:
            pdf.text_line(present.survey_places(place), size=9)
            rows = [present.survey_place_headings(), *present.survey_place_rows(place)]
            pdf.data_table(rows, (70, 35, 35, 40), align=(L, R, R, R))
            pdf.drawings_side_by_side(present.survey_heat_maps(section, place))
            continue
        average = present.survey_average(result)
        if average:
            pdf.text_line(average, size=9)
        rows = [present.survey_headings(), *present.survey_rows(result)]
        pdf.data_table(rows, (60, 28, 28, 32, 32), align=(L, R, R, R, R))
