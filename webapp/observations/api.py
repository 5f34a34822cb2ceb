"""/api/v1/observations: idempotent create, photos, categories (the GeoJSON listing: map)."""

from __future__ import annotations

from typing import Any

from flask import current_app, jsonify, request
from flask_login import current_user

from webapp.core.access import require_field_user
from webapp.core.apiwrite import store_or_problem, stored_response, valid_or_problem
from webapp.core.audit.service import record as audit
from webapp.core.blobs import blob_response, store
from webapp.core.errors import ApiProblem
from webapp.core.jsonbody import json_body
from webapp.core.routes import RouteTable
from webapp.extensions import db
from webapp.observations.batch import create_observations_batch
from webapp.observations.loaders import get_observation_or_404, get_photo_or_404
from webapp.observations.models import Category, Photo
from webapp.observations.photos import photo_uuid, store_photo_once
from webapp.observations.service import observation_json, store_observation
from webapp.observations.validation import validate_observation

routes = RouteTable()
register = routes.register
routes.post("/observations/batch")(create_observations_batch)


@routes.get("/categories")
def categories():  # type: ignore[no-untyped-def]
    rows = db.session.execute(
        db.select(Category).filter_by(active=True).order_by(Category.sort_order, Category.code)
    ).scalars()
    return jsonify(categories=[row.to_json() for row in rows])


@routes.post("/observations")
def create_observation():  # type: ignore[no-untyped-def]
    require_field_user()
    clean = valid_or_problem(validate_observation(json_body(), current_user))
    observation, created = store_or_problem(store_observation, clean, current_user)
    body = observation_json(observation, current_user)  # before the commit expires it
    db.session.commit()
    return stored_response(body, created, f"/api/v1/observations/{body['id']}")


@routes.get("/observations/<observation_id>")
def get_observation(observation_id: str):  # type: ignore[no-untyped-def]
    require_field_user()
    return jsonify(observation_json(get_observation_or_404(observation_id), current_user))


@routes.put("/observations/<observation_id>/photos/<photo_id>")
def put_photo(observation_id: str, photo_id: str):  # type: ignore[no-untyped-def]
    """Idempotent photo upload: (observation UUID, photo UUID) with the raw image as body."""
    require_field_user()
    # The id, not the row: storing ends the transaction, which expires the row.
    observation_id = get_observation_or_404(observation_id, write=True).id
    photo, created = store_photo_once(
        Photo,
        photo_uuid(photo_id),
        request.get_data(cache=False),
        {"observation_id": observation_id},
        lambda row: audit("photo.create", row, observation_id=observation_id),
        author_id=current_user.id,
    )
    return jsonify(photo_json(photo)), 201 if created else 200


def photo_json(photo: Photo) -> dict[str, Any]:
    return {
        "id": photo.id,
        "observation_id": photo.observation_id,
        "width": photo.width,
        "height": photo.height,
        "sha256": photo.sha256,
        "url": f"/api/v1/photos/{photo.id}.jpg",
    }


@routes.get("/photos/<photo_id>.jpg")
def photo_file(photo_id: str):  # type: ignore[no-untyped-def]
    require_field_user()
    photo = get_photo_or_404(photo_id)
    response = blob_response(store(), photo.storage_name, photo.sha256)
    if response is None:  # removed by retention or by hand while the row stayed
        current_app.logger.warning("Photo %s has no file %s", photo.id, photo.storage_name)
        raise ApiProblem("not_found")
    return response
