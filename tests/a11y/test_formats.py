"""Swedish pages show dates, times and numbers the Swedish way (Europe/Stockholm).

The visible text of every page type is searched for English formats: month and weekday names,
AM/PM, month/day/year, and decimal points in numbers.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from flask import Flask

from tests.a11y.pages import PageType
from tests.a11y.world import World
from tests.conftest import login
from webapp.auth.models import User
from webapp.extensions import db

MONTHS = "January|February|March|April|June|July|August|September|October|November|December"
ENGLISH_FORMATS = {
    "English month": re.compile(
        rf"\b({MONTHS}|(Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\b\.?\s+\d)"
    ),
    "English weekday": re.compile(
        r"\b(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b"
    ),
    # A time: a number on its own before it ("3 PM", "11PM"), not a code like "B3PM-34DY".
    "AM/PM": re.compile(r"(?<![A-Z0-9])\d{1,2}(:\d{2})?\s*[AP]M\b"),
    "month/day/year": re.compile(r"\b\d{1,2}/\d{1,2}/\d{2,4}\b"),
    "decimal point": re.compile(r"(?<![\d.])\d{1,3}\.\d+(?![\d.])"),
    "ISO timestamp": re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d"),
}


class VisibleText(HTMLParser):
    """Text a person sees: not scripts, styles, attributes, or hidden templates of strings."""

    SKIP = {"script", "style", "template", "title"}

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIP:
            self.skipping += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP and self.skipping:
            self.skipping -= 1

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def test_swedish_pages_have_no_english_dates_or_numbers(
    world: World, pages: dict[str, PageType], _session_app: Flask
) -> None:
    clients = {"anonymous": _session_app.test_client()}
    with _session_app.app_context():
        for persona, user_id in world.users.items():
            user = db.session.get(User, user_id)
            clients[persona] = login(_session_app.test_client(), user)
    problems = []
    for page_type in pages.values():
        if page_type.persona not in clients:
            continue  # the walk participant's page is covered by the browser tests
        response = clients[page_type.persona].get(page_type.path)
        assert response.status_code in (200, 404), (page_type.path, response.status_code)
        text = visible_text(response.get_data(as_text=True))
        for what, pattern in ENGLISH_FORMATS.items():
            for match in pattern.finditer(text):
                context = text[max(0, match.start() - 40) : match.end() + 40]
                problems.append(f"{page_type.name}: {what}: …{context}…")
    assert not problems, "English formats on Swedish pages:\n" + "\n".join(problems)


@pytest.mark.parametrize(
    ("value", "expected"),
    [(1234567.891, "1\u00a0234\u00a0567,891"), (0.5, "0,5")],
)
def test_numbers_are_formatted_the_swedish_way(
    value: float, expected: str, _session_app: Flask
) -> None:
    from flask_babel import format_decimal

    with _session_app.test_request_context("/"):
        assert format_decimal(value) == expected


@pytest.mark.browser
def test_text_written_by_javascript_is_swedish_too(
    pages: dict[str, PageType],
    open_as,  # type: ignore[no-untyped-def]
) -> None:
    """The map list, the running patrol and My records are filled in by the page's scripts."""
    problems = []
    for name, ready in (
        ("review-map", "#map-list tbody tr, .map-list tbody tr"),
        ("patrols", "body"),
        ("field-mine", "body"),
    ):
        page_type = pages[name]
        page = open_as(page_type.persona, page_type.path).page
        page.wait_for_selector(ready, state="attached")
        page.wait_for_load_state("networkidle")
        text = page.inner_text("main")
        for what, pattern in ENGLISH_FORMATS.items():
            problems += [f"{name}: {what}: {m.group(0)}" for m in pattern.finditer(text)]
    assert not problems, "\n".join(problems)
