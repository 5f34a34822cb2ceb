"""Imports every model so Alembic and the app see the whole schema."""

from .areas.models import Area
from .audit.models import AuditEntry
from .auth.models import User
from .citizen.models import PublicReport, Survey, SurveyAnswer, SurveyQuestion, SurveyResponse
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
    "Measure",
    "MeasureEvent",
    "Observation",
    "Photo",
    "Promise",
    "PublicReport",
    "SafetyWalk",
    "Survey",
    "SurveyAnswer",
    "SurveyQuestion",
    "SurveyResponse",
    "User",
    "WalkMeasureCheck",
    "WalkParticipant",
    "WalkRating",
    "WalkSpot",
    "WalkSpotPhoto",
    "WalkStop",
]
