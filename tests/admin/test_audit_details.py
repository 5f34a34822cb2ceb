"""The audit log's details and records in Swedish words, not the codes the trail stores.

A first-time coordinator read `tidigare status: in_progress · to_status: done · as_owner: nej`,
`skäl: other`, `layer: map` and `slag: council_report`; the record column said "report" and the
raw code (`measure.status_change`) stood under every event. Each detail key now has a Swedish
name, the known codes among the values their labels, and the record a name where the
coordinator may open it anyway (a measure's title, an observation's category and day).
"""

from __future__ import annotations

import re
from html import unescape

from tests.conftest import api_post
from tests.observations.conftest import payload
from webapp.admin.audit_labels import detail_text
from webapp.core.audit.models import AuditEntry
from webapp.extensions import db
from webapp.measures.models import Measure

# (action, target type, detail) of the entries the coordinator met, and what each must read.
ENTRIES = [
    (
        "measure.status_change",
        "measures",
        {"from_status": "in_progress", "to_status": "done", "as_owner": False},
        "tidigare status: pågår · ny status: klar · som åtgärdens ägare: nej",
    ),
    (
        "citizen_report.hide",
        "citizen_reports",
        {"from_status": "pending", "reason": "other"},
        "tidigare status: väntar på moderering · skäl: Annat skäl",
    ),
    (
        "citizen_report.publish",
        "citizen_reports",
        {"from_status": "pending", "edited": True},
        "tidigare status: väntar på moderering · texten redigerad: ja",
    ),
    (
        "report.view",
        "report",
        {"kind": "council_report", "promises": [3, 4], "police_measures": 0,
         "police_walk_measures": 0},
        "slag: rapport till Lokala rådet · medborgarlöften: 3, 4 · polisens åtgärder: 0"
        " · polisens åtgärder från vandringar: 0",
    ),
    (
        "measure.list",
        "measures",
        {"police_records": 2, "layer": "map"},
        "polisens uppgifter: 2 · läst från: kartan",
    ),
    (
        "observation.list",
        "observations",
        {"police_records_counted": 23},
        "räknade polisuppgifter: 23",
    ),
    (
        "activity.create",
        "activities",
        {"kind": "business_visit", "visibility": "police"},
        "slag: Företagsbesök · synlig för: endast polisen",
    ),
]  # fmt: skip

CODES = ("in_progress", "to_status", "as_owner", "pending", "edited", "promises:",
         "police_measures", "layer", "map", "police_records_counted", "council_report",
         "business_visit", ">report<", "measure.status_change", ": other", ": done")  # fmt: skip


def add(app, action: str, target_type: str | None, target_id: str | None, detail: dict) -> None:  # type: ignore[no-untyped-def]
    with app.app_context():
        db.session.add(
            AuditEntry(
                action=action,
                actor_label="tester",
                target_type=target_type,
                target_id=target_id,
                detail=detail,
            )
        )
        db.session.commit()


def rows(html: str) -> str:
    return html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]


