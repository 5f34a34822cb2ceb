"""After login the user goes back where they were, but never to another site."""

from __future__ import annotations

import pytest

from tests.auth.helpers import location_path, login_form
from webapp.core.redirects import safe_next

HOSTILE = [
    "//evil.example",
    "https://evil.example",
    "http://evil.example/field/mine",
    "javascript:alert(1)",
    "JavaScript:alert(1)",
    "/\\evil.example",
    "\\/evil.example",
    "\\\\evil.example",
    "http:evil.example",
    "https:/evil.example",
    "////evil.example",
    "///evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    " //evil.example",
    "\x00//evil.example",
    "data:text/html,<script>alert(1)</script>",
    "evil.example",
    "field/mine",
]


@pytest.mark.parametrize("target", HOSTILE)
def test_safe_next_refuses_anything_that_could_leave_the_site(target):
    assert safe_next(target) is None


@pytest.mark.parametrize(
    "target",
    ["/", "/field/mine", "/field/new?category=belysning", "/%5Cevil.example", "/a//b"],
)
def test_safe_next_keeps_paths_on_this_site(target):
    assert safe_next(target) == target


@pytest.mark.parametrize("target", [None, ""])
def test_safe_next_of_nothing_is_nothing(target):
    assert safe_next(target) is None


@pytest.mark.parametrize(
    "target",
    [*HOSTILE, "%2F%2Fevil.example", "%2f%2fevil.example", "/%5Cevil.example"],
)
def test_login_with_hostile_next_stays_on_this_site(client, officer, target):
    response = login_form(client, "officer", next_url=target)

    assert response.status_code == 302
    path = location_path(response)  # asserts the host is ours
    assert path in ("/", "/%5Cevil.example")


def test_login_with_next_on_this_site_returns_there(client, officer):
    response = login_form(client, "officer", next_url="/field/mine")

    assert response.status_code == 302
    assert location_path(response) == "/field/mine"
    assert client.get(response.headers["Location"]).status_code == 200


def test_protected_page_sends_anonymous_caller_to_login_and_back_after(client, officer):
    first = client.get("/field/mine")
    assert first.status_code == 302
    assert location_path(first) == "/login"
    assert "next=" in first.headers["Location"]

    # The browser follows to the login page; the form there carries `next` along.
    response = login_form(client, "officer", next_url="/field/mine")
    assert location_path(response) == "/field/mine"


def test_login_page_reached_from_a_protected_page_carries_next_in_the_form(client):
    first = client.get("/field/mine?tab=waiting")
    page = client.get(first.headers["Location"]).get_data(as_text=True)
    assert 'name="next" type="hidden" value="/field/mine?tab=waiting"' in page


def test_language_switch_with_hostile_next_stays_on_this_site(client):
    from tests.conftest import csrf_token

    response = client.post(
        "/language",
        data={"locale": "en", "next": "//evil.example"},
        headers={"X-CSRFToken": csrf_token(client)},
    )
    assert response.status_code == 302
    location_path(response)
