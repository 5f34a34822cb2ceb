"""Watch every transaction a request commits: a change to any record without an audit entry in
the same transaction fails the test that made it (DESIGN §7, STYLE 9).

Active for every test (tests/conftest.py imports the fixture).

Residents' anonymous reports and survey answers are the one deliberate exception
(ANONYMOUS_INSERTS).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import has_request_context, request
from sqlalchemy import Insert, Select, event, literal, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import ORMExecuteState, Session
from sqlalchemy.sql import visitors
from sqlalchemy.sql.selectable import CTE

from webapp.core.audit.models import AuditEntry
from webapp.extensions import db

# Rows residents add without an account, unaudited by design: an audit entry keeps the caller's
# address, which a citizen report or a survey answer must never carry (webapp/citizen). Only
# their insertion is exempt; moderating or changing them is audited like any write.
ANONYMOUS_INSERTS = frozenset({"citizen_reports", "survey_responses", "survey_answers"})
# The bookkeeping that keeps residents' input honest (used form tokens, daily counts per hashed
# address, webapp/citizen/integrity.py) is written, counted up and purged with those inserts,
# unaudited for the same reason.
ANONYMOUS_BOOKKEEPING = frozenset({"citizen_used_form_tokens", "citizen_daily_counts"})
# Bookkeeping, not records: a login session's last-seen time, and the counters of failed logins,
# which must keep counting after the per-address bound on audit entries is reached (a login
# flood must not grow the trail). Starting and ending sessions is audited (user.login,
# user.logout, user.logout_all, user.disable, user.password_*), tested in tests/security.
# background_jobs: the queue's own rows (webapp/core/jobs.py); what a job changes is audited by
# its handler.
BOOKKEEPING_TABLES = frozenset({"login_sessions", "login_throttles", "background_jobs"})


class AuditWatch:
    """Per database session: which tables a transaction changed and whether it was audited."""

    def __init__(self) -> None:
        self.pending: dict[int, dict[str, Any]] = {}
        self.unaudited: list[str] = []

    def _state(self, session: Session) -> dict[str, Any]:
        return self.pending.setdefault(id(session), {"tables": set(), "audited": False})

    def after_flush(self, session: Session, _context: Any) -> None:
        if not has_request_context():
            return
        state = self._state(session)
        for obj in session.new:
            if obj.__tablename__ not in ANONYMOUS_INSERTS | ANONYMOUS_BOOKKEEPING:
                self._note(state, obj)
        for obj in session.deleted:
            self._note(state, obj)
        for obj in session.dirty:
            if session.is_modified(obj, include_collections=False):
                self._note(state, obj)

    def _note(self, state: dict[str, Any], obj: Any) -> None:
        if isinstance(obj, AuditEntry):
            state["audited"] = True
        elif obj.__tablename__ not in BOOKKEEPING_TABLES:
            state["tables"].add(obj.__tablename__)

    def orm_execute(self, execute_state: ORMExecuteState) -> None:
        if has_request_context() and (execute_state.is_update or execute_state.is_delete):
            table = getattr(execute_state.statement, "table", None)
            if getattr(table, "name", None) in ANONYMOUS_BOOKKEEPING | BOOKKEEPING_TABLES:
                return
            self._state(execute_state.session)["tables"].add(str(execute_state.statement))

    def core_insert(  # the exact signature: SQLAlchemy tells old from new listeners by it
        self, conn: Any, clauseelement: Any, multiparams: Any, params: Any, execution_options: Any
    ) -> None:
        """Core INSERTs (the observation submit writes its row and its audit entry with Core,
        webapp.observations.service): attributed to the request's session, whose connection
        runs them in its transaction. An INSERT ... ON CONFLICT DO NOTHING that meets a taken
        key (a replay) changes nothing: on SQLite, where writers take turns, the key is looked
        up first; on PostgreSQL, where a racing request may take it meanwhile, the row count of
        the statement tells (core_inserted)."""
        name = self._watched_insert(clauseelement)
        if name is None:
            return
        if clauseelement._post_values_clause is not None:
            if conn.dialect.name == "postgresql":
                return
            if _key_taken(conn, clauseelement, multiparams, params):
                return
        self._note_insert(name)

    def core_inserted(  # noqa: PLR0913 - SQLAlchemy's after_execute signature
        self,
        conn: Any,
        clauseelement: Any,
        multiparams: Any,
        params: Any,
        execution_options: Any,
        result: Any,
    ) -> None:
        if isinstance(clauseelement, Select):
            # One statement that inserts through data-modifying CTEs (PostgreSQL only,
            # webapp/observations/pg_store.py): each CTE's table, when the statement answered
            # a row (it answers none when its first INSERT met a taken key).
            if clauseelement._independent_ctes and result.rowcount > 0:
                for name in _inserting_ctes(clauseelement):
                    self._note_insert(name)
            return
        name = self._watched_insert(clauseelement)
        conditional = name is not None and clauseelement._post_values_clause is not None
        if conditional and conn.dialect.name == "postgresql" and result.rowcount > 0:
            self._note_insert(name)

    @staticmethod
    def _watched_insert(clause: Any) -> str | None:
        if not has_request_context() or not isinstance(clause, Insert):
            return None
        name = clause.table.name
        if name in ANONYMOUS_INSERTS | ANONYMOUS_BOOKKEEPING | BOOKKEEPING_TABLES:
            return None
        return name

    def _note_insert(self, name: str) -> None:
        state = self._state(db.session())
        if name == AuditEntry.__tablename__:
            state["audited"] = True
        else:
            state["tables"].add(name)

    def after_commit(self, session: Session) -> None:
        state = self.pending.pop(id(session), None)
        if state and state["tables"] and not state["audited"]:
            where = f"{request.method} {request.path}" if has_request_context() else "?"
            self.unaudited.append(
                f"{where} changed {sorted(state['tables'])} without an audit entry"
            )

    def after_rollback(self, session: Session) -> None:
        self.pending.pop(id(session), None)


def _inserting_ctes(statement: Select) -> set[str]:
    """The watched tables the statement's data-modifying CTEs insert into."""
    found = set()
    for element in visitors.iterate(statement):
        if isinstance(element, CTE) and isinstance(element.element, Insert):
            name = AuditWatch._watched_insert(element.element)
            if name is not None:
                found.add(name)
    return found


