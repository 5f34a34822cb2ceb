"""Registering receivers: the same steps for the admin pages and the command line."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask_babel import gettext as _

from webapp.core.audit.service import record as audit
from webapp.core.outbox.service import EVENT_TYPES, VISIBILITIES
from webapp.extensions import db
from webapp.interop.webhooks import signing
from webapp.interop.webhooks.deliver import disable_endpoint
from webapp.interop.webhooks.models import WebhookEndpoint
from webapp.interop.webhooks.ssrf import check_url


class EndpointError(ValueError):
    """The endpoint cannot be registered; the message says why."""


def create_endpoint(
    url: str,
    events: Sequence[str],
    visibilities: Sequence[str],
    *,
    description: str = "",
    user: Any = None,
    actor_label: str = "",
) -> tuple[WebhookEndpoint, str]:
    """Check and store a receiver; returns it and its secret (shown once) and commits."""
    url = url.strip()
    unknown = [e for e in events if e not in EVENT_TYPES]
    if unknown or not events:
        raise EndpointError(
            _(
                "Unknown event %(names)s; known: %(known)s",
                names=", ".join(unknown) or "–",
                known=", ".join(EVENT_TYPES),
            )  # fmt: skip
        )
    if not visibilities or any(v not in VISIBILITIES for v in visibilities):
        raise EndpointError(
            _("Unknown kind of record; known: %(known)s", known=", ".join(VISIBILITIES))
        )
    if len(url) > 2000:
        raise EndpointError(_("The address is too long."))
    check_url(url)  # UnsafeURL (a ValueError) says why not
    secret = signing.new_secret()
    endpoint = WebhookEndpoint(
        url=url,
        description=description.strip()[:200],
        events=list(dict.fromkeys(events)),
        visibilities=list(dict.fromkeys(visibilities)),
        secret=secret,
        enabled=True,
        created_by_id=getattr(user, "id", None),
    )
    db.session.add(endpoint)
    db.session.flush()
    audit(
        "webhook.endpoint_create",
        endpoint,
        actor=user,
        actor_label=actor_label,
        url=url,
        events=endpoint.events,
        visibilities=endpoint.visibilities,
    )
    db.session.commit()
    return endpoint, secret


def set_enabled(
    endpoint: WebhookEndpoint, enabled: bool, *, user: Any = None, actor_label: str = ""
) -> None:
    if enabled == endpoint.enabled:
        return
    if enabled:
        endpoint.enabled = True
        endpoint.disabled_at = None
        endpoint.disabled_reason = ""
        audit("webhook.endpoint_enable", endpoint, actor=user, actor_label=actor_label)
    else:
        disable_endpoint(endpoint, "disabled by hand", actor=user, actor_label=actor_label)
    db.session.commit()
