"""Long Swedish compounds are not cut in two at 360 px ("Trygghetsvandrin|gar").

Headings, buttons, menu links, table headers and labels are checked on every page type, in
Swedish; a word may wrap only at a soft hyphen, a zero-width space, a hyphen, a slash or a dash.
Templates mark long compounds with the `soft_hyphens` filter (webapp/core/softhyphens.py).
"""

from __future__ import annotations

import pytest

from tests.a11y.conftest import OpenTab
from tests.a11y.measure import broken_words
from tests.a11y.pages import PageType
from tests.a11y.test_phone_layout import visit_all

pytestmark = pytest.mark.browser


def test_no_word_is_cut_in_two_at_360px(pages: dict[str, PageType], open_tab: OpenTab) -> None:
    problems = visit_all(open_tab, list(pages.values()), broken_words)
    assert not problems, "Words cut in two at 360 px:\n" + "\n".join(problems)
