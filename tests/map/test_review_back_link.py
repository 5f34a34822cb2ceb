"""A record's review page leads back to the queue tab and page it was opened from, and shows
its place on a small map served by our own server."""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.conftest import form_csrf_token
from tests.map.helpers import add_observation


def back_link(page: str) -> tuple[str, dict[str, list[str]], str]:
    """The back link's path, query and fragment."""
    match = re.search(r'<p class="back-link"><a href="([^"]+)"', page)
    assert match, "no back link"
    parts = urlsplit(html.unescape(match.group(1)))
    return parts.path, parse_qs(parts.query), parts.fragment


def test_queue_links_carry_the_tab_and_page_they_were_listed_on(
    app, officer, coordinator, as_user, monkeypatch
):
    monkeypatch.setattr("webapp.map.views.QUEUE_PAGE_SIZE", 1)
    with app.app_context():
        older = add_observation(officer, status="reviewed", hours_ago=5)
        add_observation(officer, status="reviewed", hours_ago=1)
    page = as_user(coordinator).get("/review/?status=reviewed&page=2").get_data(as_text=True)
    assert f'href="/review/observations/{older}?status=reviewed&amp;page=2"' in page


def test_the_back_link_returns_to_that_tab_page_and_row(app, officer, coordinator, as_user):
    with app.app_context():
        observation_id = add_observation(officer, status="reviewed")
    page = as_user(coordinator).get(f"/review/observations/{observation_id}?status=closed&page=3")
    path, query, fragment = back_link(page.get_data(as_text=True))
    assert "Tillbaka till granskningskön" in page.get_data(as_text=True)
    assert (path, query, fragment) == (
        "/review/",
        {"status": ["closed"], "page": ["3"]},
        f"row-{observation_id}",
    )


@pytest.mark.parametrize(
    "query",
    [
        "?status=deleted&page=0",
        "?status=%3Cscript%3E&page=abc",
        "?page=1",
        "?page=9999999",
        "?page=-2",
        "?page=%EF%BC%92",  # a full-width digit two: a digit, but not an ASCII one
        "",
    ],
)
def test_an_unknown_tab_or_page_is_dropped_and_the_record_s_own_tab_stands_in(
    app, officer, coordinator, as_user, query
):
    """A mangled link still opens the record; its way back only ever leads into the queue."""
    with app.app_context():
        observation_id = add_observation(officer, status="reviewed")
    response = as_user(coordinator).get(f"/review/observations/{observation_id}{query}")
    assert response.status_code == 200
    path, params, _ = back_link(response.get_data(as_text=True))
    assert path == "/review/" and params == {"status": ["reviewed"]}
    assert "script" not in response.get_data(as_text=True).split('class="back-link"')[1][:200]


def test_only_the_coordinator_gets_a_way_back_to_the_queue(app, officer, as_user):
    """The queue is the coordinator's; an officer opening a record from the map gets no link."""
    with app.app_context():
        observation_id = add_observation(officer)
    page = as_user(officer).get(f"/review/observations/{observation_id}?status=new")
    assert page.status_code == 200
    assert 'class="back-link"' not in page.get_data(as_text=True)


def test_the_review_forms_keep_the_place_in_the_queue(app, officer, coordinator, as_user):
    with app.app_context():
        earlier = add_observation(officer, note="Lampan vid torget", hours_ago=26)
        later = add_observation(officer, note="Trasig lampa Stortorget", hours_ago=2)
    client = as_user(coordinator)
    page = client.get(f"/review/observations/{later}?status=new&page=2").get_data(as_text=True)
    assert (
        f'name="next" value="/review/observations/{later}?status=new&amp;page=2"' in page
    )  # the status buttons come back here, still with the way back
    response = client.post(
        f"/review/observations/{later}/merge?status=new&page=2",
        data={"csrf_token": form_csrf_token(page), "other_id": earlier},
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(
        f"/review/observations/{earlier}?status=new&page=2"
    )


def test_the_review_page_draws_the_point_on_a_map_from_our_own_server(
    app, officer, coordinator, as_user
):
    with app.app_context():
        observation_id = add_observation(officer, lat=59.83672, lon=13.14331)
    page = as_user(coordinator).get(f"/review/observations/{observation_id}").get_data(as_text=True)
    container = re.search(r'<div id="observation-map"[^>]*>', page, re.S).group(0)
    assert 'role="region"' in container
    assert 'aria-label="Karta över platsen där iakttagelsen gjordes"' in container
    assert 'data-lat="59.83672"' in container and 'data-lon="13.14331"' in container
    assert f'data-tile-url="{app.config["TILE_URL"]}"' in container
    assert "tabindex" not in container  # a picture, not a tab stop
    # Leaflet and the script come from this server; without them the text in the box stays.
    assert 'src="/vendor/leaflet/leaflet.js' in page
    assert 'src="/static/js/observation-map.js' in page
    assert "Kartan kan inte visas här" in page
    assert "unpkg" not in page and "cdn" not in page.lower()
