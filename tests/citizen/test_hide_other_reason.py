"""Hiding a resident report for "Annat skäl" asks which reason, in a few words.

The words are required with "Another reason", refused with a Swedish message at the field while
everything typed stays, kept with the decision, shown where the decision is shown (the report's
page, the resident's follow-up page, the audit entry) and gone when the report is published later.
"""

from __future__ import annotations

import html
from datetime import UTC, datetime, timedelta

from tests.citizen.helpers import make_report
from tests.conftest import form_csrf_token
from webapp.auth.models import User
from webapp.citizen.models import PublicReport
from webapp.citizen.moderation import service as moderation
from webapp.core.audit.models import AuditEntry
from webapp.extensions import db
from webapp.ops.retention.rules import blank_citizen_text

WORDS = "Gäller en privat tomt, inte en allmän plats"
REQUIRED = "Skriv skälet med några ord när du väljer ”Annat skäl”."


def _hide(client, report_id: str, **data):  # type: ignore[no-untyped-def]
    page = client.get(f"/citizen/reports/{report_id}").get_data(as_text=True)
    return client.post(
        f"/citizen/reports/{report_id}/hide",
        data={"csrf_token": form_csrf_token(page), **data},
    )


def _stored(app, report_id: str) -> tuple[str, str | None, str]:  # type: ignore[no-untyped-def]
    with app.app_context():
        report = db.session.get(PublicReport, report_id)
        return report.status, report.hidden_reason, report.hidden_note


def _hide_entries(app) -> list[dict]:  # type: ignore[no-untyped-def]
    with app.app_context():
        rows = db.session.scalars(db.select(AuditEntry).filter_by(action="citizen_report.hide"))
        return [row.detail for row in rows]


def test_the_form_asks_which_reason_and_reminds_not_to_name_anyone(app, as_user, coordinator):
    report_id = make_report(app)
    page = as_user(coordinator).get(f"/citizen/reports/{report_id}").get_data(as_text=True)
    assert '<label for="hide-note">Annat skäl: vilket?</label>' in page
    assert "skriv aldrig namn på personer" in page
    assert 'aria-describedby="hide-note-hint"' in page


def test_another_reason_without_words_is_refused_at_the_field_and_keeps_the_choice(
    app, as_user, coordinator
):
    report_id = make_report(app)
    response = _hide(as_user(coordinator), report_id, reason="other", note="   ")
    assert response.status_code == 422
    page = html.unescape(response.get_data(as_text=True))
    assert f'<p class="error" id="hide-note-error">{REQUIRED}</p>' in page
    assert 'aria-invalid="true"' in page
    assert '<option value="other" selected>' in page
    assert _stored(app, report_id) == ("pending", None, "")
    assert _hide_entries(app) == []


def test_words_that_are_refused_are_given_back_as_typed(app, as_user, coordinator):
    report_id = make_report(app)
    too_long = "Gäller en privat tomt. " * 10  # over 200 characters
    response = _hide(as_user(coordinator), report_id, reason="other", note=too_long)
    assert response.status_code == 422
    page = html.unescape(response.get_data(as_text=True))
    assert "Högst 200 tecken." in page
    assert f">{too_long}</textarea>" in page
    assert _stored(app, report_id)[0] == "pending"


def test_no_reason_at_all_keeps_the_words_typed(app, as_user, coordinator):
    report_id = make_report(app)
    response = _hide(as_user(coordinator), report_id, reason="", note=WORDS)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="hide-reason-error">Välj varför synpunkten döljs.</p>' in page
    assert f">{WORDS}</textarea>" in page


def test_the_words_are_kept_with_the_decision_and_shown_where_it_is_shown(
    app, as_user, coordinator, client
):
    report_id = make_report(app)
    moderator = as_user(coordinator)
    response = _hide(moderator, report_id, reason="other", note=f"  {WORDS} ")
    assert response.status_code == 302
    assert _stored(app, report_id) == ("hidden", "other", WORDS)
    assert _hide_entries(app) == [
        {"from_status": "pending", "reason": "other", "reason_note": WORDS}
    ]
    # The report's page, the audit log and the resident's follow-up page.
    page = moderator.get(f"/citizen/reports/{report_id}").get_data(as_text=True)
    assert f'<dd id="hidden-because">Annat skäl – {WORDS}</dd>' in page
    trail = moderator.get("/admin/audit").get_data(as_text=True)
    assert f"skälet i ord: {WORDS}" in trail
    follow = client.get(f"/report/{report_id}").get_data(as_text=True)
    assert WORDS in follow


def test_words_typed_for_a_reason_from_the_list_are_not_kept(app, as_user, coordinator):
    """The field belongs to "Another reason" (its label says so; with a script it shows only
    then): a reason from the list speaks for itself."""
    report_id = make_report(app)
    response = _hide(as_user(coordinator), report_id, reason="offensive", note=WORDS)
    assert response.status_code == 302
    assert _stored(app, report_id) == ("hidden", "offensive", "")
    assert _hide_entries(app) == [{"from_status": "pending", "reason": "offensive"}]


def test_publishing_a_hidden_report_later_drops_the_words(app, as_user, coordinator):
    report_id = make_report(app)
    moderator = as_user(coordinator)
    _hide(moderator, report_id, reason="other", note=WORDS)
    page = moderator.get(f"/citizen/reports/{report_id}").get_data(as_text=True)
    moderator.post(
        f"/citizen/reports/{report_id}/publish",
        data={"csrf_token": form_csrf_token(page), "public_text": "Text"},
    )
    assert _stored(app, report_id) == ("published", None, "")


def test_the_words_go_with_the_reports_texts_when_retention_blanks_them(app, coordinator):
    """Free text about a resident's report: blanked with the report's own texts; the reason's
    code stays for the statistics."""
    report_id = make_report(app, received_at=datetime.now(UTC) - timedelta(days=400))
    with app.app_context():
        report = db.session.get(PublicReport, report_id)
        moderation.hide(report, "other", db.session.get(User, coordinator.id), WORDS)
        blank_citizen_text(datetime.now(UTC) - timedelta(days=365))
        db.session.commit()
    assert _stored(app, report_id) == ("hidden", "other", "")
