"""A small October 2026 data set with report figures worked out by hand (test_aggregates.py).

October 2026 holds the change back to winter time (Sunday 25 October, 03:00 CEST -> 02:00 CET),
so the same data also tests local days across DST. The council compares it with the same dates a
year earlier, October 2025.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
from flask import Flask

from tests.conftest import make_user
from tests.reports.helpers import (
    ROTTNEROS,
    add_activity,
    add_measure,
    add_observation,
    add_rating,
    add_walk,
    local,
    promise_of,
)
from webapp.auth.models import User
from webapp.core.access import Role
from webapp.extensions import db

OCTOBER = (date(2026, 10, 1), date(2026, 10, 31))
# "Now" for the report: after the period, so overdue is judged at the end of October.
NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)


@dataclass
class Dataset:
    officer: User
    staff: User
    coordinator: User
    safety_promise: int  # "Öka känslan ... trygghet i Sunne centrum"
    drug_promise: int  # "Minska risken för unga ... drogberoende"


@pytest.fixture
def people(app: Flask) -> tuple[User, User, User]:
    with app.app_context():
        return (
            make_user(Role.OFFICER, "officer"),
            make_user(Role.STAFF, "staff"),
            make_user(Role.COORDINATOR, "coordinator", organisation="municipality"),
        )


@pytest.fixture
def dataset(app: Flask, people: tuple[User, User, User]) -> Dataset:
    officer, staff, coordinator = people
    with app.app_context():
        o, s, c = officer.id, staff.id, coordinator.id
        # ---- foot patrols (promise: safety in centrum) ----
        add_activity(
            "fotpatrull", o, local(2026, 10, 3, 18), local(2026, 10, 3, 20, 30), length_m=3200.0
        )
        # 01:30 CEST -> 03:30 CET on the night the clocks go back: three hours, not two.
        add_activity(
            "fotpatrull", o, local(2026, 10, 25, 1, 30), local(2026, 10, 25, 3, 30), length_m=1800.0
        )
        # Forgotten open and closed by the app after 8 hours: an estimate, kept apart.
        add_activity(
            "fotpatrull", o, local(2026, 10, 10, 22), local(2026, 10, 11, 6), auto_closed=True
        )
        # Started 23:30 on the last day and still open: counted, no hours.
        add_activity("fotpatrull", o, local(2026, 10, 31, 23, 30))
        # 00:30 on 1 November local time is still 31 October in UTC: not in October.
        add_activity("fotpatrull", o, local(2026, 11, 1, 0, 30), local(2026, 11, 1, 1, 30))
        add_activity("fotpatrull", o, local(2025, 10, 15, 18), local(2025, 10, 15, 19))
        # ---- business visits ----
        for day in (6, 13):
            add_activity(
                "foretagsbesok",
                o,
                local(2026, 10, day, 10),
                lat=ROTTNEROS[0],
                lon=ROTTNEROS[1],
                outside_tatort=True,
                details={"business_name": "Rottneros Bygg AB"},
            )
        add_activity(
            "foretagsbesok",
            o,
            local(2026, 10, 20, 10),
            lat=59.8366,
            lon=13.1440,
            outside_tatort=False,
            visibility="shared",
            details={"business_name": '=HYPERLINK("x")'},
        )
        add_activity(
            "foretagsbesok", o, local(2026, 10, 21, 10), details={"business_name": "Utan plats AB"}
        )
        # ---- ANDT (promise: drugs) ----
        add_activity(
            "andt",
            o,
            local(2026, 10, 9, 21),
            lat=59.8370,
            lon=13.1450,
            place="Skateparken",
            details={"reached": {"under_15": 3, "age_15_17": 5, "age_18_20": 1}},
        )
        # 00:30 local on 25 October is 22:30 UTC on the 24th: belongs to the 25th.
        add_activity(
            "andt",
            o,
            local(2026, 10, 25, 0, 30),
            details={"reached": {"under_15": 0, "age_15_17": 4, "age_18_20": 2}},
        )
        # ---- meetings: one in October 2025, none in October 2026 ("not done") ----
        meeting = add_activity(
            "samverkan-skola-soc",
            s,
            local(2025, 10, 20, 13),
            local(2025, 10, 20, 14),
            visibility="shared",
            details={"cases_discussed": 4},
        )
        from webapp.activities.models import FollowUp

        meeting.follow_ups = [
            FollowUp(position=0, what="Kartlägga", owner="skola", due_on=date(2026, 10, 1)),
            FollowUp(position=1, what="Informera", owner="fritid", due_on=date(2026, 10, 1)),
        ]
        # ---- safety walks and ratings ----
        first = add_walk(c, local(2026, 10, 8, 18), name="Centrum kväll")
        add_rating(first, 0, "p1", local(2026, 10, 8, 18, 10), feeling=1)
        add_rating(
            first, 0, "p1", local(2026, 10, 8, 18, 20), feeling=2
        )  # replaces the rating above
        add_rating(first, 1, "p1", local(2026, 10, 8, 18, 30), feeling=3)
        add_rating(first, 0, "p2", local(2026, 10, 8, 18, 12), feeling=0)
        add_rating(first, 1, "p2", local(2026, 10, 8, 18, 32), feeling=None, lighting=0)
        second = add_walk(c, local(2026, 10, 22, 19), status="closed", name="Stationen")
        add_rating(second, 0, "p3", local(2026, 10, 22, 19, 10), feeling=3)
        add_rating(second, 1, "p3", local(2026, 10, 22, 19, 20), feeling=2)
        add_walk(c, local(2026, 10, 29, 18), status="planned", name="Planerad")
        add_walk(c, local(2025, 10, 10, 18), name="Förra oktober")
        # ---- measures ----
        add_measure(
            c,
            "Ny belysning i gångtunneln",
            [
                (local(2025, 10, 5), "proposed", "Created"),
                (local(2026, 10, 2), "decided", ""),
                (local(2026, 10, 20), "done", ""),
            ],
        )
        add_measure(
            c,
            "Klipp häcken vid skolan",
            [(local(2026, 10, 5), "decided", "")],
            deadline=date(2026, 10, 15),
        )
        add_measure(
            c,
            "Flytta busshållplatsen",
            [
                (local(2025, 10, 10), "decided", ""),
                (local(2026, 10, 12), "not_feasible", "Marken ägs av Trafikverket"),
            ],
        )
        add_measure(
            c,
            "Sanera klotter på stationen",
            [(local(2025, 10, 12), "decided", ""), (local(2026, 10, 3), "done", "")],
            deadline=date(2025, 10, 25),
        )
        add_measure(
            c, "Polisens egen åtgärd", [(local(2026, 10, 6), "decided", "")], visibility="police"
        )
        # ---- observations ----
        add_observation(s, local(2026, 10, 3, 20), category="belysning")
        add_observation(
            o, local(2026, 10, 25, 2, 30, fold=1), category="skadegorelse", visibility="police"
        )
        add_observation(s, local(2026, 10, 15, 12), category="otrygg-plats", position=ROTTNEROS)
        add_observation(s, local(2026, 10, 16, 12), category="belysning", status="duplicate")
        add_observation(s, local(2025, 10, 20, 12), category="belysning")
        add_observation(s, local(2026, 11, 1, 0, 30), category="belysning")
        db.session.commit()
        return Dataset(
            officer, staff, coordinator, promise_of("fotpatrull").id, promise_of("andt").id
        )


def week_of(last: date) -> tuple[date, date]:
    return last - timedelta(days=6), last
