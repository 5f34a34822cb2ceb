"""In the field: 360 px wide phones, thumbs, enlarged text.

- No page type scrolls sideways at 360×740 (WCAG 1.4.10 reflow; wide tables scroll in their box).
- Touch targets on the field pages are at least 44×44 px (WCAG 2.5.5, with its inline exception).
- At 200 % text size the field pages still do not scroll sideways and Save stays reachable.
- Save sits at the bottom of the screen, under the thumb, however long the form is.
"""

from __future__ import annotations

from itertools import groupby

import pytest

from tests.a11y.conftest import OpenAs, OpenTab
from tests.a11y.measure import enlarge_text, reach, sideways, small_targets
from tests.a11y.pages import PageType

pytestmark = pytest.mark.browser


def by_persona(pages: list[PageType]) -> list[tuple[str, list[PageType]]]:
    ordered = sorted(pages, key=lambda p: p.persona)
    return [(persona, list(group)) for persona, group in groupby(ordered, key=lambda p: p.persona)]


def visit_all(open_tab: OpenTab, pages: list[PageType], check) -> list[str]:  # type: ignore[no-untyped-def]
    """Open each page in one tab per persona and collect what `check(page)` complains about."""
    problems: list[str] = []
    for persona, group in by_persona(pages):
        tab = open_tab(persona, group[0].path)
        for index, page_type in enumerate(group):
            if index:
                tab.goto(page_type.path)
                tab.wait_for_load_state("load")
            problems += [f"{page_type.name} ({page_type.path}): {p}" for p in check(tab)]
    return problems


def test_no_page_scrolls_sideways_at_360px(pages: dict[str, PageType], open_tab: OpenTab) -> None:
    def check(tab) -> list[str]:  # type: ignore[no-untyped-def]
        found = sideways(tab)
        if found["scrollWidth"] <= found["innerWidth"]:
            return []
        return [f"scrollWidth {found['scrollWidth']} > {found['innerWidth']}: {found['wide']}"]

    problems = visit_all(open_tab, list(pages.values()), check)
    assert not problems, "Pages scroll sideways at 360 px:\n" + "\n".join(problems)


# Pages read at a desk whose data tables may scroll sideways inside their box on a phone (WCAG
# 1.4.10 allows it for data tables): the council report and the weekly picture, the audit
# log, a walk's protocol and the survey results. Every other list is a card per row on a
# phone: what a person taps never sits out of sight.
DESK_TABLES = frozenset(
    {"reports-council", "reports-weekly", "audit-log", "walk-protocol", "survey-results"}
)  # fmt: skip
TABLES_SIDEWAYS = """() => [...document.querySelectorAll(".table-wrap")]
  .filter((w) => w.scrollWidth > w.clientWidth + 1)
  .map((w) => `${(w.querySelector("caption, th") || w).textContent.trim().slice(0, 40)}: ` +
              `${w.scrollWidth} > ${w.clientWidth}`)"""


def test_list_tables_are_cards_that_fit_a_phone(
    pages: dict[str, PageType], open_tab: OpenTab
) -> None:
    lists = [p for p in pages.values() if p.name not in DESK_TABLES]
    problems = visit_all(open_tab, lists, lambda tab: tab.evaluate(TABLES_SIDEWAYS))
    assert not problems, "Tables scroll sideways in their box at 360 px:\n" + "\n".join(problems)


def test_touch_targets_on_field_pages_are_at_least_44px(
    pages: dict[str, PageType], open_tab: OpenTab
) -> None:
    def check(tab) -> list[str]:  # type: ignore[no-untyped-def]
        # Open the "More" part of forms too: its controls are used in the field as well.
        tab.evaluate("() => document.querySelectorAll('details').forEach(d => { d.open = true; })")
        return small_targets(tab)

    field_pages = [p for p in pages.values() if p.field]
    problems = visit_all(open_tab, field_pages, check)
    assert not problems, "Touch targets below 44×44 px:\n" + "\n".join(problems)


def test_field_pages_work_with_text_at_200_percent(
    pages: dict[str, PageType], open_tab: OpenTab
) -> None:
    def check(tab) -> list[str]:  # type: ignore[no-untyped-def]
        enlarge_text(tab, 200)
        found = sideways(tab)
        problems = []
        if found["scrollWidth"] > found["innerWidth"]:
            problems.append(f"scrollWidth {found['scrollWidth']} > 360: {found['wide']}")
        return problems

    field_pages = [p for p in pages.values() if p.field]
    problems = visit_all(open_tab, field_pages, check)
    assert not problems, "Sideways scrolling at 200 % text:\n" + "\n".join(problems)


def assert_under_the_thumb(save: dict, where: str) -> None:  # type: ignore[type-arg]
    assert save["found"], f"{where}: no save button"
    assert save["onTop"], f"{where}: Save is covered: {save}"
    assert save["top"] >= 0 and save["bottom"] <= save["innerHeight"], f"{where}: {save}"
    # The lower part of a 740 px screen is where the thumb of the hand holding the phone reaches.
    assert save["top"] >= save["innerHeight"] * 0.6, f"{where}: Save is out of thumb reach: {save}"
    assert save["height"] >= 44 and save["right"] - save["left"] >= 0.8 * save["innerWidth"]


@pytest.mark.parametrize("text_size", [100, 200])
def test_save_is_at_the_bottom_of_the_screen_within_thumb_reach(
    text_size: int, pages: dict[str, PageType], open_as: OpenAs
) -> None:
    page = open_as("officer", pages["field-new"].path).page
    enlarge_text(page, text_size)
    # However far down the form the user is, Save is on screen and on top of everything else.
    for scroll in ("0", "(document.body.scrollHeight - innerHeight) / 2"):
        page.evaluate(f"() => window.scrollTo(0, {scroll})")
        assert_under_the_thumb(reach(page, "#obs-save"), f"field-new at {text_size} %, {scroll}")
    # Scrolled to the very end, the footer takes the bottom; Save sits just above it.
    page.evaluate("() => window.scrollTo(0, document.body.scrollHeight)")
    save = reach(page, "#obs-save")
    assert save["onTop"] and save["top"] >= 0 and save["bottom"] <= save["innerHeight"], save


@pytest.mark.parametrize(
    ("name", "selector"),
    [
        ("andt-new", "form .sticky-actions button[type=submit]"),
        ("visit-new", "form .sticky-actions button[type=submit]"),
        ("walk-participant", "#spot-save"),
    ],
)
def test_other_field_forms_keep_save_under_the_thumb(
    name: str, selector: str, pages: dict[str, PageType], open_as: OpenAs
) -> None:
    page_type = pages[name]
    page = open_as(page_type.persona, page_type.path).page
    # Filling in the top of the form: its Save button waits at the bottom of the screen.
    page.locator("form input, form select").first.focus()
    page.evaluate("() => window.scrollTo(0, 0)")
    assert_under_the_thumb(reach(page, selector), name)
