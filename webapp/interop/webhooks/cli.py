"""flask --app webapp webhooks add|list|disable|deliver."""

from __future__ import annotations

import time

import click
from flask import Flask
from flask.cli import AppGroup

from webapp.core.outbox.service import EVENT_TYPES, VISIBILITIES
from webapp.extensions import db
from webapp.interop.webhooks import service
from webapp.interop.webhooks.deliver import run_webhook_deliveries
from webapp.interop.webhooks.forms import DEFAULT_VISIBILITIES
from webapp.interop.webhooks.models import WebhookEndpoint
from webapp.interop.webhooks.ssrf import UnsafeURL


def register_commands(app: Flask) -> None:
    group = AppGroup("webhooks", help="Standard Webhooks receivers and deliveries.")

    @group.command("add")
    @click.argument("url")
    @click.option("--event", "events", multiple=True, required=True,
                  help=f"An event to send (repeat): {', '.join(EVENT_TYPES)}")  # fmt: skip
    @click.option("--visibility", "visibilities", multiple=True,
                  help=f"Records it may hear about (repeat; default shared, public): "
                       f"{', '.join(VISIBILITIES)}")  # fmt: skip
    @click.option("--description", default="")
    def add(
        url: str, events: tuple[str, ...], visibilities: tuple[str, ...], description: str
    ) -> None:
        """Register a receiver and print its secret (shown this once)."""
        try:
            endpoint, secret = service.create_endpoint(
                url,
                list(events),
                list(visibilities) or DEFAULT_VISIBILITIES,
                description=description,
                actor_label="cli",
            )
        except (UnsafeURL, service.EndpointError) as exc:
            raise click.ClickException(str(exc)) from None
        click.echo(f"endpoint {endpoint.id}: {endpoint.url}")
        click.echo(f"events: {', '.join(endpoint.events)}")
        click.echo(f"visibilities: {', '.join(endpoint.visibilities)}")
        click.echo(f"secret (shown once): {secret}")

    @group.command("list")
    def list_() -> None:
        """The receivers, their events and whether they are on."""
        for e in db.session.execute(
            db.select(WebhookEndpoint).order_by(WebhookEndpoint.id)
        ).scalars():
            state = "on" if e.enabled else f"off ({e.disabled_reason})"
            click.echo(
                f"{e.id}\t{state}\t{e.url}\t{','.join(e.events)}\t{','.join(e.visibilities)}"
            )

    @group.command("disable")
    @click.argument("endpoint_id", type=int)
    def disable(endpoint_id: int) -> None:
        """Stop sending to a receiver (its waiting deliveries are cancelled)."""
        endpoint = db.session.get(WebhookEndpoint, endpoint_id)
        if endpoint is None:
            raise click.ClickException(f"no endpoint {endpoint_id}")
        service.set_enabled(endpoint, False, actor_label="cli")
        click.echo(f"endpoint {endpoint_id} disabled")

    @group.command("deliver")
    @click.option("--once", is_flag=True, help="One round, then stop (for cron).")
    @click.option("--interval", default=1.0, show_default=True, help="Seconds between rounds.")
    def deliver(once: bool, interval: float) -> None:
        """Fan out new events and send what is due (until stopped, or once)."""
        while True:
            counts = run_webhook_deliveries()
            if once or counts["attempts"] or counts["dispatched"]:
                click.echo(f"dispatched {counts['dispatched']}, attempts {counts['attempts']}")
            if once:
                return
            time.sleep(interval)

    app.cli.add_command(group)
