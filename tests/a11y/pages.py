"""The page types of the app: who sees each, and where it is, given a seeded World."""

from __future__ import annotations

from dataclasses import dataclass

from tests.a11y.world import World


@dataclass(frozen=True)
class PageType:
    name: str
    persona: str  # "anonymous", "participant" or a key of world.PERSONAS
    path: str
    field: bool = False  # a page used outdoors on a phone: strict touch-target checks
    # Pages of features still landing are checked once their endpoint exists.
    endpoint: str | None = None


def page_types(w: World) -> list[PageType]:
    a = w.activities
    return [
        PageType("login", "anonymous", "/login", field=True),
        PageType("start", "officer", "/", field=True),
        PageType("field-new", "officer", "/field/new", field=True),
        PageType("field-mine", "officer", "/field/mine", field=True),
        PageType("install-help", "officer", "/help/install"),
        PageType("offline", "officer", "/offline", field=True),
        PageType("error-404", "officer", "/no-such-page"),
        PageType("review-map", "coordinator", "/review/map"),
        PageType("review-queue", "coordinator", "/review/"),
        PageType("review-detail", "coordinator", f"/review/observations/{w.observation}"),
        PageType(
            "observation-correct", "coordinator", f"/review/observations/{w.observation}/correct"
        ),
        PageType("measures", "coordinator", "/measures/"),
        PageType("measure-detail", "coordinator", f"/measures/{w.measure}"),
        PageType("measure-new", "coordinator", "/measures/new"),
        PageType("measure-edit", "coordinator", f"/measures/{w.measure}/edit"),
        PageType("promises", "coordinator", "/promises/"),
        PageType("promise-new", "coordinator", "/promises/new"),
        PageType("promise-edit", "coordinator", f"/promises/{w.promise}/edit"),
        PageType(
            "activity-type-edit", "coordinator", f"/promises/activity-types/{w.activity_type}/edit"
        ),
        PageType("activities", "officer", "/activities/", field=True),
        PageType("activity-choose", "officer", "/activities/new", field=True),
        PageType("follow-ups", "staff", "/activities/follow-ups"),
        PageType("patrols", "officer", "/patrols/", field=True),
        PageType("patrol-detail", "officer", f"/patrols/{a['patrol']}"),
        PageType("visit-new", "officer", "/activities/new/foretagsbesok", field=True),
        PageType("visit-detail", "officer", f"/activities/{a['visit']}"),
        PageType("andt-new", "officer", "/activities/new/andt", field=True),
        PageType("andt-edit", "officer", f"/activities/{a['andt']}/edit"),
        PageType("meeting-new", "officer", "/activities/new/samverkan-skola-soc"),
        PageType("meeting-detail", "officer", f"/activities/{a['meeting']}"),
        PageType("walks", "coordinator", "/walks/"),
        PageType("walk-new", "coordinator", "/walks/new"),
        PageType("walk-detail", "coordinator", f"/walks/{w.walk}"),
        PageType("walk-edit", "coordinator", f"/walks/{w.walk}/edit"),
        PageType("walk-review", "coordinator", f"/walks/{w.walk}/review"),
        PageType("walk-protocol", "coordinator", f"/walks/{w.held_walk}/protocol"),
        PageType("walk-headcount", "coordinator", f"/walks/{w.walk}/headcount"),
        PageType("walk-measure-new", "coordinator", f"/walks/{w.walk}/measures/new"),
        PageType("walk-poster", "coordinator", f"/walks/{w.walk}/poster"),
        PageType("walk-join-code", "anonymous", "/walk/join", field=True),
        PageType("walk-join", "anonymous", f"/walk/join/{w.join_code}", field=True),
        PageType("walk-participant", "participant", f"/walk/{w.walk}", field=True),
        PageType("admin-users", "admin", "/admin/users"),
        PageType("audit-log", "admin", "/admin/audit"),
        PageType("accounts", "coordinator", "/accounts", endpoint="accounts.index"),
        PageType("reports-council", "coordinator", "/reports/", endpoint="reports.council"),
        PageType("reports-weekly", "coordinator", "/reports/weekly", endpoint="reports.weekly"),
        PageType(
            "citizen-report", "anonymous", "/report", field=True, endpoint="citizen.report_page"
        ),
        PageType(
            "citizen-feedback", "anonymous", "/feedback", field=True, endpoint="citizen.feedback"
        ),
        PageType(
            "citizen-follow",
            "anonymous",
            f"/report/{w.citizen_report}",
            field=True,
            endpoint="citizen.follow_report",
        ),
        PageType(
            "citizen-moderation", "coordinator", "/citizen/reports/", endpoint="moderation.queue"
        ),
        PageType("surveys", "coordinator", "/citizen/surveys/", endpoint="surveys.index"),
        PageType("survey-new", "coordinator", "/citizen/surveys/new", endpoint="surveys.new"),
        PageType(
            "citizen-moderation-detail", "coordinator", f"/citizen/reports/{w.citizen_report}"
        ),
        PageType("survey-detail", "coordinator", f"/citizen/surveys/{w.survey}"),
        PageType("survey-results", "coordinator", f"/citizen/surveys/{w.survey}/results"),
        PageType("survey-answer", "anonymous", f"/survey/{w.open_survey_code}", field=True),
    ]


# A few pages in English (the English coordinator; the login page through the language button).
ENGLISH = [
    "start",
    "field-new",
    "review-queue",
    "measure-detail",
    "walk-detail",
    "activities",
    "reports-council",
]


# Names only, so test ids exist before the world does (pytest collects before fixtures run).
PAGE_NAMES = [
    p.name
    for p in page_types(World(activities=dict.fromkeys(("patrol", "visit", "andt", "meeting"), "")))
]
