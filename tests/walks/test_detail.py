"""The walk's page and protocol before anyone took part: a sentence, not empty tables."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from tests.walks.helpers import join, make_walk, post_rating, rating
from webapp.extensions import db
from webapp.walks.models import SafetyWalk

PAGES = ["/walks/{id}", "/walks/{id}/protocol"]


@pytest.mark.parametrize("url", PAGES)
def test_a_walk_nobody_has_taken_part_in_says_so_instead_of_empty_tables(
    app, coordinator, as_user, url
):
    walk = make_walk(app, coordinator.id)
    page = as_user(coordinator).get(url.format(id=walk.id)).get_data(as_text=True)
    assert "Inga deltagare ännu." in page
    assert "Inga betyg ännu." in page
    assert "0 deltagare" not in page
    assert 'class="table ratings-table"' not in page
    assert "<dt>Grupp</dt>" not in page  # the head count's list of groups, all "–"


@pytest.mark.parametrize("url", PAGES)
def test_the_tables_come_with_the_first_participant_and_rating(app, coordinator, as_user, url):
    walk = make_walk(app, coordinator.id)
    phone = join(app, walk.join_code, group="residents")
    assert post_rating(phone, walk.id, walk.stops[0].id, rating()).status_code == 201
    page = as_user(coordinator).get(url.format(id=walk.id)).get_data(as_text=True)
    assert "Inga deltagare ännu." not in page and "Inga betyg ännu." not in page
    assert "1 deltagare" in page
    assert 'class="table ratings-table"' in page


def test_a_count_by_gender_alone_still_shows_the_counts(app, coordinator, as_user):
    walk = make_walk(app, coordinator.id)
    with app.app_context():
        db.session.get(SafetyWalk, walk.id).headcount = {"gender": {"woman": 4}}
        db.session.commit()
    page = as_user(coordinator).get(f"/walks/{walk.id}").get_data(as_text=True)
    assert "Inga deltagare ännu." not in page
    assert "Kvinna 4" in page


def test_the_pdf_protocol_of_a_walk_nobody_has_taken_part_in_says_so(app, coordinator, as_user):
    walk = make_walk(app, coordinator.id)
    client = as_user(coordinator)
    response = client.get(f"/walks/{walk.id}/protocol.pdf")
    assert response.mimetype == "application/pdf"
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.data)).pages)
    assert "Inga deltagare ännu." in text and "Inga betyg ännu." in text
    assert "0 deltagare" not in text
    page = client.get(f"/walks/{walk.id}").get_data(as_text=True)
    assert "Inga platser markerade ännu." in page and "0 platser" not in page
