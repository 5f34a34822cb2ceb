"""Talking to other systems in the standards they speak (issue 20): Standard Webhooks, and more.

A consumer: it reads the features (and core's outbox); features never import it.
"""

from __future__ import annotations

from flask import Flask


def register_interop_commands(app: Flask) -> None:
    from webapp.interop.webhooks.cli import register_commands as register_webhook_commands

    register_webhook_commands(app)
