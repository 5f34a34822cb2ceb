"""A measure made from the review queue leads the coordinator back to the queue page they were
on, through its own forms too; the way back only ever leads into the queue."""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qs, quote, urlsplit

import pytest

from tests.conftest import form_csrf_token
from webapp.extensions import db
from webapp.measures.models import Measure

QUEUE = "/review/?status=new&page=2"
FORM = {
    "title": "Röj sly längs gångvägen",
    "owner": "municipality_technical",
    "priority": "medium",
    "visibility": "shared",
}


def _measure(coordinator) -> int:  # type: ignore[no-untyped-def]
    measure = Measure(title="Klipp buskage vid skolan", created_by_id=coordinator.id)
    measure.change_status("decided", by=coordinator.id, comment="")
    db.session.add(measure)
    db.session.commit()
    return measure.id


def _back_links(page: str) -> list[str]:
    return [html.unescape(h) for h in re.findall(r'<p class="back-link"><a href="([^"]+)"', page)]


def _back_in(location: str) -> list[str] | None:
    return parse_qs(urlsplit(location).query).get("back")


@pytest.mark.parametrize(
    "back",
    [
        "//evil.example/review/",
        "https://evil.example/review/",
        "/\\evil.example/review/",
        "/\t/evil.example/review/",
        "javascript:alert(1)//review/",
        "/logout",
        "/measures/",
        "/review/map",
        "/review/observations/1",
    ],
)
def test_a_way_back_anywhere_but_the_queue_is_dropped(app, coordinator, as_user, back):
    """Crafted links lead nowhere: not off the site, and on it not past what the link says."""
    client = as_user(coordinator)
    page = client.get(f"/measures/new?back={quote(back)}").get_data(as_text=True)
    assert _back_links(page) == []
    assert 'action="/measures/new"' in page
    response = client.post(
        f"/measures/new?back={quote(back)}", data={"csrf_token": form_csrf_token(page), **FORM}
    )
    assert response.status_code == 302 and _back_in(response.headers["Location"]) is None
    detail = client.get(f"/measures/1?back={quote(back)}").get_data(as_text=True)
    assert _back_links(detail) == []


def test_only_the_coordinator_is_led_back_to_the_queue(app, coordinator, staff, as_user):
    with app.app_context():
        measure_id = _measure(coordinator)
    url = f"/measures/{measure_id}?back={quote(QUEUE)}"
    assert _back_links(as_user(coordinator).get(url).get_data(as_text=True)) == [QUEUE]
    assert _back_links(as_user(staff).get(url).get_data(as_text=True)) == []


def test_the_way_back_survives_a_status_change_a_refused_one_and_an_edit(app, coordinator, as_user):
    """Right after making it the coordinator may decide the measure or fix its title: the link
    back to the queue must not vanish with the first click."""
    with app.app_context():
        measure_id = _measure(coordinator)
    client = as_user(coordinator)
    page = client.get(f"/measures/{measure_id}?back={quote(QUEUE)}").get_data(as_text=True)
    status_action = html.unescape(re.search(r'action="([^"]*/status[^"]*)"', page).group(1))
    token = form_csrf_token(page)

    refused = client.post(status_action, data={"csrf_token": token, "status": "not_feasible"})
    assert refused.status_code == 422
    assert _back_links(refused.get_data(as_text=True)) == [QUEUE]

    changed = client.post(status_action, data={"csrf_token": token, "status": "in_progress"})
    assert _back_in(changed.headers["Location"]) == [QUEUE]

    edit_link = html.unescape(re.search(r'href="([^"]*/edit[^"]*)"', page).group(1))
    edit_page = client.get(edit_link).get_data(as_text=True)
    edit_action = html.unescape(re.search(r'action="([^"]*/edit[^"]*)"', edit_page).group(1))
    saved = client.post(
        edit_action, data={"csrf_token": form_csrf_token(edit_page), **FORM, "title": "Nytt"}
    )
    assert saved.status_code == 302 and _back_in(saved.headers["Location"]) == [QUEUE]
    with app.app_context():
        measure = db.session.get(Measure, measure_id)
        assert (measure.status, measure.title) == ("in_progress", "Nytt")
