"""The map's credit to OpenStreetMap reads in the reader's language; a configured one as set."""

from __future__ import annotations

import pytest
from flask import Flask

CREDITS = {
    "sv": "&amp;copy; OpenStreetMap-bidragsgivare",
    "en": "&amp;copy; OpenStreetMap contributors",
}


@pytest.mark.parametrize("language", ["sv", "en"])
def test_field_map_credits_openstreetmap_in_the_readers_language(as_user, officer, language):  # type: ignore[no-untyped-def]
    client = as_user(officer)
    html = client.get("/field/new", headers={"Accept-Language": language}).get_data(as_text=True)
    assert f'data-tile-attribution="{CREDITS[language]}"' in html


def test_a_tile_servers_own_credit_is_shown_as_configured(app: Flask, as_user, officer):  # type: ignore[no-untyped-def]
    app.config["TILE_ATTRIBUTION"] = "&copy; Lantmäteriet"
    html = as_user(officer).get("/field/new").get_data(as_text=True)
    assert 'data-tile-attribution="&amp;copy; Lantmäteriet"' in html
    assert "OpenStreetMap" not in html
