"""The walk pages as a browser sends them back: every field of the rendered form, in page order.

Issue 15: the plan form rendered `route` and `stops` twice (once through `hidden_tag()`), the
empty copy first, so the server read nothing; a walk with ratings could then not be saved.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser

from werkzeug.datastructures import MultiDict

from tests.conftest import form_csrf_token
from tests.walks.helpers import join, make_walk, post_rating, rating
from webapp.extensions import db
from webapp.walks.models import SafetyWalk


class FormFields(HTMLParser):
    """The (name, value) pairs a browser without JavaScript submits from one form."""

    def __init__(self, form_id: str, by_id: dict[str, str]) -> None:
        super().__init__()
        self.form_id = form_id
        self.by_id = by_id
        self.inside = False
        self.fields: list[tuple[str, str]] = []
        self._select: str | None = None
        self._select_value: str | None = None
        self._textarea: str | None = None
        self._text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.inside = a.get("id") == self.form_id
        if not self.inside or "name" not in a and tag != "option":
            return
        if tag == "input":
            kind = a.get("type", "text")
            if kind in ("radio", "checkbox") and "checked" not in a:
                return
            if kind not in ("submit", "button", "file"):
                value = self.by_id.get(a.get("id", ""), a.get("value", ""))
                self.fields.append((a["name"], value))
        elif tag == "select":
            self._select, self._select_value = a["name"], None
        elif tag == "option" and self._select is not None:
            if self._select_value is None or "selected" in a:
                self._select_value = a.get("value", "")
        elif tag == "textarea":
            self._textarea, self._text = a["name"], ""

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False
        elif tag == "select" and self._select is not None:
            self.fields.append((self._select, self._select_value or ""))
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self.fields.append((self._textarea, self._text.removeprefix("\n")))
            self._textarea = None


def submitted(html: str, form_id: str, **by_id: str) -> MultiDict:
    """The form's fields; `by_id` sets inputs by element id, as the page's script would."""
    parser = FormFields(form_id, by_id)
    parser.feed(html)
    return MultiDict(parser.fields)


def test_the_plan_form_has_one_route_field_and_one_stops_field(app, coordinator, as_user):
    walk = make_walk(app, coordinator.id)
    page = as_user(coordinator).get(f"/walks/{walk.id}/edit").get_data(as_text=True)
    fields = submitted(page, "walk-form")
    assert len(fields.getlist("route")) == 1
    assert len(fields.getlist("stops")) == 1
    assert [s["id"] for s in json.loads(fields["stops"])] == [s.id for s in walk.stops]


def test_a_walk_with_ratings_is_saved_as_held_with_its_stops_and_route(app, coordinator, as_user):
    route = {"type": "LineString", "coordinates": [[13.144, 59.8366], [13.142, 59.838]]}
    # Started two hours ago: only a walk that has begun can be saved as held.
    walk = make_walk(
        app, coordinator.id, route=route, starts_at=datetime.now(UTC) - timedelta(hours=2)
    )
    phone = join(app, walk.join_code)
    assert post_rating(phone, walk.id, walk.stops[0].id, rating()).status_code == 201
    client = as_user(coordinator)
    fields = submitted(client.get(f"/walks/{walk.id}/edit").get_data(as_text=True), "walk-form")
    fields["status"] = "held"
    response = client.post(f"/walks/{walk.id}/edit", data=fields)
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        saved = db.session.get(SafetyWalk, walk.id)
        assert saved.status == "held"
        assert saved.route == route
        assert [s.id for s in saved.stops] == [s.id for s in walk.stops]


def test_a_new_walk_keeps_the_route_and_stops_the_map_editor_filled_in(app, coordinator, as_user):
    client = as_user(coordinator)
    route = {"type": "LineString", "coordinates": [[13.144, 59.8366], [13.142, 59.838]]}
    stops = [{"id": None, "name": "Torget", "lat": 59.8366, "lon": 13.144}]
    # walk-plan.js writes the drawing into the inputs with these ids.
    fields = submitted(
        client.get("/walks/new").get_data(as_text=True),
        "walk-form",
        **{"route-input": json.dumps(route), "stops-input": json.dumps(stops)},
    )
    for name, value in (("name", "Kvällsvandring"), ("day", "2031-10-01"), ("start_time", "19:00")):
        fields[name] = value
    assert client.post("/walks/new", data=fields).status_code == 302
    with app.app_context():
        saved = db.session.execute(
            db.select(SafetyWalk).filter_by(name="Kvällsvandring")
        ).scalar_one()
        assert saved.route == route
        assert [s.name for s in saved.stops] == ["Torget"]


def test_the_join_form_offers_prefer_not_to_say_once_per_question(app, coordinator):
    walk = make_walk(app, coordinator.id)
    page = app.test_client().get(f"/walk/join/{walk.join_code}").get_data(as_text=True)
    assert page.count(">Vill inte uppge<") == 3  # group, gender, age: once each


def test_walk_pages_name_the_ratings_table_once(app, coordinator, as_user):
    walk = make_walk(app, coordinator.id)
    # With a rating: before the first one the pages say "no ratings yet" instead of a table.
    phone = join(app, walk.join_code)
    assert post_rating(phone, walk.id, walk.stops[0].id, rating()).status_code == 201
    client = as_user(coordinator)
    for url in (f"/walks/{walk.id}", f"/walks/{walk.id}/protocol"):
        page = client.get(url).get_data(as_text=True)
        assert page.count("Betyg per stopp") == 1, url
        assert 'aria-labelledby="ratings-heading"' in page


def test_only_the_coordinator_marks_a_walk_held_and_only_with_a_token(
    app, coordinator, officer, as_user
):
    walk = make_walk(app, coordinator.id, starts_at=datetime.now(UTC) - timedelta(hours=1))
    police = as_user(officer)
    token = form_csrf_token(police.get(f"/walks/{walk.id}").get_data(as_text=True))
    assert police.get(f"/walks/{walk.id}/held").status_code == 403
    assert police.post(f"/walks/{walk.id}/held", data={"csrf_token": token}).status_code == 403
    assert as_user(coordinator).post(f"/walks/{walk.id}/held").status_code == 400
    with app.app_context():
        assert db.session.get(SafetyWalk, walk.id).status == "planned"


def test_a_plan_sent_back_with_a_mistake_keeps_the_drawing(app, coordinator, as_user):
    client = as_user(coordinator)
    route = {"type": "LineString", "coordinates": [[13.144, 59.8366], [13.142, 59.838]]}
    stops = [{"id": None, "name": "Torget", "lat": 59.8366, "lon": 13.144}]
    fields = submitted(
        client.get("/walks/new").get_data(as_text=True),
        "walk-form",
        **{"route-input": json.dumps(route), "stops-input": json.dumps(stops)},
    )
    fields["day"], fields["start_time"] = "2031-10-01", "19:00"  # no name: the form comes back
    response = client.post("/walks/new", data=fields)
    assert response.status_code == 422
    again = submitted(response.get_data(as_text=True), "walk-form")
    assert json.loads(again["route"]) == route
    assert [s["name"] for s in json.loads(again["stops"])] == ["Torget"]


def test_the_edit_form_refuses_held_for_a_walk_that_has_not_started(app, coordinator, as_user):
    walk = make_walk(app, coordinator.id, starts_at=datetime.now(UTC) + timedelta(days=3))
    client = as_user(coordinator)
    fields = submitted(client.get(f"/walks/{walk.id}/edit").get_data(as_text=True), "walk-form")
    fields["status"] = "held"
    fields["summary"] = "Skrivet innan"
    response = client.post(f"/walks/{walk.id}/edit", data=fields)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Vandringen har inte börjat än, så den kan inte vara genomförd" in page
    assert "Skrivet innan" in page  # nothing typed is lost
    with app.app_context():
        assert db.session.get(SafetyWalk, walk.id).status == "planned"
