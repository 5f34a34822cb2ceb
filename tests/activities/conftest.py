from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.activities.helpers import patrol_payload
from tests.conftest import api_post


@pytest.fixture(autouse=True)
def english_by_default(app: Flask) -> None:
    """Messages are asserted in English (the msgids); Swedish is tested in test_pages."""
    app.config["LANGUAGES"] = ("en", "sv")


@pytest.fixture
def officer_client(as_user, officer) -> FlaskClient:  # type: ignore[no-untyped-def]
    return as_user(officer)


@pytest.fixture
def staff_client(as_user, staff) -> FlaskClient:  # type: ignore[no-untyped-def]
    return as_user(staff)


@pytest.fixture
def coordinator_client(as_user, coordinator) -> FlaskClient:  # type: ignore[no-untyped-def]
    return as_user(coordinator)


@pytest.fixture
def started_patrol(app: Flask, officer_client: FlaskClient) -> dict[str, Any]:
    """A patrol the officer started an hour ago, through the API."""
    response = api_post(officer_client, "/api/v1/activities", patrol_payload())
    assert response.status_code == 201, response.get_json()
    return response.get_json()


from tests.browser.conftest import (  # noqa: F401, E402 - the browser fixtures for the browser tests here
    browser,
    chromium_path,
    live_server,
    phone,
    playwright,
    pytest_runtest_makereport,
)
