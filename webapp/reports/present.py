"""The report's figures as sentences and drawings, shared by the HTML page and the PDF.

Both show the same words and numbers: the PDF is the page on paper, not a second report.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import ngettext, pgettext

from webapp.activities.kinds.andt import AGE_BANDS
from webapp.auth.models import User
from webapp.citizen.surveys.service import local_days
from webapp.citizen.surveys.stats import FEW_ANSWERS, QuestionResult
from webapp.core.i18n import ROLE_LABELS
from webapp.core.labels import MEASURE_STATUS
from webapp.measures.models import STATUSES
from webapp.promises.models import Promise
from webapp.reports import charts, fmt
from webapp.reports.activities import TypeFigures
from webapp.reports.drawing import Drawing
from webapp.reports.labels import AREA_LABELS, MEASURE_CHANGES, RESIDENT_OUTCOMES
from webapp.reports.mapdraw import draw_heat_map, draw_map
from webapp.reports.measures import TRACKED, MeasureLine
from webapp.reports.observations import AREA_KEYS
from webapp.reports.resident_reports import OUTCOMES
from webapp.reports.service import CouncilReport, PromiseSection
from webapp.reports.surveys import PlaceQuestion, SurveySection
from webapp.walks.labels import FACTOR


@dataclass(frozen=True)
class KeyFigure:
    label: str
    value: str
    change: str
    note: str = ""


def key_figures(report: CouncilReport) -> list[KeyFigure]:
    return [
        _activities_logged(report),
        _patrol_hours(report),
        _young_people_reached(report),
        _business_visits(report),
        _meetings(report),
        _counted(_("Safety walks held"), report.walks_held, report.previous_walks_held),
        _counted(_("Measures decided"), report.measures.decided, report.previous_measures.decided),
        _counted(_("Measures done"), report.measures.done, report.previous_measures.done),
        _counted(
            _("Observations"),
            sum(report.observations.values()),
            sum(report.previous_observations.values()),
        ),
        _resident_reports(report),
    ]


def _counted(label: str, now: float, before: float, note: str = "") -> KeyFigure:
    """A figure that is a count, with its change since the period before."""
    return KeyFigure(label, fmt.number(now), fmt.change(now, before), note)


def _pair(report: CouncilReport, kind: str, attribute: str) -> tuple[float, float]:
    return report.total(kind, attribute), report.total(kind, attribute, previous=True)


def _activities_logged(report: CouncilReport) -> KeyFigure:
    logged = sum(f.count for f in report.totals.values())
    logged_before = sum(f.count for f in report.previous_totals.values())
    # The promise tables list walks not logged as activities among the activities; this figure
    # counts logged activities only, so say it, or the rows add up to more than this figure.
    unlogged = report.walks_not_logged
    note = (
        ngettext(
            "Safety walks not included (%(n)s walk, counted below).",
            "Safety walks not included (%(n)s walks, counted below).",
            unlogged,
            n=fmt.number(unlogged),
        )
        if unlogged
        else ""
    )
    return _counted(_("Activities logged"), logged, logged_before, note)


def _patrol_hours(report: CouncilReport) -> KeyFigure:
    hours, hours_before = _pair(report, "patrol", "hours")
    auto = report.total("patrol", "auto_closed")
    auto_hours = report.total("patrol", "auto_closed_hours")
    note = (
        ngettext(
            "Not included: %(n)s patrol closed by the app, %(h)s estimated hours.",
            "Not included: %(n)s patrols closed by the app, %(h)s estimated hours.",
            int(auto),
            n=fmt.number(auto),
            h=fmt.hours(auto_hours),
        )
        if auto
        else ""
    )
    return KeyFigure(
        _("Foot patrol hours"), fmt.hours(hours), fmt.change(hours, hours_before, 1), note
    )


def _young_people_reached(report: CouncilReport) -> KeyFigure:
    reached, reached_before = _pair(report, "andt", "reached_total")
    return _counted(_("Young people reached (ANDT)"), reached, reached_before)


def _business_visits(report: CouncilReport) -> KeyFigure:
    visits, visits_before = _pair(report, "business_visit", "count")
    outside = report.total("business_visit", "outside_tatort")
    inside = report.total("business_visit", "inside_tatort")
    share = outside / (outside + inside) if outside + inside else None
    note = _("%(share)s outside Sunne tätort", share=fmt.share(share)) if share is not None else ""
    return _counted(_("Business visits"), visits, visits_before, note)


def _meetings(report: CouncilReport) -> KeyFigure:
    meetings, meetings_before = _pair(report, "meeting", "count")
    cases = report.total("meeting", "cases")
    return _counted(
        _("Meetings with school and social services"),
        meetings,
        meetings_before,
        cases_discussed(cases),
    )


def _resident_reports(report: CouncilReport) -> KeyFigure:
    now, before = report.residents, report.previous_residents
    led = now.outcomes["measure"]
    note = _("%(n)s led to a measure", n=fmt.number(led)) if now.total else ""
    return _counted(_("Resident reports"), now.total, before.total, note)


def type_details(kind: str, figures: TypeFigures) -> list[str]:
    """What the bare count does not say, per kind of activity."""
    lines: list[str] = []
    if kind == "patrol":
        lines.append(_("%(h)s hours on patrol", h=fmt.hours(figures.hours)))
        if figures.length_km:
            lines.append(_("%(km)s km walked", km=fmt.number(figures.length_km, 1)))
        if figures.auto_closed:
            lines.append(
                ngettext(
                    "%(num)s patrol closed by the app: its end is an estimate "
                    "(%(h)s h, not included)",
                    "%(num)s patrols closed by the app: their end is an estimate "
                    "(%(h)s h, not included)",
                    figures.auto_closed,
                    h=fmt.hours(figures.auto_closed_hours),
                )
            )
        if figures.still_open:
            lines.append(
                ngettext(
                    "%(num)s patrol still open", "%(num)s patrols still open", figures.still_open
                )
            )
    elif kind == "andt":
        bands = ", ".join(
            f"{AGE_BANDS[band]}: {fmt.number(n)}" for band, n in figures.reached.items()
        )
        lines.append(
            ngettext(
                "%(n)s young person reached (%(bands)s)",
                "%(n)s young people reached (%(bands)s)",
                int(figures.reached_total),
                n=fmt.number(figures.reached_total),
                bands=bands,
            )
        )
    elif kind == "business_visit":
        if figures.outside_share is not None:
            lines.append(
                _(
                    "%(share)s outside the tätort (%(n)s of %(known)s with a position)",
                    share=fmt.share(figures.outside_share),
                    n=fmt.number(figures.outside_tatort),
                    known=fmt.number(figures.outside_tatort + figures.inside_tatort),
                )
            )
        if figures.no_position:
            lines.append(_("%(n)s without a position", n=fmt.number(figures.no_position)))
    elif kind == "meeting":
        lines.append(cases_discussed(figures.cases))
        lines.append(
            count_of("%(n)s follow-up agreed", "%(n)s follow-ups agreed", figures.follow_ups)
        )
    elif kind == "safety_walk":
        lines.append(count_of("%(n)s safety walk held", "%(n)s safety walks held", figures.walks))
    return lines


def cases_discussed(cases: float) -> str:
    return count_of("%(n)s case discussed", "%(n)s cases discussed", cases)


def promise_runs(promise: Promise) -> str:
    if promise.ends_on is None:
        return _(
            "The promise runs from %(day)s until further notice.", day=fmt.day(promise.starts_on)
        )
    return _("The promise runs %(when)s.", when=fmt.period(promise.starts_on, promise.ends_on))


def factor_label(factor: str) -> str:
    return str(FACTOR[factor])


# ---- drawings -----------------------------------------------------------------------------


def _colours(section: PromiseSection) -> dict[int, str]:
    return {
        line.activity_type.id: charts.PALETTE[i % len(charts.PALETTE)]
        for i, line in enumerate(section.lines)
    }


def section_charts(report: CouncilReport, section: PromiseSection) -> list[Drawing]:
    colours = _colours(section)
    months = [fmt.month(m.first) for m in report.months]
    series = [
        charts.Series(line.activity_type.name, line.monthly, colours[line.activity_type.id])
        for line in section.lines
        if any(line.monthly)
    ]
    by_month = charts.stacked_by_month(
        _("Activities per month"),
        months,
        series,
        fmt.number,
        empty_text=_("No activity in the period."),
    )
    rows = [
        (line.activity_type.name, line.current.done, line.previous.done) for line in section.lines
    ]
    comparison = charts.current_vs_previous(
        _("Times done, this period and the same dates earlier"),
        rows,
        fmt.number,
        (_("This period"), comparison_label(report)),
    )
    return [by_month, comparison]


def comparison_label(report: CouncilReport) -> str:
    """The comparison column: the same dates one (or, for long periods, more) years earlier."""
    years = report.period.first.year - report.previous.first.year
    return ngettext("A year earlier", "%(num)s years earlier", years)


def feeling_chart(report: CouncilReport) -> Drawing:
    return charts.feeling_by_month(
        _("Feeling of safety on safety walks, average per month"),
        [fmt.month(m.first) for m in report.feeling_months],
        [m.feeling for m in report.feeling_months],
        lambda v: fmt.number(v, 1) if v % 1 else fmt.number(v),
        _("no walk"),
    )


def map_drawings(report: CouncilReport) -> list[Drawing]:
    titles = {"kommun": _("Sunne kommun"), "centrum": _("Sunne centrum")}
    return [draw_map(layer, titles[layer.name]) for layer in report.maps]


def data_notes(author: User) -> list[str]:
    """How the figures were counted, printed under the report so nobody has to guess.

    `author` made the report: the figures follow what they may read, and a council member
    reading the PDF must see whose access that was, not take it for their own.
    """
    return [
        _(
            "Days are local Swedish days (Europe/Stockholm): a period runs from midnight of its "
            "first day to midnight after its last, also across daylight saving changes."
        ),
        _(
            "An activity counts, in the period its start falls in, for the promises ticked when "
            "it was logged; with none ticked, for every promise that serves the activity and "
            "covers its day, also a promise entered later."
        ),
        _(
            "The comparison is the same dates a year earlier (for a period longer than a year, "
            "as many whole years earlier as it takes not to overlap)."
        ),
        _(
            "Patrol hours add up patrols ended by a person. Patrols the app closed because they "
            "were left open have an estimated end and are shown separately, not included."
        ),
        _(
            "Outside the tätort is computed from the position and the tätort outline, which is "
            "approximate."
        ),
        _(
            "Safety walks count when held or closed in the walk planner; walks also logged as an "
            "activity are counted once."
        ),
        _(
            "Measures count by the status changes recorded in the period; overdue means still open "
            "with a passed deadline at the end of the period."
        ),
        _("Observations marked as duplicates are not counted."),
        _(
            "Residents' reports are counted in the period they came in, and what came of them as "
            "it stands today. Reports the coordinator hid (spam, duplicates, reports that could "
            "identify a person and matters for neither the municipality nor the police) are not "
            "counted but given on a line of their own. Automated sending that the public form "
            "stops is never stored."
        ),
        _(
            "Figures include only records that %(who)s, who made the report, may read "
            "(role: %(role)s).",
            who=author.display_name or author.username,
            role=ROLE_LABELS.get(author.role, author.role),
        ),
    ]


def measure_rows(report: CouncilReport) -> list[list[str]]:
    """Status changes in the period against the previous one, then overdue measures."""
    m, before = report.measures, report.previous_measures
    # Every status a measure reached in either period, so each counted measure has its row.
    shown = [s for s in STATUSES if s in TRACKED or m.changed[s] or before.changed[s]]
    rows = [
        _compared(str(MEASURE_CHANGES[status]), m.changed[status], before.changed[status])
        for status in shown
    ]
    rows.append(
        _compared(_("Overdue at the end of the period"), len(m.overdue), len(before.overdue))
    )
    return rows


def reached_in_period(line: MeasureLine) -> str:
    """The statuses a measure reached in the period, in the order of the status table."""
    return ", ".join(str(MEASURE_STATUS[status]) for status in line.reached)


def observation_rows(report: CouncilReport) -> list[list[str]]:
    rows = []
    for category in report.categories:
        now = report.observations.get(category.code, 0)
        before = report.previous_observations.get(category.code, 0)
        if now or before:
            rows.append(_compared(category.label(), now, before))
    total, total_before = (
        sum(report.observations.values()),
        sum(report.previous_observations.values()),
    )
    rows.append(_compared(_("Total"), total, total_before))
    return rows


def _compared(label: str, now: float, before: float | None) -> list[str]:
    """A table row: the label, the count now and before, and the change (– with no before)."""
    if before is None:
        return [label, fmt.number(now), "–", "–"]
    return [label, fmt.number(now), fmt.number(before), fmt.change(now, before)]


# ---- residents' reports ------------------------------------------------------------------


def resident_intro() -> str:
    return _(
        "Places residents reported on the public page, counted by the day the report came in. "
        "Counts only: never a resident's text or contact details."
    )


def resident_category_headings(report: CouncilReport) -> list[str]:
    return [_("Category"), _("This period"), comparison_label(report), _("Change")]


def resident_category_rows(report: CouncilReport) -> list[list[str]]:
    """Reports per category, against the same dates a year earlier, then the total."""
    now, before = report.residents.by_category, report.previous_residents.by_category
    rows = [
        _compared(category.label(), now.get(category.code, 0), before.get(category.code, 0))
        for category in report.categories
        if now.get(category.code) or before.get(category.code)
    ]
    rows.append(_compared(_("Total"), report.residents.total, report.previous_residents.total))
    return rows


def resident_outcome_note(report: CouncilReport) -> str:
    return _(
        "What came of the reports of the period, as it stands today (%(day)s).",
        day=fmt.day(report.today),
    )


def resident_outcome_headings() -> list[str]:
    return [_("Status today"), _("This period"), pgettext("proportion", "Share")]


def resident_outcome_rows(report: CouncilReport) -> list[list[str]]:
    """Each report once, by how far it came, then the total (the category table's): the rows
    add up to it. How many of the measures are done is said in the measure row's label."""
    figures = report.residents
    total = figures.total
    rows = []
    for key in OUTCOMES:
        label = str(RESIDENT_OUTCOMES[key])
        count = figures.outcomes[key]
        if key == "measure" and count:
            label = ngettext(
                "%(label)s (%(num)s of them done today)",
                "%(label)s (%(num)s of them done today)",
                figures.measure_done,
                label=label,
            )
        rows.append([label, fmt.number(count), fmt.share(count / total if total else None)])
    rows.append([_("Total"), fmt.number(total), fmt.share(1 if total else None)])
    return rows


def resident_hidden_note(report: CouncilReport) -> str:
    """How many reports were hidden and left out ("" when none was, now or a year earlier)."""
    now, before = report.residents.hidden, report.previous_residents.hidden
    if not (now or before):
        return ""
    return ngettext(
        "Not counted: %(n)s report the coordinator hid, as spam, a duplicate or for another "
        "reason (a year earlier: %(before)s).",
        "Not counted: %(n)s reports the coordinator hid, as spam, duplicates or for another "
        "reason (a year earlier: %(before)s).",
        now,
        n=fmt.number(now),
        before=fmt.number(before),
    )


# ---- the annual safety survey -------------------------------------------------------------


def count_of(singular: str, plural: str, count: float) -> str:
    """A count in the right plural form, its number written the reader's way ("1 234")."""
    return ngettext(singular, plural, int(count), n=fmt.number(count))


def survey_answers(count: int) -> str:
    return count_of("%(n)s answer", "%(n)s answers", count)


def survey_intro(section: SurveySection) -> str:
    """How many answered, and what the figures are compared with."""
    results = section.results
    first, last = local_days(results.survey)
    when = fmt.period(first, last) if first and last else ""
    answers = survey_answers(results.responses)
    if results.previous_survey is None:
        return _(
            "Open %(when)s: %(answers)s. There is no earlier survey to compare with.",
            when=when,
            answers=answers,
        )
    return _(
        "Open %(when)s: %(answers)s. Compared with %(title)s: %(previous)s.",
        when=when,
        answers=answers,
        title=results.previous_survey.title,
        previous=survey_answers(results.previous_responses),
    )


def survey_notes(section: SurveySection, at: datetime) -> list[str]:
    """What to know before reading the figures: not final yet, or too few answers."""
    results = section.results
    notes = []
    if results.preliminary(at):
        _first, last = local_days(results.survey)
        notes.append(
            _("Preliminary:")
            + " "
            + _(
                "the survey is open until %(day)s, so more answers may come.",
                day=fmt.day(last) if last else "",
            )
        )
    if results.few_answers:
        notes.append(
            _(
                "Few answers (under %(n)s in this survey or in the survey it is compared with): "
                "compare with care.",
                n=FEW_ANSWERS,
            )
        )
    return notes


def other_surveys(report: CouncilReport) -> str:
    """The surveys outside the yearly series, named so nobody looks for them, never compared
    ("" when there is none)."""
    if not report.other_surveys:
        return ""
    names = "; ".join(
        f"{survey.title} ({survey_answers(count)})" for survey, count in report.other_surveys
    )
    return _(
        "Other surveys open in the period, not part of the yearly survey and not compared: "
        "%(surveys)s. Their results are on each survey's results page.",
        surveys=names,
    )


def survey_answered(result: QuestionResult) -> str:
    """Who answered the question, now and last time."""
    now = count_of("%(n)s person answered", "%(n)s people answered", result.answered)
    if result.previous is None:
        return now
    before = count_of("last time %(n)s person", "last time %(n)s people", result.previous.answered)
    return f"{now} ({before})"


def survey_average(result: QuestionResult) -> str:
    """A scale question's average, against last time's ("" for other questions)."""
    if result.average is None:
        return ""
    average = fmt.number(result.average, 1)
    change = result.average_change
    ends = result.scale_ends
    if ends is None:  # a scale whose ends were never named
        if change is None or result.previous is None:
            return _("Average %(average)s on the scale 1–5.", average=average)
        return _(
            "Average %(average)s on the scale 1–5; last time %(before)s (%(change)s).",
            average=average,
            before=fmt.number(result.previous.average, 1),
            change=fmt.signed(change, 1),
        )
    if change is None or result.previous is None:
        return _(
            "Average %(average)s on the scale from 1 (%(low)s) to 5 (%(high)s).",
            average=average,
            low=ends[0],
            high=ends[1],
        )
    return _(
        "Average %(average)s on the scale from 1 (%(low)s) to 5 (%(high)s); last time "
        "%(before)s (%(change)s).",
        average=average,
        low=ends[0],
        high=ends[1],
        before=fmt.number(result.previous.average, 1),
        change=fmt.signed(change, 1),
    )


def survey_headings() -> list[str]:
    # Each heading says whose share it is: two columns named "Share" would read the same aloud.
    return [
        _("Answer"),
        _("This survey"),
        _("Share, this survey"),
        _("Previous survey"),
        _("Share, previous survey"),
    ]


def survey_rows(result: QuestionResult) -> list[list[str]]:
    """Per option (or scale step): count and share now, and last time's ("–" if not asked)."""
    previous = result.previous
    rows = []
    for index, option in enumerate(result.labels):
        row = [option, fmt.number(result.counts[index]), fmt.share(result.shares[index])]
        if previous is not None and index < len(previous.counts):
            row += [fmt.number(previous.counts[index]), fmt.share(previous.shares[index])]
        else:
            row += ["–", "–"]
        rows.append(row)
    return rows


def survey_place_headings() -> list[str]:
    return [_("Area"), _("This survey"), _("Previous survey"), _("Change")]


def survey_place_rows(place: PlaceQuestion) -> list[list[str]]:
    """Places marked per area, then in all, against the previous survey."""
    rows = []
    before_areas = place.previous_areas
    for key in AREA_KEYS:
        before = None if before_areas is None else before_areas[key]
        rows.append(_compared(str(AREA_LABELS[key]), place.areas[key], before))
    total_before = None if before_areas is None else sum(before_areas.values())
    rows.append(_compared(_("Total"), sum(place.areas.values()), total_before))
    return rows


def survey_places(place: PlaceQuestion) -> str:
    """How many places were marked, now and last time."""
    now = count_of("%(n)s place marked", "%(n)s places marked", len(place.result.points))
    if place.result.previous is None:
        return now
    before = count_of(
        "last time %(n)s place", "last time %(n)s places", len(place.result.previous.points)
    )
    return f"{now} ({before})"


def survey_heat_maps(section: SurveySection, place: PlaceQuestion) -> list[Drawing]:
    """This survey's heat map and, beside it, the previous survey's on the same scale."""
    results = section.results
    scale = place.scale_max
    drawings = [
        draw_heat_map(
            section.grid,
            place.heat,
            scale,
            section.outlines,
            _("Marked places: %(title)s", title=results.survey.title),
        )
    ]
    if place.previous_heat is not None and results.previous_survey is not None:
        drawings.append(
            draw_heat_map(
                section.grid,
                place.previous_heat,
                scale,
                section.outlines,
                _("Marked places: %(title)s", title=results.previous_survey.title),
            )
        )
    return drawings
