"""The measure page says what a measure came from and where it is, as far as its reader knows."""

from __future__ import annotations

import re
import uuid

from tests.conftest import form_csrf_token
from tests.map.helpers import add_observation
from webapp.citizen.models import PublicReport
from webapp.core.audit.models import AuditEntry
from webapp.extensions import db
from webapp.measures.models import Measure
from webapp.observations.models import Observation


def _observation(author, note: str, visibility: str = "shared") -> str:  # type: ignore[no-untyped-def]
    return add_observation(author, note=note, visibility=visibility, hours_ago=48)


def _measure_from(coordinator, *observation_ids: str, visibility: str = "shared") -> int:  # type: ignore[no-untyped-def]
    measure = Measure(
        title="Byt lampan vid bron", created_by_id=coordinator.id, visibility=visibility
    )
    measure.change_status("decided", by=coordinator.id)
    db.session.add(measure)
    db.session.flush()
    for observation_id in observation_ids:
        db.session.get(Observation, observation_id).measure_id = measure.id
    db.session.commit()
    return measure.id


def _sources(page: str) -> str:
    return page.split('id="sources"', 1)[1].split("</section>", 1)[0]


def test_a_measure_made_from_an_observation_lists_it_with_a_link(
    app, coordinator, officer, as_user
):
    client = as_user(coordinator)
    with app.app_context():
        observation_id = _observation(officer, "Trasig lampa vid gångbron")
    page = client.get(f"/measures/new?observation={observation_id}").get_data(as_text=True)
    response = client.post(
        "/measures/new",
        data={
            "csrf_token": form_csrf_token(page),
            "title": "Byt lampan vid gångbron",
            "owner": "municipality_technical",
            "priority": "medium",
            "visibility": "shared",
            "observation_ids": observation_id,
        },
    )
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    sources = _sources(page)
    assert f'href="/review/observations/{observation_id}"' in sources
    assert "Trasig lampa vid gångbron" in sources
    # The measure takes the observation's place; the page says where that is.
    place = re.search(r'id="measure-place">(.*?)</dd>', page, re.S).group(1)
    assert "Sunne centrum" in place and "59,83660" in place


def test_a_police_source_is_hidden_from_a_municipal_reader_of_the_measure(
    app, coordinator, officer, staff, as_user
):
    with app.app_context():
        police = _observation(officer, "POLISNOTE narkotikaaffär vid stationen", "police")
        shared = _observation(officer, "Mörkt vid busskuren")
        measure_id = _measure_from(coordinator, police, shared)
    page = as_user(staff).get(f"/measures/{measure_id}").get_data(as_text=True)
    assert "POLISNOTE" not in page and police not in page
    assert shared in _sources(page)
    # The police reader sees both, and that read of a police record is on record.
    page = as_user(officer).get(f"/measures/{measure_id}").get_data(as_text=True)
    assert police in _sources(page) and "POLISNOTE" in page
    with app.app_context():
        entry = db.session.execute(
            db.select(AuditEntry).filter_by(action="observation.list", actor_id=officer.id)
        ).scalar_one()
        assert entry.detail["measure_id"] == measure_id
        assert not db.session.execute(
            db.select(AuditEntry).filter_by(action="observation.list", actor_id=staff.id)
        ).scalar()


def test_a_measure_with_only_police_sources_shows_no_sources_to_municipal_staff(
    app, coordinator, officer, staff, as_user
):
    with app.app_context():
        police = _observation(officer, "POLISNOTE", "police")
        measure_id = _measure_from(coordinator, police)
    page = as_user(staff).get(f"/measures/{measure_id}").get_data(as_text=True)
    assert 'id="sources"' not in page
    # Nor does the place of the police record give it away: the measure has none of its own.
    assert 'id="measure-place"' not in page


def test_resident_reports_are_listed_for_the_coordinator_and_only_published_for_others(
    app, coordinator, staff, as_user
):
    with app.app_context():
        measure_id = _measure_from(coordinator)
        for status, text in (("pending", "OPUBLICERAD text"), ("published", "Publicerad text")):
            db.session.add(
                PublicReport(
                    id=str(uuid.uuid4()),
                    lat=59.8366,
                    lon=13.144,
                    feeling="unsafe",
                    category_code="belysning",
                    text=text,
                    public_text=text,
                    content_hash="test",
                    status=status,
                    measure_id=measure_id,
                )
            )
        db.session.commit()
    coordinator_page = _sources(
        as_user(coordinator).get(f"/measures/{measure_id}").get_data(as_text=True)
    )
    assert "OPUBLICERAD" in coordinator_page and "/citizen/reports/" in coordinator_page
    staff_page = _sources(as_user(staff).get(f"/measures/{measure_id}").get_data(as_text=True))
    assert "Publicerad text" in staff_page
    assert "OPUBLICERAD" not in staff_page and "/citizen/reports/" not in staff_page
