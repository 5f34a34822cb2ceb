"""POST /api/v1/observations/batch: many queued observations (without photos) in one request.

The field app's outbox sends what piled up offline in batches instead of one request each. Every
item is judged on its own, exactly as POST /api/v1/observations judges it: the same validation,
the same idempotency by the phone's UUID (201 created, 200 replay of the same content, 409 the id
is taken by other content or another author), the same audit entry per created record. One item
failing never affects another: a taken id is met by ON CONFLICT DO NOTHING, which neither raises
nor spoils the transaction (store_observation). The whole batch is one transaction, so the audit
entries are stored with their records or not at all.

Photos still go one by one through PUT /api/v1/observations/<id>/photos/<photo id>.
"""

from __future__ import annotations

from typing import Any

from flask import current_app, jsonify
from flask_babel import gettext as _
from flask_login import current_user

from webapp.core.access import require_field_user
from webapp.core.errors import PROBLEMS, ApiProblem
from webapp.core.idempotency import ConflictError
from webapp.core.jsonbody import json_body
from webapp.extensions import db
from webapp.observations.service import observation_json, store_observation
from webapp.observations.validation import validate_observation


def _problem(code: str, fields: dict[str, Any] | None = None) -> dict[str, Any]:
    status, message = PROBLEMS[code]
    body: dict[str, Any] = {"code": code, "message": str(message)}
    if fields:
        body["fields"] = {key: str(value) for key, value in fields.items()}
    return {"status": status, "error": body}


def _items(payload: Any) -> list[Any]:
    limit = int(current_app.config["OBSERVATION_BATCH_MAX"])
    if not isinstance(payload, dict) or set(payload) != {"items"}:
        raise ApiProblem("validation_failed", fields={"items": _('Send {"items": [...]}.')})
    items = payload["items"]
    if not isinstance(items, list) or not items:
        raise ApiProblem("validation_failed", fields={"items": _("Send at least one item.")})
    if len(items) > limit:
        raise ApiProblem(
            "validation_failed",
            fields={"items": _("At most %(limit)s items at a time.", limit=limit)},
        )
    return items


def create_observations_batch():  # type: ignore[no-untyped-def]
    require_field_user()
    items = _items(json_body())
    user = current_user
    results: list[dict[str, Any]] = []
    cleaned = []
    for item in items:
        clean, errors = validate_observation(item, user)
        cleaned.append(clean)
        if clean is None:
            result = _problem("validation_failed", errors)
            if isinstance(item, dict) and isinstance(item.get("id"), str):
                result["id"] = item["id"][:36]
            results.append(result)
        else:
            results.append({"id": clean.id})
    for clean, result in zip(cleaned, results, strict=True):
        if clean is None:
            continue
        try:
            observation, created = store_observation(clean, user)
        except ConflictError:
            result.update(_problem("conflict"))
            continue
        result.update(
            status=201 if created else 200, observation=observation_json(observation, user)
        )
    db.session.commit()
    return jsonify(results=results)
