"""Soft hyphens go between the parts of known compounds and nowhere else; markup stays safe."""

from __future__ import annotations

from markupsafe import Markup

from webapp.core.softhyphens import soft_hyphens

SHY = "\u00ad"
ZWSP = "\u200b"


def test_compounds_get_a_soft_hyphen_between_their_parts():
    assert soft_hyphens("Trygghetsvandringar") == f"Trygghets{SHY}vandringar"
    assert soft_hyphens("Narkotikaindikation") == f"Narkotika{SHY}indikation"
    assert soft_hyphens("Organisationsnummer") == f"Organisa{SHY}tions{SHY}nummer"
    # A walk's invited organisations, cut "Hyresgästförenin|gen" at 360 px before.
    assert soft_hyphens("Hyresgästföreningen") == f"Hyresgäst{SHY}föreningen"


def test_other_text_is_left_alone():
    assert soft_hyphens("Belysning") == "Belysning"
    assert soft_hyphens("1/2 km") == "1/2 km"
    assert soft_hyphens(None) is None


def test_a_slash_between_words_may_break():
    assert soft_hyphens("Skymd sikt/växtlighet") == f"Skymd sikt/{ZWSP}växt{SHY}lighet"


def test_markup_stays_markup_and_user_text_is_still_escaped(app):
    marked = soft_hyphens(Markup("Granskningsstatus &amp; mer"))
    assert isinstance(marked, Markup)
    assert str(marked) == f"Gransknings{SHY}status &amp; mer"
    with app.test_request_context():
        from flask import render_template_string

        html = render_template_string("{{ name|soft_hyphens }}", name="<b>Trygghetsvandring</b>")
    assert html == f"&lt;b&gt;Trygghets{SHY}vandring&lt;/b&gt;"
