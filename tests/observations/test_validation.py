"""Bad input to POST /api/v1/observations: 4xx JSON with field messages, never a 500."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import csrf_token
from tests.observations.conftest import (
    URL,
    observation_count,
    observed_at,
    payload,
    post_observation,
)
from webapp.observations.validation import ALLOWED_FIELDS

# Skatteverket's published example number, valid Luhn check digit.
PERSONNUMMER = "811218-9876"


def assert_field_error(response, field: str) -> str:  # type: ignore[no-untyped-def]
    assert response.status_code == 422, response.get_data(as_text=True)
    assert response.is_json
    error = response.get_json()["error"]
    assert error["code"] == "validation_failed"
    assert field in error["fields"], error
    assert isinstance(error["fields"][field], str) and error["fields"][field]
    return error["fields"][field]


def post_raw(client, body: bytes | str, content_type: str = "application/json", **headers: str):  # type: ignore[no-untyped-def]
    return client.post(
        URL,
        data=body,
        content_type=content_type,
        headers={"X-CSRFToken": csrf_token(client), **headers},
    )


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("lat", 90.0001),
        ("lat", -91),
        ("lon", 180.5),
        ("lon", -1000),
        ("lat", "59.8366"),
        ("lon", "13.1440"),
        ("lat", True),
        ("lon", False),
        ("lat", None),
        ("lat", [59.8, 13.1]),
        ("lat", {"deg": 59}),
        ("lat", "59 50 12 N"),
        ("lon", "13 8 36 E"),
        ("lat", "59°50′12″N"),
        pytest.param("lat", 10**400, id="lat-huge-int"),
        pytest.param("lon", -(10**400), id="lon-huge-negative-int"),
        ("lat", 1e308 * 10),
    ],
)
def test_bad_coordinates_are_refused(app, officer_client, field, value):
    response = post_observation(officer_client, payload(**{field: value}))
    assert_field_error(response, field)
    assert observation_count(app) == 0


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity", "1e999"])
def test_non_finite_numbers_in_the_raw_body_are_refused(officer_client, literal):
    body = payload()
    raw = (
        "{"
        f'"id": "{body["id"]}", "lat": {literal}, "lon": 13.144, "accuracy_m": {literal}, '
        f'"observed_at": "{body["observed_at"]}", "category": "belysning"'
        "}"
    )
    response = post_raw(officer_client, raw)
    assert_field_error(response, "lat")
    assert "accuracy_m" in response.get_json()["error"]["fields"]


def test_missing_position_is_refused(officer_client):
    body = payload()
    del body["lat"], body["lon"]
    response = post_observation(officer_client, body)
    assert_field_error(response, "lat")
    assert_field_error(response, "lon")


@pytest.mark.parametrize(
    "value",
    [
        None,
        "",
        "2024-05-01T12:00:00",  # naive: no offset
        "2024-05-01",
        "yesterday",
        "01/05/2024 12:00",
        "2024-13-01T12:00:00+02:00",
        "2024-05-01T25:00:00+02:00",
        "2024-05-01T12:00:00+25:00",
        "2024-05-01T12:00:00+02:00:30",  # an offset with seconds cannot be echoed faithfully
        "9999-12-31T23:59:59-14:00",  # far future
        "0001-01-01T00:00:00+14:00",  # far past, at the edge of what datetime can hold
        "2000-01-01T00:00:00+01:00",  # more than a year ago
        1714557600,
        ["2024-05-01T12:00:00+02:00"],
        "2024-05-01T12:00:00+02:00" + " " * 100,
    ],
)
def test_bad_observed_at_is_refused(officer_client, value):
    response = post_observation(officer_client, payload(observed_at=value))
    assert_field_error(response, "observed_at")


def test_observed_at_in_the_future_is_refused(officer_client):
    response = post_observation(officer_client, payload(observed_at=observed_at(hours_ago=-24)))
    message = assert_field_error(response, "observed_at")
    assert message == "Tiden ligger i framtiden."


def test_observed_at_missing_is_refused(officer_client):
    body = payload()
    del body["observed_at"]
    assert_field_error(post_observation(officer_client, body), "observed_at")


def test_observed_at_a_few_minutes_ahead_is_tolerated_as_clock_skew(officer_client):
    response = post_observation(officer_client, payload(observed_at=observed_at(hours_ago=-0.05)))
    assert response.status_code == 201


@pytest.mark.parametrize(
    "value",
    [
        "",
        "okand-kategori",
        "BELYSNING",
        "a" * 41,
        "belysning\x00",
        "\udc80",
        7,
        None,
        ["belysning"],
    ],
)
def test_unknown_or_missing_category_is_refused(officer_client, value):
    assert_field_error(post_observation(officer_client, payload(category=value)), "category")


def test_inactive_category_is_refused(app, officer_client):
    from webapp.extensions import db
    from webapp.observations.models import Category

    with app.app_context():
        db.session.get(Category, "trafik").active = False
        db.session.commit()
    assert_field_error(post_observation(officer_client, payload(category="trafik")), "category")


def test_note_longer_than_the_configured_limit_is_refused(app, officer_client):
    app.config["NOTE_MAX_LENGTH"] = 40
    assert post_observation(officer_client, payload(note="x" * 40)).status_code == 201
    message = assert_field_error(post_observation(officer_client, payload(note="x" * 41)), "note")
    assert "40" in message


def test_note_at_the_default_limit_is_accepted_and_one_more_is_not(officer_client):
    assert post_observation(officer_client, payload(note="å" * 2000)).status_code == 201
    assert_field_error(post_observation(officer_client, payload(note="å" * 2001)), "note")


@pytest.mark.parametrize(
    "note",
    [
        f"Pojke med personnummer {PERSONNUMMER} sågs vid kiosken",
        "Pnr 8112189876 nämndes",
        "Ungdom 19811218-9876 på plats",
        # Written as a personnummer is written, a wrong check digit does not make it harmless.
        "Ungdom 19850101-1234 på plats",
        "Pojke 811218-9875 vid kiosken",
    ],
)
def test_note_with_a_personal_identity_number_is_refused(app, officer_client, note):
    message = assert_field_error(post_observation(officer_client, payload(note=note)), "note")
    assert "personnummer" in message
    assert observation_count(app) == 0


@pytest.mark.parametrize(
    "note",
    [
        "Ring 070-123 45 67 om lampan",
        "Lampa nr 8112189875 är trasig",  # bare digits, wrong check digit: not a personnummer
        "Händelse 2024-05-01 kl 21:30",
    ],
)
def test_notes_with_numbers_that_are_not_identity_numbers_are_accepted(officer_client, note):
    assert post_observation(officer_client, payload(note=note)).status_code == 201


@pytest.mark.parametrize(
    "note", ["nul\x00byte", "bell\x07", "esc\x1b[31m", "lone surrogate \ud800", "del\x7f"]
)
def test_note_with_control_characters_is_refused(officer_client, note):
    assert_field_error(post_observation(officer_client, payload(note=note)), "note")


def test_note_with_newlines_and_tabs_is_kept(officer_client):
    note = "Rad ett\nRad två\tmed tabb"
    assert post_observation(officer_client, payload(note=note)).get_json()["note"] == note


WRONG_TYPES: list[Any] = [
    ("id", 12345),
    ("id", None),
    ("id", "not-a-uuid"),
    ("id", ["3f2b0c1e-0000-4000-8000-000000000000"]),
    ("id", "3f2b0c1e-0000-4000-8000-000000000000\x00"),
    ("id", "\ud800" * 36),
    ("id", "urn:uuid:" + "0" * 400),
    ("lat", "north"),
    ("lon", {}),
    ("accuracy_m", "8"),
    ("accuracy_m", -1),
    ("accuracy_m", True),
    pytest.param("accuracy_m", 10**400, id="accuracy_m-huge-int"),
    ("observed_at", 12.5),
    ("observed_at", {"date": "2024-05-01"}),
    ("category", 3),
    ("category", {"code": "belysning"}),
    ("note", 42),
    ("note", ["text"]),
    ("note", {"text": "x"}),
    ("note", True),
    ("rating", "3"),
    ("rating", [3]),
    ("activity_id", 5),
    ("activity_id", "3f2b0c1e-0000-4000-8000-000000000000"),
    ("activity_id", "nul\x00"),
    ("activity_id", "\ud800"),
    ("walk_id", "1"),
    ("walk_id", 1.5),
    ("walk_id", True),
    ("walk_id", 99999),
    pytest.param("walk_id", 10**400, id="walk_id-huge-int"),
    ("visibility", 1),
    ("visibility", ["police"]),
    ("visibility", "municipality"),  # an officer may not label records municipal
    ("visibility", "secret"),
    ("manual_position", "yes"),
    ("manual_position", 1),
    ("manual_position", None),
]


@pytest.mark.parametrize(("field", "value"), WRONG_TYPES)
def test_wrong_types_for_every_field_are_refused(app, officer_client, field, value):
    response = post_observation(officer_client, payload(**{field: value}))
    assert_field_error(response, field)
    assert observation_count(app) == 0


@pytest.mark.parametrize(
    "rating", [0, 6, -1, 2.5, 3.0, True, False, "5", pytest.param(10**400, id="huge-int")]
)
def test_rating_outside_1_to_5_or_not_whole_is_refused(officer_client, rating):
    assert_field_error(post_observation(officer_client, payload(rating=rating)), "rating")


@pytest.mark.parametrize("rating", [1, 5, None])
def test_rating_is_optional_and_1_to_5(officer_client, rating):
    assert post_observation(officer_client, payload(rating=rating)).status_code == 201


def test_only_required_fields_are_enough(officer_client):
    body = payload()
    for optional in ("accuracy_m", "note", "rating"):
        del body[optional]
    created = post_observation(officer_client, body)
    assert created.status_code == 201
    assert created.get_json()["note"] == ""
    assert created.get_json()["rating"] is None


@pytest.mark.parametrize("extra", ["author_id", "status", "created_at", "Lat", "__proto__", ""])
def test_unknown_extra_fields_are_refused(app, officer_client, extra):
    response = post_observation(officer_client, payload(**{extra: 1}))
    assert_field_error(response, extra)
    assert observation_count(app) == 0


@pytest.mark.parametrize(
    ("body", "content_type", "status"),
    [
        ("lat=59.8&lon=13.1", "application/x-www-form-urlencoded", 415),
        ("hej", "text/plain", 415),
        ("<observation/>", "application/xml", 415),
        ("", "application/json", 400),
        ("{not json", "application/json", 400),
        ('{"id": "x",}', "application/json", 400),
        (b"\xff\xfe\x00garbage", "application/json", 400),
        ("null", "application/json", 422),
        ("[]", "application/json", 422),
        ("[" + '{"id": 1}' + "]", "application/json", 422),
        ('"a string"', "application/json", 422),
        ("42", "application/json", 422),
        ("[" * 50_000 + "]" * 50_000, "application/json", 400),
        ('{"a":' * 50_000 + "1" + "}" * 50_000, "application/json", 400),
    ],
    ids=[
        "form",
        "text",
        "xml",
        "empty",
        "broken",
        "trailing-comma",
        "binary",
        "null",
        "empty-array",
        "array",
        "string",
        "number",
        "deep-array",
        "deep-object",
    ],
)
def test_body_that_is_not_a_json_object_is_refused(app, officer_client, body, content_type, status):
    response = post_raw(officer_client, body, content_type)
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.is_json
    assert response.get_json()["error"]["code"] in {
        "unsupported_media_type",
        "invalid_json",
        "validation_failed",
    }
    assert observation_count(app) == 0


def test_body_larger_than_max_content_length_is_413_json(app, officer_client):
    app.config["MAX_CONTENT_LENGTH"] = 2048
    response = post_observation(officer_client, payload(note="x" * 4096))
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "too_large"
    assert observation_count(app) == 0


def test_all_problems_are_reported_at_once(officer_client):
    body = {
        "id": "nope",
        "lat": 100,
        "lon": "x",
        "observed_at": "igår",
        "category": "",
        "rating": 9,
    }
    fields = post_observation(officer_client, body).get_json()["error"]["fields"]
    assert set(fields) == {"id", "lat", "lon", "observed_at", "category", "rating"}


# --- language -------------------------------------------------------------------------------


def test_messages_are_swedish_by_default(officer_client):
    response = post_observation(officer_client, payload(category=None))
    assert assert_field_error(response, "category") == "Välj en kategori."
    assert response.get_json()["error"]["message"] == "Några fält behöver rättas."


def test_messages_are_english_with_accept_language_en(officer_client):
    response = post_observation(
        officer_client, payload(category=None), headers={"Accept-Language": "en-GB,en;q=0.8"}
    )
    assert assert_field_error(response, "category") == "Choose a category."
    assert response.get_json()["error"]["message"] == "Some fields need fixing."


def test_messages_follow_the_session_locale(officer_client):
    with officer_client.session_transaction() as session:
        session["locale"] = "en"
    response = post_observation(officer_client, payload(lat="59 50 12 N"))
    assert assert_field_error(response, "lat") == "Must be a number in decimal degrees."


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"lat": "59 50 12 N"}, "lat"),
        ({"lat": 95}, "lat"),
        ({"observed_at": "2024-05-01T12:00:00"}, "observed_at"),
        ({"observed_at": "igår"}, "observed_at"),
        ({"category": "x"}, "category"),
        ({"rating": 9}, "rating"),
        ({"note": PERSONNUMMER}, "note"),
        ({"extra": 1}, "extra"),
        ({"id": "x"}, "id"),
        ({"manual_position": "ja"}, "manual_position"),
        ({"accuracy_m": -5}, "accuracy_m"),
        ({"note": 5}, "note"),
        ({"visibility": "secret"}, "visibility"),
        ({"walk_id": 5}, "walk_id"),
        ({"activity_id": "x"}, "activity_id"),
    ],
)
def test_every_validation_message_has_a_swedish_translation(officer_client, overrides, field):
    swedish = assert_field_error(post_observation(officer_client, payload(**overrides)), field)
    english = assert_field_error(
        post_observation(officer_client, payload(**overrides), headers={"Accept-Language": "en"}),
        field,
    )
    assert swedish != english


def test_every_message_of_the_observation_api_is_in_the_swedish_catalogue():
    """A new msgid in these modules without a Swedish string would show English to users."""
    from pathlib import Path

    from babel.messages.extract import extract_from_file
    from babel.messages.pofile import read_po

    root = Path(__file__).resolve().parents[2]
    with (root / "webapp/translations/sv/LC_MESSAGES/messages.po").open("rb") as po_file:
        catalogue = read_po(po_file)
    sources = [*sorted((root / "webapp/observations").glob("*.py")), root / "webapp/core/errors.py"]
    missing = []
    for source in sources:
        for _line, message, _comments, _context in extract_from_file(
            "python", str(source), keywords={"_": None, "_l": None, "gettext": None}
        ):
            entry = catalogue.get(message)
            if entry is None or not entry.string:
                missing.append(f"{source.name}: {message}")
    assert not missing, missing


ODD_VALUES: list[Any] = [
    None, True, False, 0, -1, 2**31, 2**63, 1e308, -1e-308, "", " ", "x" * 5000, "\x00", "\ud800",
    "NaN", "Infinity", "0x1F", "١٢٣", "<script>", "${x}", [], [None], {}, {"$gt": ""},
]  # fmt: skip


@pytest.mark.parametrize("field", sorted(ALLOWED_FIELDS))
def test_no_odd_value_in_any_field_causes_a_server_error(app, officer_client, field):
    for value in ODD_VALUES:
        response = post_observation(officer_client, payload(**{field: value}))
        assert response.status_code in (201, 422), (field, value, response.get_data(as_text=True))
        assert response.is_json
