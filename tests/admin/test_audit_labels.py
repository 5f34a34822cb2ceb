"""Every action the app writes to the audit trail has a label in the log's words.

A code without one is shown as the code (never hidden), but an administrator should not have to
read "activity.create": a new audit call without a label fails here, not in the log.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from webapp.admin.audit_labels import ACTIONS

# The functions that write an audit entry with an action code as their first argument.
AUDIT_CALLS = {"audit", "record", "record_police_reads", "readable_list", "audit_list"}
CODE = re.compile(r"[a-z_]+\.[a-z_]+")


def audited_actions() -> dict[str, str]:
    """Action code -> the first file that writes it."""
    found: dict[str, str] = {}
    for path in sorted(Path("webapp").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and node.args):
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            first = node.args[0]
            if (
                name in AUDIT_CALLS
                and isinstance(first, ast.Constant)
                and isinstance(first.value, str)
                and CODE.fullmatch(first.value)
            ):
                found.setdefault(first.value, str(path))
    return found


def test_every_audited_action_has_a_label():
    found = audited_actions()
    assert len(found) > 50  # the scan finds the app's audit calls
    assert {code: path for code, path in found.items() if code not in ACTIONS} == {}


def test_the_log_shows_each_entrys_details_in_words(app, coordinator, as_user):
    from webapp.core.audit.models import AuditEntry
    from webapp.extensions import db

    with app.app_context():
        db.session.add(
            AuditEntry(
                action="export.download",
                actor_id=coordinator.id,
                actor_label="samordnare-test",
                target_type="report",
                detail={"kind": "activities", "from": "2026-07-01", "to": "2026-09-30",
                        "format": "csv", "rows": 11, "police_records": 0, "edited": True},
            )
        )  # fmt: skip
        db.session.commit()
    client = as_user(coordinator)
    page = client.get("/admin/audit?event=export.download").get_data(as_text=True)
    assert (
        "slag: aktiviteter · från: 2026-07-01 · till: 2026-09-30 · format: csv · rader: 11"
        " · polisens uppgifter: 0 · texten redigerad: ja"
    ) in page


def test_long_details_are_cut():
    from webapp.admin.audit_labels import DETAIL_MAX, detail_text

    text = detail_text({"filters": {"q": "x" * 500}})
    assert len(text) == DETAIL_MAX and text.endswith("…")
    assert detail_text(None) == detail_text({}) == ""


def test_moments_in_details_read_as_swedish_dates_not_iso():
    from webapp.admin.audit_labels import detail_text

    text = detail_text(
        {"filters": {"since": "2026-01-01T00:00:00", "until": "2026-12-08T07:30:00"}}
    )
    assert text == "filters: from=2026-01-01 00:00, until=2026-12-08 07:30"
