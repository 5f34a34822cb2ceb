"""Configuration: files, environment, and production refusing unsafe settings with a reason."""

from __future__ import annotations

import secrets
from pathlib import Path

import pytest
from flask import Flask

from tests.auth.helpers import build_app
from webapp.config import ConfigError, database_url

STRONG_KEY = secrets.token_urlsafe(48)


@pytest.fixture
def prod_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> pytest.MonkeyPatch:
    """A clean, otherwise valid production environment; each test spoils one thing."""
    for name in ("SECRET_KEY", "FLASK_DEBUG", "TRYGG_ENV"):
        monkeypatch.delenv(name, raising=False)
    import os

    for name in list(os.environ):
        if name.startswith("TRYGG_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("SECRET_KEY", STRONG_KEY)
    monkeypatch.setenv("DATABASE_URL", "sqlite:///" + str(tmp_path / "prod.sqlite"))
    return monkeypatch


def production(monkeypatch: pytest.MonkeyPatch) -> Flask:
    return build_app(monkeypatch, "production")


def refusal(monkeypatch: pytest.MonkeyPatch) -> str:
    with pytest.raises(ConfigError) as caught:
        production(monkeypatch)
    message = str(caught.value)
    assert message.startswith("Refusing to start in production")
    return message


def test_a_proper_production_config_starts(prod_env):
    app = production(prod_env)

    assert app.config["ENV_NAME"] == "production"
    assert app.config["SECRET_KEY"] == STRONG_KEY
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["REMEMBER_COOKIE_SECURE"] is True
    assert app.config["DEBUG"] is False and app.debug is False
    assert app.config["TESTING"] is False


def test_production_refuses_to_start_without_secret_key(prod_env):
    prod_env.delenv("SECRET_KEY")
    assert "SECRET_KEY is not set" in refusal(prod_env)


def test_production_ignores_the_development_secret_key_from_the_config_files(prod_env):
    """config/default.py carries a development key; production must not fall back to it."""
    prod_env.delenv("SECRET_KEY")
    message = refusal(prod_env)
    assert "SECRET_KEY is not set" in message
    assert "dev-only-insecure-key" not in message


@pytest.mark.parametrize(
    "key",
    [
        "short-key",
        "dev-only-insecure-key",
        "test-secret-key-not-for-production-0123456789",
        "changeme",
        "a" * 64,
        "abababababababababababababababababab",
    ],
)
def test_production_refuses_a_weak_or_known_secret_key_and_says_why(prod_env, key):
    prod_env.setenv("SECRET_KEY", key)
    message = refusal(prod_env)
    assert "SECRET_KEY is weak" in message
    assert key not in message  # the message never repeats a secret


@pytest.mark.parametrize("value", ["true", "1", "True"])
def test_production_refuses_debug_mode(prod_env, value):
    prod_env.setenv("TRYGG_DEBUG", value)
    assert "DEBUG is on" in refusal(prod_env)


def test_production_refuses_flask_debug_flag(prod_env):
    """`flask run --debug` sets FLASK_DEBUG and turns on the interactive debugger after
    the app is built, whatever the config says: refuse before that can happen."""
    prod_env.setenv("FLASK_DEBUG", "1")
    assert "FLASK_DEBUG" in refusal(prod_env)


def test_production_refuses_testing_mode(prod_env):
    prod_env.setenv("TRYGG_TESTING", "true")
    assert "TESTING is on" in refusal(prod_env)


@pytest.mark.parametrize("key", ["SESSION_COOKIE_SECURE", "REMEMBER_COOKIE_SECURE"])
def test_production_refuses_cookies_without_secure_flag(prod_env, key):
    prod_env.setenv(f"TRYGG_{key}", "false")
    message = refusal(prod_env)
    assert f"{key} is off" in message
    assert "plain HTTP" in message


@pytest.mark.parametrize("key", ["SESSION_COOKIE_HTTPONLY", "REMEMBER_COOKIE_HTTPONLY"])
def test_production_refuses_cookies_readable_by_scripts(prod_env, key):
    prod_env.setenv(f"TRYGG_{key}", "false")
    assert f"{key} is off" in refusal(prod_env)


@pytest.mark.parametrize("value", ["None", '"None"', '""'])
def test_production_refuses_cookies_without_samesite(prod_env, value):
    prod_env.setenv("TRYGG_SESSION_COOKIE_SAMESITE", value)
    assert "SESSION_COOKIE_SAMESITE must be 'Lax' or 'Strict'" in refusal(prod_env)


def test_production_lists_every_problem_at_once(prod_env):
    prod_env.delenv("SECRET_KEY")
    prod_env.setenv("TRYGG_DEBUG", "true")
    prod_env.setenv("TRYGG_SESSION_COOKIE_SECURE", "false")
    message = refusal(prod_env)
    for part in ("SECRET_KEY is not set", "DEBUG is on", "SESSION_COOKIE_SECURE is off"):
        assert part in message


def test_unknown_environment_name_is_refused(prod_env):
    with pytest.raises(ConfigError, match="TRYGG_ENV must be one of"):
        build_app(prod_env, "staging")


def test_environment_variables_override_the_config_files_as_json(prod_env):
    prod_env.setenv("TRYGG_GPS_ACCURACY_LIMIT_M", "30")
    prod_env.setenv("TRYGG_TILE_ATTRIBUTION", "Lantmäteriet")
    app = production(prod_env)
    assert app.config["GPS_ACCURACY_LIMIT_M"] == 30
    assert app.config["TILE_ATTRIBUTION"] == "Lantmäteriet"


def test_development_and_testing_do_not_need_a_secret_key_from_the_environment(prod_env, tmp_path):
    prod_env.delenv("SECRET_KEY")
    app = build_app(prod_env, "testing")
    assert app.config["SECRET_KEY"]
    assert app.config["TESTING"] is True


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgres://u:p@db/trygg", "postgresql+psycopg://u:p@db/trygg"),
        ("postgresql://u:p@db/trygg", "postgresql+psycopg://u:p@db/trygg"),
        ("postgresql+psycopg://u@db/trygg", "postgresql+psycopg://u@db/trygg"),
        ("sqlite:////srv/trygg.sqlite", "sqlite:////srv/trygg.sqlite"),
    ],
)
def test_database_url_names_the_postgres_driver(monkeypatch, tmp_path, given, expected):
    monkeypatch.setenv("DATABASE_URL", given)
    app = Flask(__name__, instance_path=str(tmp_path / "instance"))
    app.config["SQLALCHEMY_DATABASE_URI"] = None
    assert database_url(app) == expected


def test_without_database_url_the_app_uses_one_sqlite_file_in_the_instance_folder(
    monkeypatch, tmp_path
):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    instance = tmp_path / "instance"
    app = Flask(__name__, instance_path=str(instance))
    app.config["SQLALCHEMY_DATABASE_URI"] = None

    assert database_url(app) == "sqlite:///" + str(instance / "trygg-sunne.sqlite")
    assert instance.is_dir()
