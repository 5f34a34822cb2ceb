"""Talking to other systems (issue 20): Open311 GeoReport v2 and the police's public events.

A consumer: it reads the features and never the other way round. Each subpackage brings its
own `register_commands(app)`; the factory calls `register_interop_commands(app)`.
"""

from __future__ import annotations

import importlib
import importlib.util

from flask import Flask

SUBPACKAGES = ("open311", "police_events", "webhooks")


def register_interop_commands(app: Flask) -> None:
    for name in SUBPACKAGES:
        module_name = f"webapp.interop.{name}.cli"
        if importlib.util.find_spec(f"webapp.interop.{name}") is None:
            continue
        if importlib.util.find_spec(module_name) is None:
            continue
        importlib.import_module(module_name).register_commands(app)
