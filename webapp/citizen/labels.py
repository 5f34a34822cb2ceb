"""Translated labels for the codes of citizen voice."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

FEELING = {"unsafe": _l("Feels unsafe"), "safe": _l("Feels safe")}
TIME_OF_DAY = {
    "morning": _l("Morning"),
    "day": _l("Daytime"),
    "evening": _l("Evening"),
    "night": _l("Night"),
}
REPORT_STATUS = {
    "pending": _l("waiting for moderation"),
    "published": _l("published"),
    "hidden": _l("hidden"),
    "merged": _l("merged"),
    "converted": _l("turned into a review item"),
}
QUESTION_KIND = {
    "scale": _l("Scale 1–5"),
    "single": _l("One choice"),
    "multiple": _l("Several choices"),
    "map_point": _l("Mark places on the map"),
}
SURVEY_STATE = {
    "draft": _l("draft"),
    "scheduled": _l("scheduled"),
    "open": _l("open"),
    "closed": _l("closed"),
}
