"""The public feedback page: shared measures, decided or done, per area; nothing internal."""

from __future__ import annotations

from tests.citizen.helpers import HOSTILE, english, make_measure

CENTRUM = (59.8366, 13.1440)
TATORT = (59.8500, 13.1440)  # in the tätort box, outside centrum
ROTTNEROS = (59.7960, 13.1190)  # in the kommun, outside tätort


def test_shared_measures_are_shown_per_area_as_decided_or_done(app, client, coordinator):
    make_measure(
        app,
        coordinator.id,
        title="Ny belysning på torget",
        status="decided",
        lat=CENTRUM[0],
        lon=CENTRUM[1],
    )
    make_measure(
        app,
        coordinator.id,
        title="Buskar klippta vid skolan",
        status="done",
        lat=TATORT[0],
        lon=TATORT[1],
    )
    make_measure(
        app,
        coordinator.id,
        title="Busskur lagad i Rottneros",
        status="in_progress",
        lat=ROTTNEROS[0],
        lon=ROTTNEROS[1],
    )
    make_measure(app, coordinator.id, title="Fler nattvandrare", status="partly_done")

    body = english(client).get("/feedback").get_data(as_text=True)

    sections = {
        name: body.index(name)
        for name in (
            "Sunne centrum",
            "Sunne tätort, outside the centre",
            "Elsewhere in Sunne kommun",
            "Measures without a particular place",
        )
    }
    assert list(sections) == sorted(sections, key=sections.get)  # in this order
    assert (
        sections["Sunne centrum"]
        < body.index("Ny belysning på torget")
        < sections["Sunne tätort, outside the centre"]
    )
    assert sections["Sunne tätort, outside the centre"] < body.index("Buskar klippta vid skolan")
    assert sections["Elsewhere in Sunne kommun"] < body.index("Busskur lagad i Rottneros")
    assert sections["Measures without a particular place"] < body.index("Fler nattvandrare")


def test_internal_notes_police_records_and_undecided_measures_stay_off_the_page(
    app, client, coordinator
):
    make_measure(
        app,
        coordinator.id,
        title="Synlig åtgärd",
        status="decided",
        internal_note="INTERNAL-NOTE",
        status_reason="REASON-TEXT",
        lat=CENTRUM[0],
        lon=CENTRUM[1],
    )
    make_measure(app, coordinator.id, title="POLICE-MEASURE", status="decided", visibility="police")
    make_measure(
        app, coordinator.id, title="MUNICIPAL-MEASURE", status="done", visibility="municipality"
    )
    make_measure(app, coordinator.id, title="PROPOSED-MEASURE", status="proposed")
    make_measure(
        app,
        coordinator.id,
        title="IMPOSSIBLE-MEASURE",
        status="not_feasible",
        status_reason="budget",
    )

    body = client.get("/feedback").get_data(as_text=True)

    assert "Synlig åtgärd" in body
    for hidden in (
        "INTERNAL-NOTE",
        "REASON-TEXT",
        "POLICE-MEASURE",
        "MUNICIPAL-MEASURE",
        "PROPOSED-MEASURE",
        "IMPOSSIBLE-MEASURE",
        "coordinator",
    ):
        assert hidden not in body, hidden


def test_a_hostile_measure_title_stays_text(app, client, coordinator):
    make_measure(app, coordinator.id, title=HOSTILE[:200], description=HOSTILE, status="decided")

    body = client.get("/feedback").get_data(as_text=True)

    assert "HOSTILE-MARK" in body
    assert "<script>alert(1)" not in body and "<img src=x" not in body


def test_the_page_says_so_when_nothing_is_published(client):
    body = english(client).get("/feedback").get_data(as_text=True)

    assert "No measures have been published yet." in body
