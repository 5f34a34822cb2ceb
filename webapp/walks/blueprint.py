"""The blueprint of the walk pages (views.py: plan and run; protocol_views.py: after the walk).

Its own module so both page modules import it without importing each other.
"""

from __future__ import annotations

from flask import Blueprint

from webapp.core.access import FIELD_ROLES
from webapp.walks import SETTINGS, apply_defaults
from webapp.walks import labels as walk_labels

bp = Blueprint("walks", __name__, url_prefix="/walks")
bp.record_once(lambda state: apply_defaults(state.app.config))
bp.context_processor(lambda: {"walk_labels": walk_labels})
# Who reads the walks they may see; planning is for the coordinator.
READ_ROLES = tuple(FIELD_ROLES)
assert SETTINGS  # the defaults are documented in webapp/walks/__init__.py
