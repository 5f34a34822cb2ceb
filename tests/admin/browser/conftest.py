"""The browser fixtures of tests/browser (Debian's chromium through Playwright), reused here."""

from tests.browser.conftest import (  # noqa: F401
    browser,
    chromium_path,
    live_server,
    playwright,
    pytest_runtest_makereport,
)
