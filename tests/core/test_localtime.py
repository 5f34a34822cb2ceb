""" "Today" is Sunne's calendar day, whatever zone the server's clock is set to."""

from __future__ import annotations

import re
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.conftest import form_csrf_token
from webapp.core.localtime import local_today
from webapp.extensions import db
from webapp.measures.models import Measure

STOCKHOLM = ZoneInfo("Europe/Stockholm")


@pytest.mark.parametrize(
    ("moment", "day"),
    [
        (datetime(2026, 12, 6, 23, 30, tzinfo=UTC), date(2026, 12, 7)),  # CET, UTC+1
        (datetime(2026, 6, 30, 22, 30, tzinfo=UTC), date(2026, 7, 1)),  # CEST, UTC+2
        (datetime(2026, 6, 30, 21, 59, tzinfo=UTC), date(2026, 6, 30)),
    ],
)
def test_the_local_day_begins_at_swedish_midnight(app, moment, day):
    with app.app_context():
        assert local_today(moment) == day
    assert local_today(moment) == day  # the worker and scripts, outside the app


def test_no_code_asks_the_servers_own_clock_zone_for_today():
    offenders = [
        f"{path}:{number}"
        for path in Path("webapp").rglob("*.py")
        if path.name != "localtime.py"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        # date.today(), datetime.now() and .astimezone() with no zone read the server's zone
        if re.search(r"\bdate\.today\(\)|datetime\.now\(\)|\.astimezone\(\)", line)
    ]
    assert offenders == []


@pytest.fixture
def server_zone_off_by_a_day(monkeypatch):
    """Set this process's clock zone so that its date differs from Stockholm's right now.

    Kiritimati (UTC+14) is a day ahead of Sweden from 11:00 Swedish time on, Pago Pago
    (UTC-11) a day behind until 12:00: one of them differs at any moment.
    """
    hour = datetime.now(STOCKHOLM).hour
    monkeypatch.setenv("TZ", "Pacific/Kiritimati" if hour >= 11 else "Pacific/Pago_Pago")
    time.tzset()
    assert date.today() != datetime.now(STOCKHOLM).date()
    yield
    monkeypatch.undo()
    time.tzset()


def _post_measure(client, deadline: date):  # type: ignore[no-untyped-def]
    token = form_csrf_token(client.get("/measures/new").get_data(as_text=True))
    form = {
        "csrf_token": token,
        "title": "Laga belysningen i gångtunneln",
        "owner": "municipality_technical",
        "priority": "medium",
        "visibility": "shared",
        "deadline": deadline.isoformat(),
    }
    return client.post("/measures/new", data=form)


def test_a_deadline_is_judged_against_the_swedish_day_not_the_servers(
    app, coordinator, as_user, server_zone_off_by_a_day
):
    client = as_user(coordinator)
    swedish_today = datetime.now(STOCKHOLM).date()
    refused = _post_measure(client, swedish_today - timedelta(days=1))
    assert refused.status_code == 422
    assert "Sista datum har redan passerat" in refused.get_data(as_text=True)
    assert _post_measure(client, swedish_today).status_code == 302
    with app.app_context():
        measure = db.session.execute(db.select(Measure)).scalar_one()
        assert measure.deadline == swedish_today
        assert not measure.is_overdue(local_today())


def test_a_daily_job_runs_at_sunnes_hour_on_sunnes_day(app, server_zone_off_by_a_day):
    from webapp.core import jobs

    with app.app_context():
        schedule = jobs.Schedule("t.daily", None, (3, 15), None)
        sunne = datetime.now(STOCKHOLM).replace(hour=3, minute=14, second=0, microsecond=0)
        assert jobs.period_key(schedule, sunne.astimezone(UTC)) is None
        later = (sunne + timedelta(minutes=1)).astimezone(UTC)
        assert jobs.period_key(schedule, later) == f"t.daily:{sunne:%Y-%m-%d}"
