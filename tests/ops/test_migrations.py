"""Migrations build the schema from nothing, on SQLite and PostgreSQL, and match the models.

A model change without a migration fails here: alembic's autogenerate comparison of the
upgraded database against the models must find nothing to do.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from tests.auth.helpers import build_app
from webapp.extensions import db

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


def _model_tables() -> set[str]:
    return set(db.metadata.tables)


def _schema_differences(app: Flask) -> list:  # type: ignore[type-arg]
    migrate_ext = app.extensions["migrate"]
    with db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={
                "compare_type": migrate_ext.configure_args.get("compare_type", True),
                "render_as_batch": True,
            },
        )
        return compare_metadata(context, db.metadata)


def _triggers() -> set[str]:
    if db.engine.dialect.name == "sqlite":
        sql = "SELECT name FROM sqlite_master WHERE type = 'trigger'"
    else:
        sql = "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal"
    return set(db.session.scalars(text(sql)))


def _upgrade_and_check(app: Flask) -> None:
    with app.app_context():
        upgrade()
        tables = set(inspect(db.engine).get_table_names())
        assert tables == _model_tables() | {"alembic_version"}
        assert _schema_differences(app) == []
        # The map's roll-up triggers (webapp/map/cells.py): a later migration that rebuilds the
        # observations table on SQLite (batch mode) would drop them without a word.
        expected = {
            "sqlite": {"map_cells_insert", "map_cells_delete", "map_cells_update"},
            "postgresql": {"map_cells_insert_delete", "map_cells_update"},
        }[db.engine.dialect.name]
        assert _triggers() == expected
        db.session.remove()


@pytest.fixture
def sqlite_app(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Flask]:
    app = build_app(
        monkeypatch,
        "testing",
        {"SQLALCHEMY_DATABASE_URI": "sqlite:///" + str(tmp_path / "migrated.sqlite")},
    )
    yield app
    with app.app_context():
        db.engine.dispose()


def test_migrations_have_a_single_head():
    from alembic.config import Config

    config = Config(str(MIGRATIONS / "alembic.ini"))
    config.set_main_option("script_location", str(MIGRATIONS))
    assert len(ScriptDirectory.from_config(config).get_heads()) == 1


def test_upgrade_builds_the_model_schema_on_an_empty_sqlite_file(sqlite_app):
    _upgrade_and_check(sqlite_app)


def test_upgraded_sqlite_database_takes_the_reference_data(sqlite_app):
    from webapp.ops.reference import seed_reference_data

    with sqlite_app.app_context():
        upgrade()
        added = seed_reference_data()
        assert all(count > 0 for count in added.values()), added


def test_downgrade_to_base_removes_every_table_and_upgrade_works_again(sqlite_app):
    with sqlite_app.app_context():
        upgrade()
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
    _upgrade_and_check(sqlite_app)


def test_running_migrations_leaves_the_app_loggers_working(sqlite_app):
    """alembic's fileConfig() would otherwise disable every logger that existed before it."""
    logger = logging.getLogger("webapp.some.module")
    with sqlite_app.app_context():
        upgrade()
    assert not logger.disabled
    assert not sqlite_app.logger.disabled


def test_a_model_change_without_migration_is_detected(sqlite_app):
    """The comparison the other tests rely on does see a difference when there is one."""
    from sqlalchemy import Column, Integer, Table

    with sqlite_app.app_context():
        upgrade()
        extra = Table("not_migrated_yet", db.metadata, Column("id", Integer, primary_key=True))
        try:
            differences = _schema_differences(sqlite_app)
        finally:
            db.metadata.remove(extra)
    assert [d[0] for d in differences] == ["add_table"]


@pytest.mark.postgres
def test_upgrade_builds_the_model_schema_on_postgresql(monkeypatch, postgres_url):
    """In a throw-away schema, so the suite's own tables in `public` are never touched."""
    plain_url = postgres_url.replace("postgresql+psycopg://", "postgresql://")
    schema = "migr_" + uuid.uuid4().hex[:12]
    with psycopg.connect(plain_url, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    separator = "&" if "?" in plain_url else "?"
    url = f"{plain_url}{separator}options=-csearch_path%3D{schema}"
    try:
        app = build_app(monkeypatch, "testing", {"SQLALCHEMY_DATABASE_URI": url})
        with app.app_context(), db.engine.connect() as connection:
            assert connection.exec_driver_sql("SELECT current_schema()").scalar() == schema
        _upgrade_and_check(app)
        with app.app_context():
            downgrade(revision="base")
            assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
            db.engine.dispose()
    finally:
        with psycopg.connect(plain_url, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')
