"""Every page type passes axe-core (WCAG 2.1 A and AA, plus axe's best practices) with no serious
or critical violation: in Swedish in the light theme, again for contrast when the phone is set to
dark, a few pages in English, and in night mode switched on by the footer toggle."""

from __future__ import annotations

import pytest

from tests.a11y.axe import COLOUR_RULES, assert_no_blocking_violations
from tests.a11y.conftest import OpenAs, OpenTab
from tests.a11y.pages import ENGLISH, PAGE_NAMES, PageType

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("name", PAGE_NAMES)
def test_page_passes_axe_in_swedish_light_and_dark(
    name: str, pages: dict[str, PageType], open_tab: OpenTab
) -> None:
    if name not in pages:
        pytest.skip(f"{name}: that feature is not in this app")
    page_type = pages[name]
    page = open_tab(page_type.persona, page_type.path)
    assert page.locator("html").get_attribute("lang") == "sv"
    assert_no_blocking_violations(page, f"{name} (light)")

    page.emulate_media(color_scheme="dark")
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(15, 23, 32)"
    assert_no_blocking_violations(page, f"{name} (dark)", COLOUR_RULES)


@pytest.mark.parametrize("name", ENGLISH)
def test_page_passes_axe_in_english(
    name: str, pages: dict[str, PageType], open_tab: OpenTab
) -> None:
    page_type = pages[name]
    page = open_tab("coordinator_en", page_type.path)
    assert page.locator("html").get_attribute("lang") == "en"
    assert_no_blocking_violations(page, f"{name} (en)")


@pytest.mark.parametrize("name", ["login", "field-new", "measures", "walk-participant"])
def test_night_mode_toggle_keeps_contrast(
    name: str, pages: dict[str, PageType], open_as: OpenAs
) -> None:
    page_type = pages[name]
    page = open_as(page_type.persona, page_type.path, color_scheme="light").page
    page.locator("#theme-form .theme-to-dark").click()
    assert page.locator("html").get_attribute("data-theme") == "dark"
    assert_no_blocking_violations(page, f"{name} (night mode by the toggle)", COLOUR_RULES)
