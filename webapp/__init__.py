"""Trygg Sunne: field tool for the citizen promises of Sunne kommun and lokalpolisområde Torsby."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask

ROOT = Path(__file__).resolve().parent.parent


def create_app(env_name: str | None = None, overrides: dict[str, Any] | None = None) -> Flask:
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        instance_path=str(ROOT / "instance"),
    )
    from .config import load_config

    load_config(app, env_name, overrides)
    register_extensions(app)
    register_blueprints(app)
    register_error_handlers(app)
    register_commands(app)
    return app


def register_extensions(app: Flask) -> None:
    from . import models  # noqa: F401  (every table known to SQLAlchemy and Alembic)
    from .assets import init_assets
    from .auth.session import init_login
    from .core.inputs import init_inputs
    from .extensions import csrf, db, limiter, migrate
    from .i18n import init_i18n
    from .security import init_security
    from .storage import init_storage

    db.init_app(app)
    # Before the blueprints: their `<int:…>` rules take the bounded converter installed here.
    init_inputs(app)
    init_storage(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    csrf.init_app(app)
    limiter.init_app(app)
    init_login(app)
    init_i18n(app)
    init_security(app)
    init_assets(app)


def register_blueprints(app: Flask) -> None:
    from .activities.api import register as register_activity_api
    from .activities.views import bp as activities_bp
    from .admin.confirm_views import bp as accounts_bp
    from .admin.views import bp as admin_bp
    from .api import create_api_blueprint
    from .auth.account_views import bp as account_bp
    from .auth.views import bp as auth_bp
    from .citizen.api import register as register_citizen_api
    from .citizen.moderation_views import bp as citizen_moderation_bp
    from .citizen.public_views import bp as citizen_bp
    from .citizen.survey_admin_views import bp as citizen_surveys_bp
    from .citizen.survey_views import bp as citizen_survey_bp
    from .core.views import bp as core_bp
    from .field.views import bp as field_bp
    from .measures.views import bp as measures_bp
    from .observations.api import register as register_observation_api
    from .patrols.api import register as register_patrol_api
    from .patrols.views import bp as patrols_bp
    from .promises.views import bp as promises_bp
    from .reports.views import bp as reports_bp
    from .review.api import register as register_review_api
    from .review.views import bp as review_bp
    from .walks.api import register as register_walk_api
    from .walks.participant_views import bp as walk_participant_bp
    from .walks.views import bp as walks_bp

    api_bp = create_api_blueprint()
    register_observation_api(api_bp)
    register_review_api(api_bp)
    register_activity_api(api_bp)
    register_patrol_api(api_bp)
    register_walk_api(api_bp)
    register_citizen_api(api_bp)
    app.register_blueprint(core_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(field_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(account_bp)
    app.register_blueprint(accounts_bp)
    app.register_blueprint(review_bp)
    app.register_blueprint(measures_bp)
    app.register_blueprint(promises_bp)
    app.register_blueprint(activities_bp)
    app.register_blueprint(patrols_bp)
    app.register_blueprint(walks_bp)
    app.register_blueprint(walk_participant_bp)
    app.register_blueprint(reports_bp)
    app.register_blueprint(citizen_bp)
    app.register_blueprint(citizen_survey_bp)
    app.register_blueprint(citizen_moderation_bp)
    app.register_blueprint(citizen_surveys_bp)
    app.register_blueprint(api_bp)


def register_error_handlers(app: Flask) -> None:
    from .errors import register_error_handlers as register

    register(app)


def register_commands(app: Flask) -> None:
    from .auth.cli import register_auth_commands
    from .backup.cli import register_backup_commands
    from .demo.cli import register_demo_commands
    from .patrols.cli import register_patrol_commands
    from .retention.cli import register_retention_commands

    register_auth_commands(app)
    register_demo_commands(app)
    register_patrol_commands(app)
    register_retention_commands(app)
    register_backup_commands(app)
