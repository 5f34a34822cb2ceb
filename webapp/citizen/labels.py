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
# Why a coordinator hides a report: the coordinator's words, then what the resident reads.
HIDE_REASON = {
    "identifies": _l("It points out or could identify a person"),
    "offensive": _l("Offensive or threatening content"),
    "not_ours": _l("Not a matter for the municipality or the police"),
    "duplicate": _l("The same as another report"),
    "other": _l("Another reason"),
}
HIDE_REASON_FOR_RESIDENT = {
    "identifies": _l(
        "It describes or could identify a person. Report the place again, without anything "
        "about who was there."
    ),
    "offensive": _l("It contains something offensive or threatening."),
    "not_ours": _l("It is not a matter for the municipality or the police."),
    "duplicate": _l("Someone has already reported the same thing."),
    "other": _l("The coordinator decided not to show it."),
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
