"""The protocol: measures decided from marked spots, printed and downloaded as PDF, in an
internal and a public version."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from pypdf import PdfReader

from tests.conftest import form_csrf_token
from tests.walks.helpers import join, make_walk, post_rating, post_spot, rating, spot
from webapp.core.audit.models import AuditEntry
from webapp.core.localtime import local_today
from webapp.extensions import db
from webapp.measures.models import Measure
from webapp.walks.models import WalkSpot

INTERNAL = "Fastighetsägaren har fått klagomål förut"
WALK_NOTE = "Internt: polisen följer upp platsen nattetid"


def _decide(client, walk_id: int, spot_ids: list[str], **fields):  # type: ignore[no-untyped-def]
    query = "&".join(f"spot={i}" for i in spot_ids)
    page = client.get(f"/walks/{walk_id}/measures/new?{query}").get_data(as_text=True)
    data = {
        "csrf_token": form_csrf_token(page),
        "observation_ids": ",".join(spot_ids),
        "title": "Byt armaturer i gångtunneln",
        "description": "Tunneln under järnvägen är mörk; byt till LED.",
        "internal_note": INTERNAL,
        "owner": "municipality_technical",
        "owner_detail": "Gatuenheten",
        "deadline": (local_today() + timedelta(days=60)).isoformat(),
        "priority": "high",
        "initial_status": "decided",
        "visibility": "shared",
        **fields,
    }
    return client.post(f"/walks/{walk_id}/measures/new", data=data)


@pytest.fixture
def walked(app, coordinator, as_user):  # type: ignore[no-untyped-def]
    """A walk with participants, two marked spots, ratings and two measures (one police-only)."""
    walk = make_walk(app, coordinator.id, notes=WALK_NOTE, summary="Belysningen är huvudproblemet.")
    phone = join(app, walk.join_code, group="residents")
    first, second = (
        spot(note="Mörkt i tunneln"),
        spot(category="skadegorelse", note="Klotter på väggen"),
    )
    post_spot(phone, walk.id, first)
    post_spot(phone, walk.id, second)
    post_rating(phone, walk.id, walk.stops[0].id, rating())
    client = as_user(coordinator)
    assert _decide(client, walk.id, [first["id"]]).status_code == 302
    assert (
        _decide(
            client,
            walk.id,
            [second["id"]],
            title="Polisens spaning vid tunneln",
            visibility="police",
            internal_note="Bara för polisen",
        ).status_code
        == 302
    )
    return walk, client, first, second


def test_measures_decided_in_the_protocol_belong_to_the_walk_and_its_spots(app, walked):
    walk, client, first, second = walked
    with app.app_context():
        measures = db.session.execute(db.select(Measure).order_by(Measure.id)).scalars().all()
        assert [m.walk_id for m in measures] == [walk.id, walk.id]
        assert measures[0].status == "decided" and measures[0].owner == "municipality_technical"
        assert measures[0].events[0].user_id is not None
        spot_row = db.session.get(WalkSpot, first["id"])
        assert (spot_row.status, spot_row.measure_id) == ("measure", measures[0].id)
        assert (
            len(db.session.execute(db.select(AuditEntry).filter_by(action="measure.create")).all())
            == 2
        )


def test_a_measure_needs_a_title_and_refuses_identity_numbers(app, coordinator, as_user):
    walk = make_walk(app, coordinator.id)
    client = as_user(coordinator)
    assert _decide(client, walk.id, [], title="").status_code == 422
    assert _decide(client, walk.id, [], description="Kontakta 811218-9876").status_code == 422
    with app.app_context():
        assert db.session.execute(db.select(Measure)).first() is None


def test_spots_of_another_walk_are_not_linked(app, coordinator, as_user):
    walk = make_walk(app, coordinator.id)
    other = make_walk(app, coordinator.id)
    foreign = spot()
    post_spot(join(app, other.join_code), other.id, foreign)
    assert _decide(as_user(coordinator), walk.id, [foreign["id"]]).status_code == 302
    with app.app_context():
        assert db.session.get(WalkSpot, foreign["id"]).measure_id is None


def test_the_internal_protocol_page_has_notes_and_the_public_one_does_not(app, walked):
    walk, client, *_ = walked
    internal = client.get(f"/walks/{walk.id}/protocol").get_data(as_text=True)
    public = client.get(f"/walks/{walk.id}/protocol?version=public").get_data(as_text=True)
    for text in ("Byt armaturer i gångtunneln", "Gatuenheten", "Belysningen är huvudproblemet."):
        assert text in internal and text in public
    for text in (INTERNAL, WALK_NOTE, "Mörkt i tunneln", "Polisens spaning vid tunneln"):
        assert text in internal
        assert text not in public
    assert "@media print" in app.test_client().get("/static/css/walks.css").get_data(as_text=True)


def _pdf_text(response) -> str:  # type: ignore[no-untyped-def]
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(response.data))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_the_pdf_contains_the_measures_and_the_public_pdf_lacks_internal_notes(app, walked):
    walk, client, *_ = walked
    internal = _pdf_text(client.get(f"/walks/{walk.id}/protocol.pdf"))
    public = _pdf_text(client.get(f"/walks/{walk.id}/protocol.pdf?version=public"))
    for text in ("Byt armaturer i gångtunneln", "Gatuenheten", walk.name, "Stortorget"):
        assert text in internal, text
        assert text in public, text
    for text in (INTERNAL, "Polisens spaning vid tunneln", "Mörkt i tunneln"):
        assert text in internal, text
        assert text not in public, text
    assert "Internt: polisen" in internal.replace("\n", " ")
    assert "Internt: polisen" not in public.replace("\n", " ")
    with app.app_context():
        downloads = (
            db.session.execute(db.select(AuditEntry).filter_by(action="export.download"))
            .scalars()
            .all()
        )
        assert {d.detail["version"] for d in downloads} == {"internal", "public"}


def test_staff_see_only_measures_they_may_read_in_the_protocol(app, walked, staff, as_user):
    walk, *_ = walked
    page = as_user(staff).get(f"/walks/{walk.id}/protocol").get_data(as_text=True)
    assert "Byt armaturer i gångtunneln" in page
    assert "Polisens spaning vid tunneln" not in page


def test_the_pdf_survives_characters_outside_its_font(app, coordinator, as_user):
    walk = make_walk(app, coordinator.id, name="Vandring – “Centrum” 🚶 Ωmega")
    response = as_user(coordinator).get(f"/walks/{walk.id}/protocol.pdf")
    # The dash and quotes are in the font's Windows-1252; the walker and the omega are not.
    assert "Vandring – “Centrum” ? ?mega" in _pdf_text(response)


def test_deciding_again_on_spots_that_have_a_measure_names_it_and_keeps_the_spots(
    app, coordinator, as_user
):
    """Back and "Create measure" again on a phone: no second measure takes the spots silently."""
    walk = make_walk(app, coordinator.id)
    tunnel = spot()
    post_spot(join(app, walk.join_code), walk.id, tunnel)
    client = as_user(coordinator)
    assert _decide(client, walk.id, [tunnel["id"]]).status_code == 302
    with app.app_context():
        first = db.session.get(WalkSpot, tunnel["id"]).measure_id
    again = _decide(client, walk.id, [tunnel["id"]], title="Byt armaturer igen")
    assert again.status_code == 422
    page = again.get_data(as_text=True)
    assert "Platserna hör redan till en åtgärd" in page
    assert f'href="/measures/{first}"' in page and "Byt armaturer igen" in page
    moved = _decide(client, walk.id, [tunnel["id"]], title="Byt armaturer igen", move_linked="y")
    assert moved.status_code == 302
    with app.app_context():
        titles = db.session.execute(db.select(Measure.title).order_by(Measure.id)).scalars()
        assert list(titles) == ["Byt armaturer i gångtunneln", "Byt armaturer igen"]
        assert db.session.get(WalkSpot, tunnel["id"]).measure_id != first


def test_one_measure_for_no_chosen_spot_leads_back_to_the_list(app, coordinator, as_user):
    walk = make_walk(app, coordinator.id)
    client = as_user(coordinator)
    response = client.get(f"/walks/{walk.id}/measures/new?chosen=1")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/walks/{walk.id}/review")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Kryssa först i minst en plats i listan." in page


def test_a_measure_from_spots_says_its_description_is_the_participants_words_and_public(
    app, coordinator, as_user
):
    walk = make_walk(app, coordinator.id)
    phone = join(app, walk.join_code)
    payload = spot(note="Mörkt i gångtunneln, två lampor trasiga.")
    assert post_spot(phone, walk.id, payload).status_code == 201
    page = as_user(coordinator).get(f"/walks/{walk.id}/measures/new?spot={payload['id']}")
    text = page.get_data(as_text=True)
    # Shown in the field to read and edit, with the warning beside it.
    assert "Mörkt i gångtunneln, två lampor trasiga.</textarea>" in text
    assert "Förifylld med deltagarnas anteckningar" in text
    assert 'aria-describedby="description-hint"' in text


def test_the_pdf_keeps_swedish_typography(app, walked):
    """The en dash and quotes print as typed (Windows-1252, core.pdftext); the protocol's Latin-1
    text turned "Gångtunneln – mörkast" into "Gångtunneln - mörkast"."""
    from webapp.walks.models import SafetyWalk

    walk, client, *_ = walked
    with app.app_context():
        db.session.get(SafetyWalk, walk.id).summary = "Gångtunneln – mörkast, ”trygg” efter 22"
        db.session.commit()
    text = _pdf_text(client.get(f"/walks/{walk.id}/protocol.pdf")).replace("\n", " ")
    assert "Gångtunneln – mörkast, ”trygg” efter 22" in text
