"""The migration that adds `activities.promises_chosen` keeps hand-ticked promises hand-ticked.

Before it, the links were all there was: an activity whose links equal the default (every
promise serving its type and covering its day) was left un-ticked, any other was ticked by hand.
"""

from __future__ import annotations

from pathlib import Path

from alembic.config import Config
from alembic.script import ScriptDirectory
from flask_migrate import upgrade
from sqlalchemy import text

from tests.auth.helpers import build_app
from webapp.extensions import db
from webapp.ops import reference
from webapp.ops.reference import seed_reference_data

AFTER = "5e1f0c2a7b3d"
MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


def _revision_before(revision: str) -> str:
    # Read, not written down: parallel migrations may be put in a line before this one.
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    before = ScriptDirectory.from_config(config).get_revision(revision).down_revision
    assert isinstance(before, str)
    return before


def _activity(conn, activity_id: str, type_id: int, started_at: str) -> None:  # type: ignore[no-untyped-def]
    conn.execute(
        text(
            "INSERT INTO activities (id, activity_type_id, started_at, visibility, author_id,"
            " note, details, place, content_hash, manual_position, auto_closed, created_at)"
            " VALUES (:id, :type, :at, 'police', 1, '', '{}', '', '', 0, 0, :at)"
        ),
        {"id": activity_id, "type": type_id, "at": started_at},
    )


def test_upgrade_marks_only_activities_whose_links_differ_from_the_default(
    monkeypatch, tmp_path: Path
):
    app = build_app(
        monkeypatch, "testing", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/old.sqlite"}
    )
    with app.app_context():
        upgrade(revision=_revision_before(AFTER))
        # Today's models on an old schema: the areas have gained columns since, and this test
        # needs none, so only the promises, types and categories are seeded.
        monkeypatch.setattr(reference, "area_defaults", lambda: [])
        seed_reference_data()  # the 2016-2017 promises; fotpatrull serves the centrum one
        with db.engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO users (id, username, display_name, role, organisation,"
                    " password_hash, active, session_token, created_at) VALUES (1, 'polis',"
                    " '', 'officer', 'police', 'x', 1, 't', '2016-01-01 00:00:00.000000')"
                )
            )
            patrol, promise = conn.execute(
                text(
                    "SELECT t.id, l.promise_id FROM activity_types t JOIN promise_activity_types l"
                    " ON l.activity_type_id = t.id WHERE t.code = 'fotpatrull'"
                )
            ).one()
            _activity(conn, "default", patrol, "2016-05-01 10:00:00.000000")
            _activity(conn, "ticked-none", patrol, "2016-05-02 10:00:00.000000")
            _activity(conn, "after", patrol, "2026-05-02 10:00:00.000000")
            conn.execute(
                text("INSERT INTO activity_promises VALUES ('default', :p)"), {"p": promise}
            )
        upgrade(revision=AFTER)
        with db.engine.connect() as conn:
            chosen = dict(conn.execute(text("SELECT id, promises_chosen FROM activities")).all())
        db.engine.dispose()
    # Linked as the default / not linked though a promise covered it / nothing covers it.
    assert chosen == {"default": 0, "ticked-none": 1, "after": 0}
