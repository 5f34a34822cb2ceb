"""Translated labels for the codes of safety walks."""

from __future__ import annotations

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

FACTOR = {
    "lighting": _l("Lighting"),
    "overview": _l("Overview and visibility"),
    "people": _l("People around"),
    "upkeep": _l("Upkeep"),
    "walkway": _l("Walkway"),
    "feeling": _l("Feeling of safety"),
}
FACTOR_HINT = {
    "lighting": _l("Is it light enough to see faces and the path ahead?"),
    "overview": _l("Can you see far, and be seen? Are there hiding places?"),
    "people": _l("Are there people, windows or traffic nearby?"),
    "upkeep": _l("Is the place clean and cared for, free from graffiti and litter?"),
    "walkway": _l("Is the path even, wide enough and easy to follow?"),
    "feeling": _l("How safe does it feel here, all in all?"),
}
SCALE = {
    0: _l("0 – bad"),
    1: _l("1 – poor"),
    2: _l("2 – fairly good"),
    3: _l("3 – good"),
}
GROUP = {
    "residents": _l("Residents"),
    "business": _l("Business owners"),
    "youth": _l("Young people"),
    "politicians": _l("Politicians"),
    "police": _l("Police"),
    "municipality": _l("Municipality"),
}
GENDER = {
    "woman": _l("Woman"),
    "man": _l("Man"),
    "other": _l("Other gender"),
    "unstated": _l("Prefer not to say"),
}
AGE_BAND = {
    "under_18": _l("Under 18"),
    "18_29": _l("18–29"),
    "30_49": _l("30–49"),
    "50_64": _l("50–64"),
    "65_plus": _l("65 or older"),
}
DIMENSION = {"group": _l("Group"), "gender": _l("Gender"), "age_band": _l("Age")}
DIMENSION_LABELS = {"group": GROUP, "gender": GENDER, "age_band": AGE_BAND}
WALK_STATUS = {"planned": _l("planned"), "held": _l("held"), "closed": _l("closed")}
SPOT_STATUS = {
    "new": _l("to decide"),
    "measure": _l("measure decided"),
    "duplicate": _l("merged"),
    "dismissed": _l("no measure"),
}
CHECK_ANSWER = {
    "resolved": _l("Solved"),
    "partly": _l("Partly solved"),
    "still_a_problem": _l("Still a problem"),
}


def follow_up_name(original_name: str) -> str:
    """The name a follow-up walk starts with, in the planner's language (it can be changed)."""
    return _("Follow-up: %(name)s", name=original_name)[:200]


def follow_up_name_prefixes() -> tuple[str, ...]:
    """How follow_up_name begins in each of the app's languages, casefolded.

    A list that marks follow-up walks leaves the mark off where the name already says so, or it
    reads "Uppföljning: … uppföljning". Every language counts: the name was made in the language
    of whoever planned the walk, not of whoever reads the list.
    """
    prefixes = set()
    for language in current_app.config["LANGUAGES"]:
        with force_locale(language):
            prefixes.add(follow_up_name("").strip().casefold())
    return tuple(prefixes)