def _key_taken(conn: Any, clause: Any, multiparams: Any, params: Any) -> bool:
    """Whether the row an INSERT ... ON CONFLICT DO NOTHING would add exists already."""
    values = multiparams[0] if multiparams else params
    if isinstance(values, list | tuple):
        values = values[0]
    key = [column == values[column.name] for column in clause.table.primary_key.columns]
    lookup = select(literal(1)).select_from(clause.table).where(*key)
    found = conn.execute(lookup.execution_options(audit_watch=True)).first()
    return found is not None


@pytest.fixture(autouse=True)
def audit_watch() -> Iterator[AuditWatch]:
    watch = AuditWatch()
    hooks = [
        ("after_flush", watch.after_flush),
        ("do_orm_execute", watch.orm_execute),
        ("after_commit", watch.after_commit),
        ("after_rollback", watch.after_rollback),
    ]
    for name, hook in hooks:
        event.listen(Session, name, hook)
    event.listen(Engine, "before_execute", watch.core_insert)
    event.listen(Engine, "after_execute", watch.core_inserted)
    try:
        yield watch
    finally:
        for name, hook in hooks:
            event.remove(Session, name, hook)
        event.remove(Engine, "before_execute", watch.core_insert)
        event.remove(Engine, "after_execute", watch.core_inserted)
    assert watch.unaudited == [], "\n".join(watch.unaudited)
