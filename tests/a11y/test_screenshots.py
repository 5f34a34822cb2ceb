"""Screenshots of the main pages on a 360×740 phone, light and dark, for people to look at.

They land in test-artifacts/screenshots/ (git-ignored), named <page>-<theme>.png (whole page), and
<page>-text200-<theme>.png (the first screen with text at 200 %). Axe cannot see overlaps,
cut-off text or a button that looks disabled; a person looking at these can.
"""

from __future__ import annotations

import pytest

from tests.a11y.conftest import SCREENSHOTS, OpenAs
from tests.a11y.measure import enlarge_text
from tests.a11y.pages import PageType
from tests.a11y.test_phone_layout import by_persona

pytestmark = pytest.mark.browser

MAIN_PAGES = [
    "login",
    "start",
    "field-new",
    "field-mine",
    "review-map",
    "review-queue",
    "review-detail",
    "measures",
    "measure-detail",
    "activities",
    "patrols",
    "andt-new",
    "walk-detail",
    "walk-join",
    "walk-participant",
    "admin-users",
    "reports-council",
    "citizen-report",
    "survey-answer",
    "citizen-moderation-detail",
]

# The first screen of the field forms with the phone's text size at 200 %.
ENLARGED = ["field-new", "andt-new", "walk-participant"]


def test_screenshots_of_the_main_pages_in_light_and_dark(
    pages: dict[str, PageType], open_as: OpenAs
) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    written = []
    for persona, group in by_persona([pages[name] for name in MAIN_PAGES if name in pages]):
        tab = open_as(persona, "").page
        for page_type in group:
            tab.emulate_media(color_scheme="light")
            tab.goto(page_type.path)
            tab.wait_for_load_state("load")
            for theme in ("light", "dark"):
                tab.emulate_media(color_scheme=theme)
                path = SCREENSHOTS / f"{page_type.name}-{theme}.png"
                tab.screenshot(path=str(path), full_page=True, animations="disabled")
                written.append(path)
    for name in ENLARGED:
        page_type = pages[name]
        tab = open_as(page_type.persona, page_type.path).page
        enlarge_text(tab, 200)
        for theme in ("light", "dark"):
            tab.emulate_media(color_scheme=theme)
            path = SCREENSHOTS / f"{name}-text200-{theme}.png"
            tab.screenshot(path=str(path), animations="disabled")
            written.append(path)
    assert all(path.stat().st_size > 1000 for path in written)
