"""Imports every model so Alembic and the app see the whole schema."""

from .areas.models import Area
from .audit.models import AuditEntry
from .auth.models import LoginSession, LoginThrottle, OneTimeCode, User
from .citizen.models import (
    DailyCount,
    PublicReport,
    Survey,
    SurveyAnswer,
    SurveyQuestion,
    SurveyResponse,
    UsedFormToken,
)
from .measures.models import Measure, MeasureEvent
from .observations.models import Category, Observation, Photo
from .promises.models import Activity, ActivityType, Promise
from .walks.models import (
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
