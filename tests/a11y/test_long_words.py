"""Long Swedish compounds are not cut in two at 360 px ("Trygghetsvandrin|gar").

Headings, buttons, menu links, table headers and labels are checked on every page type, in
Swedish; a word may wrap only at a soft hyphen, a zero-width space, a hyphen, a slash or a dash.
Templates mark long compounds with the `soft_hyphens` filter (webapp/softhyphens.py).
"""

from __future__ import annotations

import pytest

from .conftest import OpenTab
from .measure import broken_words
from .pages import PageType
from .test_phone_layout import visit_all

pytestmark = pytest.mark.browser

# Pages whose templates do not mark their compounds yet, and what they lack.
NOT_YET = {
    "citizen-report": "templates/citizen/report.html: category buttons need |soft_hyphens",
}


def test_no_word_is_cut_in_two_at_360px(pages: dict[str, PageType], open_tab: OpenTab) -> None:
    checked = [p for name, p in pages.items() if name not in NOT_YET]
    problems = visit_all(open_tab, checked, broken_words)
    assert not problems, "Words cut in two at 360 px:\n" + "\n".join(problems)


@pytest.mark.xfail(reason="; ".join(NOT_YET.values()), strict=False)
def test_no_word_is_cut_in_two_on_pages_not_marked_yet(
    pages: dict[str, PageType], open_tab: OpenTab
) -> None:
    waiting = [p for name, p in pages.items() if name in NOT_YET]
    problems = visit_all(open_tab, waiting, broken_words)
    assert not problems, "Words cut in two at 360 px:\n" + "\n".join(problems)
