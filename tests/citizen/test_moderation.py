"""The coordinator moderates public reports: publish, hide, merge, or make a review item."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime

import pytest

from tests.citizen.helpers import CONTACT, make_measure, make_report
from tests.conftest import form_csrf_token
from webapp.citizen.models import PublicReport
from webapp.core.audit.models import AuditEntry
from webapp.extensions import db
from webapp.observations.models import Observation


def _post(client, url: str, **data):  # type: ignore[no-untyped-def]
    page = client.get("/citizen/reports/")
    return client.post(
        url, data={"csrf_token": form_csrf_token(page.get_data(as_text=True)), **data}
    )


def _report(app, report_id: str) -> PublicReport:  # type: ignore[no-untyped-def]
    with app.app_context():
        report = db.session.get(PublicReport, report_id)
        db.session.expunge(report)
        return report


def _actions(app) -> list[str]:  # type: ignore[no-untyped-def]
    with app.app_context():
        return [
            a for (a,) in db.session.execute(db.select(AuditEntry.action).order_by(AuditEntry.id))
        ]


def test_a_new_report_waits_in_the_coordinators_queue(app, as_user, coordinator):
    make_report(app, text="Mörk gångväg vid skolan")

    page = as_user(coordinator).get("/citizen/reports/")

    assert page.status_code == 200
    assert "Mörk gångväg vid skolan" in page.get_data(as_text=True)


def test_each_status_tab_says_how_many_reports_it_holds(app, as_user, coordinator):
    make_report(app, text="Mörk gångväg vid skolan")
    make_report(app, text="Trasig lampa vid torget")

    page = as_user(coordinator).get("/citizen/reports/").get_data(as_text=True)

    assert re.search(
        r'aria-current="page">väntar på moderering&nbsp;<span class="tab-count">\(2\)', page
    )
    assert re.search(r"publicerad&nbsp;<span class=\"tab-count\">\(0\)", page)


def test_publishing_shows_the_coordinators_edited_text_to_everyone(
    app, as_user, coordinator, client
):
    report_id = make_report(app, text="Original med namn: Kalle bråkar här")

    response = _post(
        as_user(coordinator),
        f"/citizen/reports/{report_id}/publish",
        public_text="Stökigt vid busstationen på kvällarna",
    )

    assert response.status_code == 302
    report = _report(app, report_id)
    assert (report.status, report.public_text, report.moderated_by_id) == (
        "published",
        "Stökigt vid busstationen på kvällarna",
        coordinator.id,
    )
    public = client.get("/api/v1/public/reports.geojson").get_json()
    [feature] = public["features"]
    assert feature["properties"]["text"] == "Stökigt vid busstationen på kvällarna"
    assert "Kalle" not in str(public)
    assert _actions(app) == ["citizen_report.publish"]


def test_a_public_text_with_a_personal_identity_number_is_not_published(app, as_user, coordinator):
    report_id = make_report(app)

    _post(
        as_user(coordinator), f"/citizen/reports/{report_id}/publish", public_text="19811218-9876"
    )

    assert _report(app, report_id).status == "pending"


def test_hiding_a_published_report_takes_it_off_the_public_map(app, as_user, coordinator, client):
    report_id = make_report(app, status="published", public_text="Trasig lampa")
    assert len(client.get("/api/v1/public/reports.geojson").get_json()["features"]) == 1

    _post(as_user(coordinator), f"/citizen/reports/{report_id}/hide", reason="offensive")

    report = _report(app, report_id)
    assert (report.status, report.hidden_reason) == ("hidden", "offensive")
    assert client.get("/api/v1/public/reports.geojson").get_json()["features"] == []
    with app.app_context():
        entry = db.session.execute(
            db.select(AuditEntry).filter_by(action="citizen_report.hide")
        ).scalar_one()
        assert entry.detail["reason"] == "offensive"


def test_hiding_without_a_reason_is_refused_and_changes_nothing(app, as_user, coordinator):
    report_id = make_report(app)
    client = as_user(coordinator)

    response = _post(client, f"/citizen/reports/{report_id}/hide", reason="")

    # The page again, with the message at the field (tests/citizen/test_hide_other_reason.py).
    assert response.status_code == 422
    assert _report(app, report_id).status == "pending"
    assert "Välj varför synpunkten döljs." in response.get_data(as_text=True)


def test_the_detail_page_asks_why_and_says_why_once_hidden(app, as_user, coordinator):
    report_id = make_report(app)
    client = as_user(coordinator)
    page = client.get(f"/citizen/reports/{report_id}").get_data(as_text=True)
    assert '<select id="hide-reason" name="reason" required' in page
    assert "Pekar ut eller kan identifiera en person" in page

    _post(client, f"/citizen/reports/{report_id}/hide", reason="duplicate")
    page = client.get(f"/citizen/reports/{report_id}").get_data(as_text=True)
    assert "Dold eftersom" in page and "Samma sak som en annan synpunkt" in page
    assert 'id="hide-reason"' not in page  # already hidden: no second hide form

    # Published later after all: the reason goes with the hidden state.
    _post(client, f"/citizen/reports/{report_id}/publish", public_text="Text")
    assert _report(app, report_id).hidden_reason is None


def test_merging_with_an_observation_links_it_and_leaves_it_unpublished(
    app, as_user, coordinator, officer
):
    report_id = make_report(app)
    with app.app_context():
        observation = Observation(
            id=str(uuid.uuid4()),
            lat=59.8367,
            lon=13.1441,
            observed_at=datetime.now(UTC),
            category_code="belysning",
            note="Lampa trasig",
            visibility="police",
            author_id=officer.id,
            content_hash="0" * 64,
        )
        db.session.add(observation)
        db.session.commit()
        observation_id = observation.id
    client = as_user(coordinator)
    detail = client.get(f"/citizen/reports/{report_id}").get_data(as_text=True)
    assert observation_id in detail  # offered as a nearby observation
    # with how far it lies, the order of the list (nearest first)
    assert re.search(rf'<option value="{observation_id}">\d+ m (bort|away) · ', detail)

    _post(
        client,
        f"/citizen/reports/{report_id}/merge",
        target="observation",
        observation_id=observation_id,
    )

    report = _report(app, report_id)
    assert (report.status, report.observation_id) == ("merged", observation_id)


def test_merging_with_a_measure_links_it(app, as_user, coordinator):
    report_id = make_report(app)
    measure_id = make_measure(app, coordinator.id, status="decided", lat=59.8366, lon=13.1440)

    _post(
        as_user(coordinator),
        f"/citizen/reports/{report_id}/merge",
        target="measure",
        measure_id=str(measure_id),
    )

    report = _report(app, report_id)
    assert (report.status, report.measure_id) == ("merged", measure_id)


def test_merging_with_nothing_chosen_changes_nothing(app, as_user, coordinator):
    report_id = make_report(app)

    _post(as_user(coordinator), f"/citizen/reports/{report_id}/merge", target="measure")

    assert _report(app, report_id).status == "pending"


def test_merging_with_an_unknown_observation_is_a_404(app, as_user, coordinator):
    report_id = make_report(app)

    response = _post(
        as_user(coordinator),
        f"/citizen/reports/{report_id}/merge",
        target="observation",
        observation_id=str(uuid.uuid4()),
    )

    assert response.status_code == 404
    assert _report(app, report_id).status == "pending"


def test_turning_a_report_into_a_review_item_makes_a_shared_new_observation_without_contact(
    app, as_user, coordinator
):
    report_id = make_report(
        app,
        text="Buskage skymmer sikten",
        contact=CONTACT,
        category_code="skymd-sikt",
        received_at=datetime(2026, 7, 1, 20, tzinfo=UTC),
    )
    client = as_user(coordinator)

    response = _post(client, f"/citizen/reports/{report_id}/convert")

    report = _report(app, report_id)
    assert report.status == "converted"
    assert response.headers["Location"].endswith(f"/review/observations/{report.observation_id}")
    with app.app_context():
        observation = db.session.get(Observation, report.observation_id)
        assert (observation.visibility, observation.status, observation.category_code) == (
            "shared",
            "new",
            "skymd-sikt",
        )
        assert observation.note == "Buskage skymmer sikten"
        assert observation.author_id == coordinator.id
        assert observation.observed_utc_offset_min == 120  # Swedish summer time
    assert CONTACT not in str(client.get("/api/v1/observations.geojson").get_json())
    assert "Buskage skymmer sikten" in client.get("/review/").get_data(as_text=True)
    assert _actions(app) == ["observation.create", "citizen_report.convert"]


def test_a_report_is_turned_into_a_review_item_only_once(app, as_user, coordinator):
    report_id = make_report(app)
    client = as_user(coordinator)
    _post(client, f"/citizen/reports/{report_id}/convert")

    _post(client, f"/citizen/reports/{report_id}/convert")

    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Observation)) == 1


def test_the_coordinator_can_delete_contact_details(app, as_user, coordinator):
    report_id = make_report(app, contact=CONTACT)

    _post(as_user(coordinator), f"/citizen/reports/{report_id}/erase-contact")

    assert _report(app, report_id).contact == ""
    assert "citizen_report.erase_contact" in _actions(app)


def test_opening_a_report_with_contact_details_is_audited(app, as_user, coordinator):
    report_id = make_report(app, contact=CONTACT)

    page = as_user(coordinator).get(f"/citizen/reports/{report_id}")

    assert CONTACT in page.get_data(as_text=True)
    assert _actions(app) == ["citizen_report.read"]


@pytest.mark.parametrize("persona", ["officer", "staff", "admin", "outsider"])
def test_only_the_coordinator_reaches_moderation(app, request, as_user, persona):
    report_id = make_report(app, contact=CONTACT)
    client = as_user(request.getfixturevalue(persona))

    assert client.get("/citizen/reports/").status_code == 403
    assert client.get(f"/citizen/reports/{report_id}").status_code == 403
    token = client.get("/api/v1/csrf-token").get_json()["csrf_token"]
    for action in ("publish", "hide", "convert", "erase-contact", "merge"):
        response = client.post(f"/citizen/reports/{report_id}/{action}", data={"csrf_token": token})
        assert response.status_code == 403
    assert _report(app, report_id).status == "pending"


def test_anonymous_callers_are_sent_to_log_in(app, client):
    report_id = make_report(app)

    response = client.get(f"/citizen/reports/{report_id}")

    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_an_unknown_or_malformed_report_id_is_a_404(as_user, coordinator):
    client = as_user(coordinator)

    assert client.get(f"/citizen/reports/{uuid.uuid4()}").status_code == 404
    assert client.get("/citizen/reports/not-a-uuid").status_code == 404


def test_only_published_reports_reach_the_public_map(app, client):
    for status in ("pending", "published", "hidden", "merged", "converted"):
        make_report(app, status=status, text=f"text-{status}", public_text=f"public-{status}")

    features = client.get("/api/v1/public/reports.geojson").get_json()["features"]

    assert [f["properties"]["text"] for f in features] == ["public-published"]


def test_a_published_report_linked_to_a_shared_measure_tells_what_became_of_it(
    app, client, coordinator
):
    shared = make_measure(app, coordinator.id, title="Ny belysning", status="done")
    police = make_measure(app, coordinator.id, title="POLICE-ONLY", visibility="police")
    make_report(app, status="published", public_text="Mörkt", measure_id=shared)
    make_report(app, status="published", public_text="Stökigt", measure_id=police)

    body = client.get("/api/v1/public/reports.geojson").get_json()

    measures = {f["properties"]["text"]: f["properties"]["measure"] for f in body["features"]}
    assert measures["Mörkt"]["title"] == "Ny belysning"
    assert measures["Stökigt"] is None
    assert "POLICE-ONLY" not in str(body)


def test_a_published_report_turned_into_a_review_item_stays_on_the_public_map(
    app, as_user, coordinator, client
):
    """The resident who reported it keeps seeing it, and later what was done about it."""
    report_id = make_report(app, status="published", public_text="Mörk gångväg")
    staff_client = as_user(coordinator)

    _post(staff_client, f"/citizen/reports/{report_id}/convert")

    report = _report(app, report_id)
    assert report.status == "published" and report.observation_id
    features = client.get("/api/v1/public/reports.geojson").get_json()["features"]
    assert [f["properties"]["text"] for f in features] == ["Mörk gångväg"]
    assert features[0]["properties"]["measure"] is None
    assert _actions(app)[-2:] == ["observation.create", "citizen_report.convert"]

    # The review item becomes a shared measure: the public report tells what became of it.
    measure_id = make_measure(app, coordinator.id, title="Ny belysning", status="in_progress")
    with app.app_context():
        db.session.get(Observation, report.observation_id).measure_id = measure_id
        db.session.commit()
    features = client.get("/api/v1/public/reports.geojson").get_json()["features"]
    assert features[0]["properties"]["measure"]["title"] == "Ny belysning"


def test_a_published_report_merged_with_a_measure_stays_published(app, as_user, coordinator):
    report_id = make_report(app, status="published", public_text="Mörkt")
    measure_id = make_measure(app, coordinator.id, status="decided")

    _post(
        as_user(coordinator),
        f"/citizen/reports/{report_id}/merge",
        target="measure",
        measure_id=str(measure_id),
    )

    report = _report(app, report_id)
    assert (report.status, report.measure_id) == ("published", measure_id)
    assert _actions(app)[-1] == "citizen_report.merge"


def test_a_report_merged_with_an_observation_is_not_also_turned_into_a_review_item(
    app, as_user, coordinator
):
    report_id = make_report(app)
    client = as_user(coordinator)
    _post(client, f"/citizen/reports/{report_id}/convert")
    with app.app_context():
        db.session.get(PublicReport, report_id).status = "merged"
        db.session.commit()

    _post(client, f"/citizen/reports/{report_id}/convert")

    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Observation)) == 1


def test_a_report_can_be_merged_with_a_measure_finished_this_year_and_the_list_says_how_far(
    app, as_user, coordinator
):
    from datetime import timedelta

    from tests.citizen.helpers import CENTRUM

    report_id = make_report(app)
    done = make_measure(
        app, coordinator.id, title="Nya lampor", status="done", lat=CENTRUM[0] + 0.001,
        lon=CENTRUM[1],
    )  # fmt: skip
    make_measure(
        app, coordinator.id, title="Gammalt klart", status="done",
        updated_at=datetime.now(UTC) - timedelta(days=400),
    )  # fmt: skip
    make_measure(app, coordinator.id, title="Omöjligt", status="not_feasible")
    client = as_user(coordinator)

    page = client.get(f"/citizen/reports/{report_id}").get_data(as_text=True)
    options = re.findall(r'<option value="(\d+)">([^<]*)</option>', page)
    labels = {int(value): text for value, text in options}
    assert labels[done] == "111 m bort · Nya lampor (klar)"
    assert "Gammalt klart" not in page and "Omöjligt" not in page

    _post(client, f"/citizen/reports/{report_id}/merge", target="measure", measure_id=done)
    assert _report(app, report_id).measure_id == done


def test_published_reports_are_listed_by_their_published_words(app, as_user, coordinator):
    report_id = make_report(
        app, status="published", text="ORIGINALTEXT med namn", public_text="Trasig lampa"
    )
    client = as_user(coordinator)
    listing = client.get("/citizen/reports/?status=published").get_data(as_text=True)
    assert "Trasig lampa" in listing and "ORIGINALTEXT" not in listing
    page = client.get(f"/citizen/reports/{report_id}").get_data(as_text=True)
    assert "Uppdatera den publicerade texten" in page
