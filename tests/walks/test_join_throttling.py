"""Joining held back after many failed attempts from one address: the code page comes back with
the code and the wait in words, and Retry-After states the same wait; a wrong code alone is not
told to come back later."""

from __future__ import annotations

import re
from html import unescape

from tests.conftest import csrf_token, form_csrf_token
from tests.walks.helpers import make_walk


def _guess(phone, times: int) -> list[int]:  # type: ignore[no-untyped-def]
    return [phone.get(f"/walk/join/ZZZZZZZ{n}").status_code for n in range(2, 2 + times)]


def _refusal(response) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    html = response.get_data(as_text=True)
    (message,) = re.findall(r'<p class="flash flash-error" role="alert">([^<]*)</p>', html)
    (typed,) = re.findall(r'<input [^>]*name="code"[^>]*value="([^"]*)"', html)
    return unescape(message), unescape(typed)


def _type_code(phone, code: str):  # type: ignore[no-untyped-def]
    page = phone.get("/walk/join")
    token = form_csrf_token(page.get_data(as_text=True))
    return phone.post("/walk/join", data={"csrf_token": token, "code": code})


def test_a_typed_code_held_back_comes_back_with_the_wait_told_twice(app, coordinator):
    """It was the general error page ("Vänta en stund"), the typed code gone."""
    walk = make_walk(app, coordinator.id)
    phone = app.test_client()
    assert [_type_code(phone, f"AB{n}").status_code for n in range(10)] == [404] * 10

    held = _type_code(phone, walk.join_code)

    assert held.status_code == 429
    message, typed = _refusal(held)
    told = re.fullmatch(r"För många försök\. Vänta (\d+) sekunder och försök igen\.", message)
    assert told, message
    assert held.headers["Retry-After"] == told.group(1)
    assert 55 <= int(told.group(1)) <= 60  # WALK_JOIN_LIMIT: 10 per minute
    assert typed == walk.join_code


def test_a_scanned_link_held_back_shows_its_code_and_not_the_walk(app, coordinator):
    walk = make_walk(app, coordinator.id, name="Kvällsvandring Stationsområdet")
    phone = app.test_client()
    phone.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    _guess(phone, 10)

    held = phone.get(f"/walk/join/{walk.join_code}")

    assert held.status_code == 429
    message, typed = _refusal(held)
    assert re.fullmatch(r"Too many attempts\. Wait \d+ seconds and try again\.", message)
    assert typed == walk.join_code
    assert "Kvällsvandring" not in held.get_data(as_text=True)  # no hint that the code is right
    assert int(held.headers["Retry-After"]) == int(message.split()[4])


def test_a_wrong_code_is_not_told_to_come_back_later(app, coordinator):
    """Flask-Limiter's hook put its countdown (Retry-After: 60) on every answer, 404s too."""
    make_walk(app, coordinator.id)
    phone = app.test_client()

    wrong = phone.get("/walk/join/ZZZZZZZ2")

    assert wrong.status_code == 404
    assert "Retry-After" not in wrong.headers


def test_the_join_button_held_back_shows_the_walk_with_the_wait_told_twice(
    app, coordinator, staff, as_user
):
    """Pressing "Gå med i vandringen" after many refused tries from the address: it was the
    general error page ("Vänta en stund"), the limiter's window in Retry-After."""
    hidden = make_walk(app, coordinator.id, visibility="police")  # not for staff: 404
    walk = make_walk(app, coordinator.id, name="Kvällsvandring Stationsområdet")
    client = as_user(staff)
    token = csrf_token(client)
    probes = [
        client.post(f"/walks/{hidden.id}/join", data={"csrf_token": token}).status_code
        for _ in range(10)
    ]
    assert probes == [404] * 10  # WALK_JOIN_LIMIT: 10 failures per minute

    page = client.get(f"/walks/{walk.id}").get_data(as_text=True)
    held = client.post(f"/walks/{walk.id}/join", data={"csrf_token": form_csrf_token(page)})

    assert held.status_code == 429
    html = held.get_data(as_text=True)
    (message,) = re.findall(r'<p class="flash flash-error" role="alert">([^<]*)</p>', html)
    told = re.fullmatch(r"För många försök\. Vänta (\d+) sekunder och försök igen\.", message)
    assert told, message
    assert held.headers["Retry-After"] == told.group(1)
    assert 55 <= int(told.group(1)) <= 60
    assert "Kvällsvandring Stationsområdet" in html  # the walk's page, to press again later
