"""Talking to other systems in the standards they speak (issue 20): Open311 GeoReport v2,
Standard Webhooks, and the police's public events.

A consumer: it reads the features (and core's outbox); features never import it. Each
subpackage brings its own `register_commands(app)`; the factory calls
`register_interop_commands(app)`.
"""

from __future__ import annotations

from flask import Flask


def register_interop_commands(app: Flask) -> None:
    from webapp.interop.open311.cli import register_commands as open311_commands
    from webapp.interop.police_events.cli import register_commands as police_events_commands
    from webapp.interop.webhooks.cli import register_commands as webhook_commands

    for register in (open311_commands, police_events_commands, webhook_commands):
        register(app)
