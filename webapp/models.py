"""Imports every model so Alembic and the app see the whole schema."""

from webapp.activities.models import Activity, ActivityType
from webapp.auth.models import LoginSession, LoginThrottle, OneTimeCode, User
from webapp.citizen.models import (
    DailyCount,
    PublicReport,
    Survey,
    SurveyAnswer,
    SurveyQuestion,
    SurveyResponse,
    UsedFormToken,
)
from webapp.core.audit.models import AuditEntry
from webapp.geo.areas import Area
from webapp.measures.models import Measure, MeasureEvent
from webapp.observations.models import Category, Observation, Photo
from webapp.promises.models import Promise
from webapp.walks.models import (
    SafetyWalk,
    WalkMeasureCheck,
    WalkParticipant,
    WalkRating,
    WalkSpot,
    WalkSpotPhoto,
    WalkStop,
)

__all__ = [
    "Activity",
    "ActivityType",
    "Area",
    "AuditEntry",
    "Category",
    "DailyCount",
    "LoginSession",
    "LoginThrottle",
    "Measure",
    "MeasureEvent",
    "Observation",
    "OneTimeCode",
    "Photo",
    "Promise",
    "PublicReport",
    "SafetyWalk",
    "Survey",
    "SurveyAnswer",
    "SurveyQuestion",
    "SurveyResponse",
    "UsedFormToken",
    "User",
    "WalkMeasureCheck",
    "WalkParticipant",
    "WalkRating",
    "WalkSpot",
    "WalkSpotPhoto",
    "WalkStop",
]
