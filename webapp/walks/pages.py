"""Helpers the walk's staff pages share (views.py and protocol_views.py): the confirmation page
of an action that cannot be undone, and addresses residents reach. A module of its own, so the
two view modules need not import each other."""

from __future__ import annotations

from typing import Any

from flask import current_app, render_template, url_for
from flask_babel import gettext as _

from webapp.core.localtime import local_today
from webapp.walks.labels import FACTOR
from webapp.walks.models import FACTORS, SafetyWalk
from webapp.walks.protocol import build_protocol

# The question of each confirmation page (templates/walks/confirm.html).
CONFIRM_QUESTIONS = {
    "held": lambda walk: _("Mark “%(name)s” as held?", name=walk.name),
    "publish": lambda walk: _("Publish the public protocol of “%(name)s”?", name=walk.name),
    "delete": lambda walk: _("Delete “%(name)s”?", name=walk.name),
}


def confirm_page(walk: SafetyWalk, action: str) -> str:
    """The page that asks before an action that cannot be undone from the app."""
    return render_template(
        "walks/confirm.html", walk=walk, action=action, question=CONFIRM_QUESTIONS[action](walk)
    )


def public_url(endpoint: str, **values: Any) -> str:
    """An address residents reach: on the public base if configured, else this request's."""
    base = (current_app.config.get("WALK_PUBLIC_BASE_URL") or "").rstrip("/")
    path = url_for(endpoint, **values)
    return base + path if base else url_for(endpoint, **values, _external=True)


def join_url(code: str) -> str:
    """The link in the QR code."""
    return public_url("walk_participant.join_code", code=code)


def protocol_context(walk: SafetyWalk, reader: Any, *, public: bool) -> dict[str, Any]:
    """What the protocol's body (walks/_protocol_body.html) needs, for the staff page and the
    residents' public page alike (`reader` None: nobody logged in)."""
    return {
        "walk": walk,
        "protocol": build_protocol(walk, reader, public=public),
        "factors": FACTORS,
        "factor_labels": FACTOR,
        "today": local_today(),
    }
