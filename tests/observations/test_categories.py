"""GET /api/v1/categories: codes with Swedish and English labels, from the database."""

from __future__ import annotations

from webapp.extensions import db
from webapp.observations.models import Category

SEEDED = [
    "belysning", "skymd-sikt", "skadegorelse", "nedskrapning", "trafik", "narkotika",
    "ungdomssamling", "otrygg-plats", "ovrigt",
]  # fmt: skip


def test_categories_list_the_seeded_codes_in_order(officer_client):
    response = officer_client.get("/api/v1/categories")
    assert response.status_code == 200
    assert response.is_json
    codes = [c["code"] for c in response.get_json()["categories"]]
    assert codes == SEEDED


def test_every_category_has_swedish_and_english_labels_and_a_colour(officer_client):
    for category in officer_client.get("/api/v1/categories").get_json()["categories"]:
        assert category["label_sv"].strip() and category["label_en"].strip()
        assert category["color"].startswith("#") and len(category["color"]) == 7


def test_labels_are_the_expected_words(officer_client):
    by_code = {
        c["code"]: c for c in officer_client.get("/api/v1/categories").get_json()["categories"]
    }
    assert by_code["belysning"]["label_sv"] == "Belysning"
    assert by_code["belysning"]["label_en"] == "Lighting"
    assert by_code["skadegorelse"]["label_sv"] == "Skadegörelse/klotter"
    assert by_code["ovrigt"]["label_sv"] == "Övrigt"
    assert by_code["ovrigt"]["label_en"] == "Other"


def test_both_languages_come_whatever_the_request_language(officer_client):
    swedish = officer_client.get("/api/v1/categories").get_json()
    english = officer_client.get("/api/v1/categories", headers={"Accept-Language": "en"}).get_json()
    assert swedish == english


def test_categories_are_data_a_new_one_appears_and_inactive_ones_do_not(app, officer_client):
    with app.app_context():
        db.session.add(
            Category(code="hundbajs", label_sv="Hundbajs", label_en="Dog mess", sort_order=50)
        )
        db.session.get(Category, "narkotika").active = False
        db.session.commit()
    codes = [c["code"] for c in officer_client.get("/api/v1/categories").get_json()["categories"]]
    assert "hundbajs" in codes
    assert "narkotika" not in codes


def test_a_new_category_can_be_used_at_once(app, officer_client):
    from tests.observations.conftest import create

    with app.app_context():
        db.session.add(Category(code="hundbajs", label_sv="Hundbajs", label_en="Dog mess"))
        db.session.commit()
    assert create(officer_client, category="hundbajs")["category"] == "hundbajs"


def test_categories_are_readable_without_login_for_the_offline_form(client):
    # The field app caches the list with its shell; labels are not personal data.
    response = client.get("/api/v1/categories")
    assert response.status_code == 200
    assert len(response.get_json()["categories"]) == len(SEEDED)
