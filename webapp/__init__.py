"""Trygg Sunne: field tool for the citizen promises of Sunne kommun and lokalpolisområde Torsby."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask

ROOT = Path(__file__).resolve().parent.parent


def create_app(env_name: str | None = None, overrides: dict[str, Any] | None = None) -> Flask:
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        # One folder per node (TRYGG_INSTANCE_PATH): nothing in it is shared between nodes.
        instance_path=os.environ.get("TRYGG_INSTANCE_PATH") or str(ROOT / "instance"),
    )
    from webapp.config import load_config

    load_config(app, env_name, overrides)
    register_extensions(app)
    register_blueprints(app)
    register_error_handlers(app)
    register_commands(app)
    return app


def register_extensions(app: Flask) -> None:
    from webapp import models  # noqa: F401  (every table known to SQLAlchemy and Alembic)
    from webapp.auth.session import init_login
    from webapp.core.assets import init_assets
    from webapp.core.i18n import init_i18n
    from webapp.core.inputs import init_inputs
    from webapp.core.jobs import init_queue
    from webapp.core.security import init_security
    from webapp.core.storage import init_storage
    from webapp.extensions import csrf, db, limiter, migrate

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
    init_queue(app)


def register_blueprints(app: Flask) -> None:
    from webapp.activities.api import register as register_activity_api
    from webapp.activities.patrols.api import register as register_patrol_api
    from webapp.activities.patrols.views import bp as patrols_bp
    from webapp.activities.views import bp as activities_bp
    from webapp.admin.confirm_views import bp as accounts_bp
    from webapp.admin.views import bp as admin_bp
    from webapp.api import create_api_blueprint
    from webapp.auth.account_views import bp as account_bp
    from webapp.auth.views import bp as auth_bp
    from webapp.citizen.api import register as register_citizen_api
    from webapp.citizen.moderation.views import bp as citizen_moderation_bp
    from webapp.citizen.public.views import bp as citizen_bp
    from webapp.citizen.surveys.admin_views import bp as citizen_surveys_bp
    from webapp.citizen.surveys.views import bp as citizen_survey_bp
    from webapp.core.views import bp as core_bp
    from webapp.interop.open311.admin_views import bp as open311_admin_bp
    from webapp.interop.open311.views import bp as open311_bp
    from webapp.interop.webhooks.admin_views import bp as webhooks_bp
    from webapp.map.api import register as register_review_api
    from webapp.map.views import bp as review_bp
    from webapp.measures.views import bp as measures_bp
    from webapp.observations.api import register as register_observation_api
    from webapp.promises.views import bp as promises_bp
    from webapp.pwa.views import bp as field_bp
    from webapp.reports.views import bp as reports_bp
    from webapp.walks.api import register as register_walk_api
    from webapp.walks.participant_views import bp as walk_participant_bp
    from webapp.walks.views import bp as walks_bp

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
    app.register_blueprint(open311_bp)
    app.register_blueprint(open311_admin_bp)
    app.register_blueprint(webhooks_bp)


def register_error_handlers(app: Flask) -> None:
    from webapp.core.errors import register_error_handlers as register

    register(app)


def register_commands(app: Flask) -> None:
    from webapp.activities.patrols.cli import register_patrol_commands
    from webapp.auth.cli import register_auth_commands
    from webapp.interop import register_interop_commands
    from webapp.ops.backup.cli import register_backup_commands
    from webapp.ops.demo.cli import register_demo_commands
    from webapp.ops.jobs import register_jobs, register_worker_command
    from webapp.ops.photos import register_photo_commands
    from webapp.ops.retention.cli import register_retention_commands

    register_auth_commands(app)
    register_demo_commands(app)
    register_patrol_commands(app)
    register_retention_commands(app)
    register_backup_commands(app)
    register_interop_commands(app)
    register_photo_commands(app)
    register_jobs(app)
    register_worker_command(app)