def visible_text(html: str) -> str:
    """The rows' text as a reader sees it: tags (and their attributes, e.g. title) left out."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_coordinators_entries_read_in_swedish_without_codes(app, coordinator, as_user):
    for action, target_type, detail, _expected in ENTRIES:
        add(app, action, target_type, None, detail)
    table = rows(as_user(coordinator).get("/admin/audit").get_data(as_text=True))
    for _action, _target, _detail, expected in ENTRIES:
        assert expected in table
    text = visible_text(table)
    assert "Rapport" in text  # the record column of report.view: a word, not "report"
    for code in CODES:
        assert code not in text, code
    # The event's code is kept for whoever filters by code, in the label's title only.
    assert '<span title="measure.status_change">Ändrade åtgärdens status</span>' in table


def test_unknown_keys_are_shown_readable_and_unknown_values_as_stored():
    assert detail_text({"brand_new_key": "x_y"}, "kaffe.brygg") == "brand new key: x_y"
    assert detail_text({"reason": "moon_phase"}, "patrol.auto_close") == "reason: moon_phase"
    assert detail_text({"dialect": None}) == "variant: –"


def test_a_measure_is_named_by_its_title_and_an_observation_by_its_category_and_day(
    app, admin, officer, staff, coordinator, as_user
):
    with app.app_context():
        shared = Measure(title="Belysning i gångtunneln", created_by_id=coordinator.id)
        police = Measure(title="POLISIÄR-ÅTGÄRD", created_by_id=coordinator.id, visibility="police")
        db.session.add_all([shared, police])
        db.session.commit()
        shared_id, police_id = shared.id, police.id
    seen = payload(note="NOTERING-SOM-INTE-SKA-SYNAS", observed_at="2026-03-14T10:00:00+01:00")
    assert api_post(as_user(staff), "/api/v1/observations", seen).status_code == 201
    hidden = payload(note="HEMLIG-POLISANTECKNING")
    assert api_post(as_user(officer), "/api/v1/observations", hidden).status_code == 201
    add(app, "measure.update", "measures", str(shared_id), {})
    add(app, "measure.update", "measures", str(police_id), {})

    table = rows(as_user(coordinator).get("/admin/audit").get_data(as_text=True))
    assert f'<a href="/measures/{shared_id}">Åtgärd: Belysning i gångtunneln</a>' in table
    assert (
        f'<a href="/review/observations/{seen["id"]}">Iakttagelse: Belysning 14 mars 2026</a>'
        in table
    )
    # A police record stays a type and an id: reading it is counted, the log must not leak it.
    assert f'<a href="/measures/{police_id}">Åtgärd {police_id}</a>' in table
    assert f"Iakttagelse {hidden['id']}" in table
    assert "POLISIÄR" not in table and "HEMLIG" not in table and "NOTERING" not in table

    # An administrator reads no records: types and ids, as before.
    admin_table = rows(as_user(admin).get("/admin/audit").get_data(as_text=True))
    assert f"Åtgärd {shared_id}" in admin_table and "gångtunneln" not in admin_table


def test_the_page_names_records_with_one_query_per_kind_not_per_row(app, coordinator, as_user):
    from sqlalchemy import event

    with app.app_context():
        ids = []
        for n in range(6):
            measure = Measure(title=f"Åtgärd nummer {n}", created_by_id=coordinator.id)
            db.session.add(measure)
            db.session.flush()
            ids.append(measure.id)
        db.session.commit()
    for number in ids:
        add(app, "measure.read", "measures", str(number), {})
    client = as_user(coordinator)

    def measure_selects() -> int:
        seen: list[str] = []

        def count(conn, cursor, statement, *args):  # type: ignore[no-untyped-def]
            if "FROM measures" in statement and "title" in statement:
                seen.append(statement)

        with app.app_context():
            engine = db.engine
        event.listen(engine, "before_cursor_execute", count)
        try:
            page = client.get("/admin/audit").get_data(as_text=True)
        finally:
            event.remove(engine, "before_cursor_execute", count)
        assert "Åtgärd: Åtgärd nummer 5" in page
        return len(seen)

    assert measure_selects() == 1


# ---- changed fields and the log's own filters, in words ---------------------------------------

MEASURE_FORM = {
    "title": "Byt lampan vid gångbron",
    "owner": "municipality_technical",
    "priority": "medium",
    "visibility": "shared",
}


def test_a_measures_changed_fields_are_named_as_on_its_form(app, coordinator, as_user):
    """It read `ändrade fält: deadline, owner, owner_detail` (the form's field names)."""
    from datetime import timedelta

    from tests.conftest import form_csrf_token
    from webapp.core.localtime import local_today

    client = as_user(coordinator)
    page = client.get("/measures/new").get_data(as_text=True)
    made = client.post("/measures/new", data={"csrf_token": form_csrf_token(page), **MEASURE_FORM})
    measure_id = int(made.headers["Location"].rsplit("/", 1)[1])
    page = client.get(f"/measures/{measure_id}/edit").get_data(as_text=True)
    edit = {
        "csrf_token": form_csrf_token(page),
        **MEASURE_FORM,
        "deadline": (local_today() + timedelta(days=30)).isoformat(),
        "owner": "police",
        "owner_detail": "Lokalpolisområde Torsby",
    }
    assert client.post(f"/measures/{measure_id}/edit", data=edit).status_code == 302

    table = visible_text(rows(client.get("/admin/audit").get_data(as_text=True)))
    assert "ändrade fält: ansvarig, ansvarigs förvaltning eller företag, sista datum" in table
    assert "owner" not in table and "deadline" not in table
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    english = unescape(visible_text(rows(client.get("/admin/audit").get_data(as_text=True))))
    assert "changed fields: owner, owner's department or company, deadline" in english


def test_every_field_a_change_can_name_has_a_word(app):
    """The fields each audited edit compares, by the names it stores them under."""
    from webapp.activities.models import Activity
    from webapp.activities.service import snapshot
    from webapp.core.labels import FIELD_NAMES
    from webapp.measures.views import EDITABLE
    from webapp.promises.views import PROMISE_FIELDS
    from webapp.walks.service import PLAN_FIELDS

    with app.app_context():
        activity_fields = set(snapshot(Activity()))
    observation_fields = {"category", "note", "photos"}  # observations/correct.py
    activity_type_fields = {"name", "kind", "organisation", "promises"}  # promises/views.py
    named = (
        set(EDITABLE) | set(PROMISE_FIELDS) | {"activity_types"} | set(PLAN_FIELDS) | {"stops"}
        | activity_fields | observation_fields | activity_type_fields
    )  # fmt: skip
    assert named - set(FIELD_NAMES) == set()


def test_changed_fields_read_once_each_and_unknown_ones_as_stored():
    changed = {"changed": ["lat", "lon", "accuracy_m", "place", "brand_new_field"]}
    assert detail_text(changed, "activity.update") == (
        "changed fields: position on the map, place, brand_new_field"
    )


def test_a_reading_of_the_log_names_its_filters_in_words(app, coordinator, as_user):
    """An unfiltered reading said `filter: –`; a filtered one `event=user.login, actor=, days=7`."""
    client = as_user(coordinator)
    client.get("/admin/audit")
    client.get("/admin/audit?event=user.login&actor=&days=7")

    table = visible_text(rows(client.get("/admin/audit?event=audit.read").get_data(as_text=True)))
    assert "filter: inga" in table
    assert "filter: händelse=Loggade in, antal dagar bakåt=7" in table
    assert "filter: –" not in table
    for code in ("event=", "actor=", "days=", "user.login"):
        assert code not in table, code


def test_a_read_of_records_names_its_filters_in_words(app):
    """The map's reads kept `filter: since=2026-07-01T00:00:00, status=new,linked, mine=1`."""
    with app.test_request_context(headers={"Accept-Language": "sv"}):
        text = detail_text(
            {
                "police_records": 3,
                "filters": {
                    "since": "2026-07-01T00:00:00",
                    "until": "2026-10-01T00:00:00",
                    "status": "new,linked",
                    "mine": "1",
                    "visibility": "police",
                    "category": "",
                },
            },
            "observation.list",
        )
        unfiltered = detail_text({"police_records": 3, "filters": {}}, "observation.aggregate")
    assert "från=2026-07-01 00:00, till=2026-10-01 00:00" in text
    assert "status=ny, kopplad till åtgärd" in text
    assert "bara mina=ja" in text
    assert "synlig för=" in text and "police" not in text
    for code in ("since=", "until=", "mine=", "category="):
        assert code not in text, code
    assert "filter: inga" in unfiltered
