"""Applying the retention settings: find, remove, record in the audit trail, delete the files."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import current_app

from webapp.core.audit.service import record as audit
from webapp.core.blobs import store
from webapp.extensions import db
from webapp.ops.retention.rules import RULE_KEYS, RULES

# How many ids of each kind the audit entry lists (the count is always exact).
AUDIT_ID_LIMIT = 1000


class RetentionConfigError(ValueError):
    """RETENTION names an unknown record type or a number of days that is not positive."""


@dataclass
class Outcome:
    key: str
    action: str
    what: str
    days: int
    cutoff: datetime
    ids: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.ids)


def policy() -> dict[str, int]:
    """The configured days per record type; types set to None (or left out) are kept."""
    setting: dict[str, Any] = current_app.config.get("RETENTION") or {}
    unknown = set(setting) - RULE_KEYS
    if unknown:
        raise RetentionConfigError(
            f"RETENTION has unknown record types: {', '.join(sorted(unknown))} "
            f"(known: {', '.join(sorted(RULE_KEYS))})"
        )
    days: dict[str, int] = {}
    for key, value in setting.items():
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            raise RetentionConfigError(f"RETENTION[{key!r}] must be a positive number of days")
        days[key] = value
    return days


def apply_retention(
    *, dry_run: bool, now: datetime | None = None, commit: bool = True
) -> list[Outcome]:
    """Blank or delete what is older than the policy allows; with dry_run, only report it.

    One transaction with one audit entry ("retention.apply") listing counts and ids, never
    content. A dry run does the same work and rolls it back, so its figures are exact. Photos
    in the database backend are deleted in that transaction; photo files (folder backend) after
    the commit: a failed run leaves every photo in place.

    commit=False (the daily job, webapp/ops/jobs.py): the caller commits, together with its own
    "done" mark, and then calls delete_files(outcomes).
    """
    now = now or datetime.now(UTC)
    days = policy()
    blobs = store()
    outcomes = []
    try:
        for rule in RULES:
            if rule.key not in days:
                continue
            cutoff = now - timedelta(days=days[rule.key])
            ids, files = rule.run(cutoff)
            outcomes.append(
                Outcome(rule.key, rule.action, rule.what, days[rule.key], cutoff, ids, files)
            )
        if blobs.transactional:
            for outcome in outcomes:
                for name in outcome.files:
                    blobs.delete(name)
        if dry_run:
            db.session.rollback()
            return outcomes
        audit(
            "retention.apply",
            target_type="retention",
            actor_label="retention",
            removed={
                o.key: {
                    "action": o.action,
                    "days": o.days,
                    "before": o.cutoff.isoformat(),
                    "count": o.count,
                    "ids": o.ids[:AUDIT_ID_LIMIT],
                    "files": len(o.files),
                }
                for o in outcomes
            },
        )
        if not commit:
            db.session.flush()
            return outcomes
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    delete_files(outcomes)
    return outcomes


def delete_files(outcomes: list[Outcome]) -> None:
    """Photo files (folder backend) of removed records; only after their rows' removal is
    committed. The database backend deleted them in that transaction."""
    blobs = store()
    if blobs.transactional:
        return
    for outcome in outcomes:
        for name in outcome.files:
            blobs.delete(name)
