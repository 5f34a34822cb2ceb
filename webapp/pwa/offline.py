"""What a phone may keep for offline use, and what it must never keep.

Police records live on shared phones. The service worker (static/js/sw.js) therefore keeps only
the app shell and the entry forms a field user needs without signal; every page with record
content is network-only. This module is the server's half of that contract:

- `offline_pages(user)`: the forms the worker fetches for this user right after login.
- `is_offline_copy()` (core.offline): the worker asks for those forms with PRECACHE_HEADER; a
  view then leaves out record content (e.g. the list of earlier patrols), so the stored copy
  holds none.
- `cache_policy`: one after_request rule. Responses to a logged-in user (and everything under
  the record blueprints) say `Cache-Control: private, no-store`, so neither the browser's HTTP
  cache nor a proxy keeps them after the session ends. HTML responses also say whose session
  they were made for (SESSION_HEADER: a user id or "none"); the worker purges the forms it keeps
  as soon as that is "none" or another user.
- A walk participant has no login: HTML responses also name the walk session (WALK_HEADER: the
  participant's outbox scope or "none", with WALK_EXPIRES_HEADER). The worker keeps one copy of
  the participant's walk page (webapp.walks.participant_views, asked for with PRECACHE_HEADER:
  the walk's route, stops and forms and the participant's own spots, no one else's) and drops
  it as soon as a page names no walk session or another one, and once the session expires.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import request, session, url_for
from werkzeug.wrappers import Response

from webapp.auth.session import session_user
from webapp.core.access import FIELD_ROLES, Role
from webapp.walks import participant

if TYPE_CHECKING:
    from webapp.auth.models import User

SESSION_HEADER = "X-Trygg-Session"
WALK_HEADER = "X-Trygg-Walk"
WALK_EXPIRES_HEADER = "X-Trygg-Walk-Expires"

# Files that hold no record content keep their own cache rules (core/assets.py, pwa/views.py).
ASSET_ENDPOINTS = frozenset({"static", "field.vendor", "field.service_worker", "field.manifest"})
# Blueprints whose pages show records even where no login is needed (a walk participant's walk,
# the moderation queue): never stored, whoever asks.
RECORD_BLUEPRINTS = frozenset(
    {
        "review",
        "measures",
        "activities",
        "patrols",
        "walks",
        "walk_participant",
        "reports",
        "admin",
        "promises",
        "moderation",
        "surveys",
    }
)
NO_STORE = "private, no-store"


def offline_pages(user: User) -> list[str]:
    """Every entry form `user` can reach from the start page, to be stored at login.

    Visits outside the town are where the signal is worst: a form must not depend on having
    been opened online first.
    """
    if not user.is_authenticated or Role(user.role) not in FIELD_ROLES:
        return []
    from webapp.activities.kinds import get_kind
    from webapp.activities.models import ActivityType
    from webapp.activities.validation import may_record
    from webapp.extensions import db

    pages = [
        url_for("core.index"),
        url_for("field.new_observation"),
        url_for("field.mine"),
        url_for("activities.choose"),
    ]
    types = db.session.execute(
        db.select(ActivityType).filter_by(active=True).order_by(ActivityType.name)
    ).scalars()
    for activity_type in types:
        if not may_record(user, activity_type):
            continue
        if get_kind(activity_type.kind).code == "patrol":
            patrols = url_for("patrols.index")
            if patrols not in pages:
                pages.append(patrols)
        else:
            pages.append(url_for("activities.new", code=activity_type.code))
    return pages


def cache_policy(response: Response) -> Response:
    """after_request: record content is never stored; HTML names the session it was made for."""
    endpoint = request.endpoint or ""
    if endpoint in ASSET_ENDPOINTS:
        return response
    authenticated, user_id = session_user()
    if authenticated or request.blueprint in RECORD_BLUEPRINTS:
        # Also over a view's own "private, max-age": a photo of a police record must not stay
        # in the HTTP cache of a shared phone either.
        response.headers["Cache-Control"] = NO_STORE
        response.headers.pop("Expires", None)
    if response.mimetype == "text/html":
        response.headers[SESSION_HEADER] = str(user_id) if authenticated else "none"
        _name_the_walk_session(response)
    return response


def _name_the_walk_session(response: Response) -> None:
    """Whose walk session this page was made for: the outbox scope of a participant whose
    session still holds (checked against the database: left, revoked, expired), else "none"."""
    current = participant.current_participant()
    if current is None:
        response.headers[WALK_HEADER] = "none"
        return
    # The same scope as the page's outbox store (participant_views.walk_page, api.walk_session).
    response.headers[WALK_HEADER] = f"walk-{current.id}"
    expires = (session.get(participant.SESSION_KEY) or {}).get("expires")
    if isinstance(expires, int):
        response.headers[WALK_EXPIRES_HEADER] = str(expires)
