"""The coordinator's pages: receivers, the secret shown once, and each receiver's delivery log."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from webapp.auth.session import roles_required
from webapp.core.access import Role
from webapp.core.apiwrite import no_store
from webapp.core.forms import require_valid
from webapp.extensions import db
from webapp.interop.webhooks import service
from webapp.interop.webhooks.deliver import redeliver
from webapp.interop.webhooks.forms import VISIBILITY_CHOICES, ActionForm, EndpointForm
from webapp.interop.webhooks.models import WebhookDelivery, WebhookEndpoint
from webapp.interop.webhooks.ssrf import UnsafeURL

bp = Blueprint("webhooks", __name__, url_prefix="/admin/webhooks")

LOG_SIZE = 50


def _index(form: EndpointForm, status: int = 200) -> tuple[str, int]:
    endpoints = db.session.execute(
        db.select(WebhookEndpoint).order_by(WebhookEndpoint.id)
    ).scalars()
    return render_template(
        "interop/webhooks/index.html",
        endpoints=list(endpoints),
        form=form,
        action_form=ActionForm(),
        visibility_labels=VISIBILITY_CHOICES,
    ), status


@bp.get("")
@roles_required(Role.COORDINATOR)
def index() -> tuple[str, int]:
    return _index(EndpointForm())


@bp.post("")
@roles_required(Role.COORDINATOR)
def create() -> tuple[str, int] | Response:
    form = EndpointForm()
    if not form.validate_on_submit():
        return _index(form, 422)
    try:
        endpoint, secret = service.create_endpoint(
            form.url.data or "",
            form.events.data or [],
            form.visibilities.data or [],
            description=form.description.data or "",
            user=current_user,
        )
    except (UnsafeURL, service.EndpointError) as exc:
        db.session.rollback()
        form.url.errors = [*form.url.errors, str(exc)]
        return _index(form, 422)
    # The secret is in this answer only: never stored by a cache, never shown again.
    return no_store(
        render_template("interop/webhooks/secret.html", endpoint=endpoint, secret=secret)
    )


@bp.get("/<int:endpoint_id>")
@roles_required(Role.COORDINATOR)
def detail(endpoint_id: int) -> str:
    endpoint = db.get_or_404(WebhookEndpoint, endpoint_id)
    deliveries = db.session.execute(
        db.select(WebhookDelivery)
        .filter_by(endpoint_id=endpoint.id)
        .order_by(WebhookDelivery.id.desc())
        .limit(LOG_SIZE)
    ).scalars()
    return render_template(
        "interop/webhooks/detail.html",
        endpoint=endpoint,
        deliveries=list(deliveries),
        action_form=ActionForm(),
        visibility_labels=VISIBILITY_CHOICES,
    )


@bp.post("/<int:endpoint_id>/enabled")
@roles_required(Role.COORDINATOR)
def set_enabled(endpoint_id: int) -> Response:
    endpoint = db.get_or_404(WebhookEndpoint, endpoint_id)
    wanted = request.form.get("enabled")
    if not ActionForm().validate_on_submit() or wanted not in ("0", "1"):
        abort(400)
    service.set_enabled(endpoint, wanted == "1", user=current_user)
    flash(_("Receiver switched on.") if wanted == "1" else _("Receiver switched off."), "success")
    return redirect(url_for("webhooks.detail", endpoint_id=endpoint.id))


@bp.post("/deliveries/<int:delivery_id>/redeliver")
@roles_required(Role.COORDINATOR)
def send_again(delivery_id: int) -> Response:
    delivery = db.get_or_404(WebhookDelivery, delivery_id)
    require_valid(ActionForm())
    endpoint_id = delivery.endpoint_id
    if not delivery.endpoint.enabled:
        flash(_("The receiver is switched off: switch it on before sending again."), "error")
        return redirect(url_for("webhooks.detail", endpoint_id=endpoint_id))
    status = redeliver(delivery, current_user)
    if status is False:
        flash(_("The delivery is being sent right now; try again in a minute."), "info")
    elif status is not None and 200 <= status < 300:
        flash(_("Sent again: the receiver answered %(status)s.", status=status), "success")
    else:
        flash(_("Sent again, but the receiver did not accept it (%(status)s).",
                status=status if status is not None else _("no answer")), "error")  # fmt: skip
    return redirect(url_for("webhooks.detail", endpoint_id=endpoint_id))
