"""The app's own notes in a measure's history read in the reader's language, not the writer's."""

from __future__ import annotations

from datetime import timedelta

from tests.conftest import form_csrf_token
from webapp.core.localtime import local_today
from webapp.extensions import db
from webapp.measures.models import Measure, MeasureEvent

FORM = {
    "title": "Byt lampan vid gångbron",
    "owner": "municipality_technical",
    "priority": "medium",
    "visibility": "shared",
}


def _history(client, measure_id: int) -> str:  # type: ignore[no-untyped-def]
    page = client.get(f"/measures/{measure_id}").get_data(as_text=True)
    return page.split('<ol class="history', 1)[1].split("</ol>", 1)[0]


def test_created_and_changed_read_in_each_readers_language(app, coordinator, as_user):
    client = as_user(coordinator)  # writes in Swedish (the default)
    page = client.get("/measures/new").get_data(as_text=True)
    response = client.post("/measures/new", data={"csrf_token": form_csrf_token(page), **FORM})
    measure_id = int(response.headers["Location"].rsplit("/", 1)[1])
    page = client.get(f"/measures/{measure_id}/edit").get_data(as_text=True)
    deadline = (local_today() + timedelta(days=30)).isoformat()
    edit = {"csrf_token": form_csrf_token(page), **FORM, "deadline": deadline, "priority": "high"}
    assert client.post(f"/measures/{measure_id}/edit", data=edit).status_code == 302

    swedish = _history(client, measure_id)
    assert "Skapad" in swedish and "Ändrat: Sista datum, Prioritet" in swedish
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    english = _history(client, measure_id)
    assert "Created" in english and "Changed: Deadline, Priority" in english
    assert "Skapad" not in english and "Ändrat" not in english


def test_a_coordinators_own_comment_and_older_notes_show_as_stored(app, coordinator, as_user):
    with app.app_context():
        measure = Measure(title="Klipp buskaget", created_by_id=coordinator.id)
        measure.change_status("decided", by=coordinator.id, comment="Skapad")  # an older row
        measure.change_status("in_progress", by=coordinator.id, comment="@ringt entreprenören")
        db.session.add(measure)
        db.session.commit()
        measure_id = measure.id
        assert db.session.query(MeasureEvent).count() == 2
    history = _history(as_user(coordinator), measure_id)
    assert "Skapad" in history and "@ringt entreprenören" in history
