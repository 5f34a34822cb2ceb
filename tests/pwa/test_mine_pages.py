"""What "My records" (/field/mine) reads from the server: the officer's own observations, newest
first, a page at a time through the GeoJSON API's `limit` and `before` cursor, each with a page
the officer may open."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient

from tests.conftest import api_post
from tests.observations.conftest import GEOJSON_URL, observed_at, payload

MINE = {"mine": "1"}


def store_observations(client: FlaskClient, count: int, tied: range = range(0)) -> list[str]:
    """`count` observations an hour apart from an hour ago, newest first; those at the `tied`
    indexes share one time (the first of them). Returns their ids in the order the list must
    show them."""
    tie = observed_at(tied.start + 1)  # once: two calls may fall in different seconds
    items = [
        payload(observed_at=tie if index in tied else observed_at(index + 1), note=f"Nr {index}")
        for index in range(count)
    ]
    response = api_post(client, "/api/v1/observations/batch", {"items": items})
    assert response.status_code == 200, response.get_json()
    assert {result["status"] for result in response.get_json()["results"]} == {201}
    ids = [item["id"] for item in items]
    # Records at the same time come by id, highest first, as the API breaks ties.
    return ids[: tied.start] + sorted(ids[tied.start : tied.stop], reverse=True) + ids[tied.stop :]


def page(client: FlaskClient, **params: str) -> dict[str, Any]:
    response = client.get(GEOJSON_URL, query_string={**MINE, **params})
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def ids_of(collection: dict[str, Any]) -> list[str]:
    return [feature["id"] for feature in collection["features"]]


def test_pages_of_my_observations_reach_every_record_newest_first_once(officer, as_user):
    client = as_user(officer)
    # Five records at one time across the end of the first page: a time alone would skip some.
    expected = store_observations(client, 35, tied=range(22, 27))

    first = page(client, limit="25")
    assert ids_of(first) == expected[:25]
    assert first["next_before"]
    second = page(client, limit="25", before=first["next_before"])
    assert ids_of(second) == expected[25:]
    assert second["next_before"] is None

    # Without a limit the answer is what it always was: everything, and no paging member.
    everything = page(client)
    assert ids_of(everything) == expected
    assert "next_before" not in everything


def test_a_page_that_ends_exactly_at_the_last_record_says_there_is_no_next(officer, as_user):
    client = as_user(officer)
    expected = store_observations(client, 4)
    first = page(client, limit="2")
    last = page(client, limit="2", before=first["next_before"])
    assert ids_of(first) + ids_of(last) == expected
    assert last["next_before"] is None


def test_a_cursor_that_is_not_one_is_refused_with_422_naming_it(officer, as_user):
    client = as_user(officer)
    for bad in ("yesterday", "2025-01-01T10:00:00Z_not-a-uuid", "_" + "0" * 36, "x" * 5000):
        response = client.get(GEOJSON_URL, query_string={**MINE, "limit": "5", "before": bad})
        assert response.status_code == 422, bad
        assert "before" in response.get_json()["error"]["fields"]


def test_the_paging_parameters_are_in_the_openapi_document(client):
    document = client.get("/api/v1/openapi.json").get_json()
    operation = document["paths"]["/observations.geojson"]["get"]
    names = {parameter["name"] for parameter in operation["parameters"]}
    assert {"limit", "before", "mine"} <= names


def test_the_officer_can_open_each_listed_record_on_its_own_page(officer, as_user):
    client = as_user(officer)
    (observation_id,) = store_observations(client, 1)
    mine_page = client.get("/field/mine").get_data(as_text=True)
    assert 'data-detail-url="/review/observations/__ID__?from=mine"' in mine_page
    detail = client.get(f"/review/observations/{observation_id}?from=mine")
    assert detail.status_code == 200
    page = detail.get_data(as_text=True)
    assert "Nr 0" in page
    # The way back is to the list it came from (the review queue is the coordinator's).
    assert '<p class="back-link"><a href="/field/mine">' in page
    assert 'class="back-link"' not in client.get(f"/review/observations/{observation_id}").text
