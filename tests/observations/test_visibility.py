"""Who may label and read observations: the single loader and the GeoJSON query agree."""

from __future__ import annotations

import pytest

from tests.conftest import make_user
from tests.observations.conftest import GEOJSON_URL, URL, create, payload, post_observation
from webapp.core.access import Role

# role -> (default visibility, visibilities it may choose)
WRITABLE = {
    "officer": ("police", {"police", "shared"}),
    "staff": ("municipality", {"municipality", "shared"}),
    "coordinator": ("shared", {"shared", "police", "municipality"}),
}
READABLE = {
    "officer": {"police", "shared"},
    "staff": {"municipality", "shared"},
    "coordinator": {"police", "municipality", "shared"},
}


@pytest.fixture
def clients(app, as_user):  # type: ignore[no-untyped-def]
    """Two users per field role, so 'own' and 'someone else's' can both be tested."""
    with app.app_context():
        users = {
            f"{role}{n}": make_user(Role(role), f"{role}{n}") for role in WRITABLE for n in (1, 2)
        }
    return {name: as_user(user) for name, user in users.items()}


@pytest.mark.parametrize("role", sorted(WRITABLE))
def test_default_visibility_per_role(clients, role):
    assert create(clients[f"{role}1"])["visibility"] == WRITABLE[role][0]


@pytest.mark.parametrize(
    ("role", "visibility"),
    [(role, v) for role in sorted(WRITABLE) for v in ("police", "municipality", "shared")],
)
def test_which_visibilities_a_role_may_choose(clients, role, visibility):
    response = post_observation(clients[f"{role}1"], payload(visibility=visibility))
    if visibility in WRITABLE[role][1]:
        assert response.status_code == 201
        assert response.get_json()["visibility"] == visibility
    else:
        assert response.status_code == 422
        assert "visibility" in response.get_json()["error"]["fields"]


@pytest.mark.parametrize("reader", sorted(READABLE))
@pytest.mark.parametrize(
    ("author", "visibility"),
    [(role, v) for role in sorted(WRITABLE) for v in sorted(WRITABLE[role][1])],
)
def test_single_read_and_geojson_agree_on_who_sees_what(clients, reader, author, visibility):
    record = create(clients[f"{author}1"], visibility=visibility)
    reader_client = clients[f"{reader}2"]  # never the author
    expected = visibility in READABLE[reader]

    single = reader_client.get(f"{URL}/{record['id']}")
    listed = {f["id"] for f in reader_client.get(GEOJSON_URL).get_json()["features"]}

    assert single.status_code == (200 if expected else 404)
    assert (record["id"] in listed) is expected
    if not expected:
        assert record["note"] not in single.get_data(as_text=True)


@pytest.mark.parametrize("role", sorted(WRITABLE))
def test_authors_always_see_their_own_records(clients, role):
    record = create(clients[f"{role}1"])
    assert clients[f"{role}1"].get(f"{URL}/{record['id']}").status_code == 200
    features = clients[f"{role}1"].get(GEOJSON_URL).get_json()["features"]
    assert [f["properties"]["mine"] for f in features if f["id"] == record["id"]] == [True]


def test_admin_sees_no_record_content(clients, as_user, admin):
    record = create(clients["officer1"], visibility="shared")
    admin_client = as_user(admin)
    assert admin_client.get(f"{URL}/{record['id']}").status_code == 403
    assert admin_client.get(GEOJSON_URL).status_code == 403


def test_disabled_user_loses_access_at_once(app, clients, officer, as_user):
    from webapp.auth.models import User
    from webapp.extensions import db

    officer_client = as_user(officer)
    record = create(officer_client)
    with app.app_context():
        db.session.get(User, officer.id).disable()
        db.session.commit()
    assert officer_client.get(f"{URL}/{record['id']}").status_code == 401
    assert officer_client.get(GEOJSON_URL).status_code == 401


def test_geojson_properties_carry_nothing_about_the_author(clients):
    create(clients["officer1"], visibility="shared")
    (feature,) = clients["staff1"].get(GEOJSON_URL).get_json()["features"]
    keys = {key.lower() for key in feature["properties"]}
    assert not {k for k in keys if "author" in k or "user" in k or "created_by" in k}
    assert "officer1" not in str(feature)
    assert feature["properties"]["mine"] is False
