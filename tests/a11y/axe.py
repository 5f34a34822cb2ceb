"""Running axe-core (bundled by axe-playwright-python) on a page and reading its verdict."""

from __future__ import annotations

from typing import Any

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

_AXE = Axe()
BLOCKING = ("serious", "critical")
# WCAG 2.0/2.1 A and AA plus axe's best practices (landmarks, headings, one main, ...).
OPTIONS = {
    "resultTypes": ["violations"],
    "iframes": False,
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"],
    },
}


# What a theme changes: enough to re-check a page after switching to dark.
COLOUR_RULES = {
    "resultTypes": ["violations"],
    "runOnly": {"type": "rule", "values": ["color-contrast", "link-in-text-block"]},
}


def blocking_violations(page: Page, options: dict[str, Any] = OPTIONS) -> list[dict[str, Any]]:
    """axe's serious and critical violations on the page as it is now."""
    page.wait_for_load_state("load")
    results = _AXE.run(page, options=options)
    return [v for v in results.response["violations"] if v["impact"] in BLOCKING]


def describe(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"][:5]:
            lines.append(f"    {' '.join(map(str, node['target']))}: {node['failureSummary']}")
            lines.append(f"      {node['html'][:160]}")
    return "\n".join(lines)


def assert_no_blocking_violations(
    page: Page, where: str, options: dict[str, Any] = OPTIONS
) -> None:
    violations = blocking_violations(page, options)
    assert not violations, f"axe on {where} ({page.url}):\n{describe(violations)}"
