"""/api/v1/observations: idempotent create, GeoJSON listing, photos, categories."""

from __future__ import annotations

import hashlib
from typing import Any

from flask import Blueprint, current_app, jsonify, request, send_file
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from webapp.core.audit.service import record as audit
from webapp.core.errors import ApiProblem
from webapp.core.fieldinput import canonical_uuid
from webapp.core.jsonbody import json_body
from webapp.core.storage import read_snapshot
from webapp.extensions import db
from webapp.observations.imaging import ImageRejected, process_photo
from webapp.observations.loaders import get_observation_or_404, get_photo_or_404, require_field_user
from webapp.observations.models import Category, Photo
from webapp.observations.photos import new_storage_name, photo_path, write_photo
from webapp.observations.service import ConflictError, observation_json, store_observation
from webapp.observations.validation import validate_observation

PHOTO_TYPES = {"image/jpeg", "image/png", "image/webp"}
IMAGE_MESSAGES = {
    "not_an_image": lambda: _("The file is not an image."),
    "unsupported_type": lambda: _("Only JPEG, PNG and WebP photos are accepted."),
    "too_large": lambda: _("The photo is too large."),
    "too_many_pixels": lambda: _("The photo has too many pixels."),
    "corrupt": lambda: _("The photo file is damaged."),
}


def register(bp: Blueprint) -> None:
    bp.add_url_rule("/categories", view_func=categories, methods=["GET"])
    bp.add_url_rule("/observations", view_func=create_observation, methods=["POST"])
    bp.add_url_rule("/observations/<observation_id>", view_func=get_observation, methods=["GET"])
    bp.add_url_rule("/observations.geojson", view_func=observations_geojson, methods=["GET"])
    bp.add_url_rule(
        "/observations/<observation_id>/photos/<photo_id>",
        view_func=put_photo,
        methods=["PUT"],
    )
    bp.add_url_rule("/photos/<photo_id>.jpg", endpoint="photo_file", view_func=photo_file)


def categories():  # type: ignore[no-untyped-def]
    rows = db.session.execute(
        db.select(Category).filter_by(active=True).order_by(Category.sort_order, Category.code)
    ).scalars()
    return jsonify(categories=[row.to_json() for row in rows])


def create_observation():  # type: ignore[no-untyped-def]
    require_field_user()
    clean, errors = validate_observation(json_body(), current_user)
    if clean is None:
        raise ApiProblem("validation_failed", fields=errors)
    try:
        observation, created = store_observation(clean, current_user)
    except ConflictError:
        raise ApiProblem("conflict") from None
    body = observation_json(observation, current_user)  # before the commit expires it
    db.session.commit()
    response = jsonify(body)
    response.status_code = 201 if created else 200
    if created:
        response.headers["Location"] = f"/api/v1/observations/{body['id']}"
    return response


def get_observation(observation_id: str):  # type: ignore[no-untyped-def]
    require_field_user()
    return jsonify(observation_json(get_observation_or_404(observation_id), current_user))


def put_photo(observation_id: str, photo_id: str):  # type: ignore[no-untyped-def]
    """Idempotent photo upload: (observation UUID, photo UUID) with the raw image as body."""
    require_field_user()
    observation = get_observation_or_404(observation_id, write=True)
    photo_id = _photo_uuid(photo_id)
    raw = request.get_data(cache=False)
    upload_sha = hashlib.sha256(raw).hexdigest()
    existing = db.session.get(Photo, photo_id)
    if existing is not None:
        return _photo_replay(existing, observation.id, upload_sha)
    observation_id, author_id = observation.id, current_user.id
    # Decoding and re-encoding takes a while; end the read transaction first so that on SQLite
    # (BEGIN IMMEDIATE) the write lock is not held while the CPU works. A racing upload of the
    # same photo is settled by the primary key below.
    db.session.commit()
    try:
        image = process_photo(
            raw,
            max_bytes=current_app.config["PHOTO_MAX_BYTES"],
            max_pixels=current_app.config["PHOTO_MAX_PIXELS"],
        )
    except ImageRejected as rejected:
        code = "too_large" if rejected.code == "too_large" else "validation_failed"
        raise ApiProblem(code, fields={"photo": IMAGE_MESSAGES[rejected.code]()}) from None
    photo = Photo(
        id=photo_id,
        observation_id=observation_id,
        storage_name=new_storage_name(),
        width=image.width,
        height=image.height,
        size_bytes=len(image.data),
        sha256=image.sha256,
        upload_sha256=upload_sha,
        author_id=author_id,
    )
    storage_name = photo.storage_name
    write_photo(storage_name, image.data)
    try:
        db.session.add(photo)
        db.session.flush()
        audit("photo.create", photo, observation_id=observation_id)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        photo_path(storage_name).unlink(missing_ok=True)
        existing = db.session.get(Photo, photo_id)
        if existing is None:
            raise
        return _photo_replay(existing, observation_id, upload_sha)
    except BaseException:
        db.session.rollback()
        photo_path(storage_name).unlink(missing_ok=True)
        raise
    return jsonify(photo_json(photo)), 201


def _photo_replay(existing: Photo, observation_id: str, upload_sha: str):  # type: ignore[no-untyped-def]
    if existing.observation_id != observation_id or existing.upload_sha256 != upload_sha:
        raise ApiProblem("conflict", message=_("A different photo already exists with this id."))
    return jsonify(photo_json(existing)), 200


def _photo_uuid(value: str) -> str:
    canonical = canonical_uuid(value)
    if canonical is None:
        raise ApiProblem("validation_failed", fields={"photo_id": _("Not a valid UUID.")})
    return canonical


def photo_json(photo: Photo) -> dict[str, Any]:
    return {
        "id": photo.id,
        "observation_id": photo.observation_id,
        "width": photo.width,
        "height": photo.height,
        "sha256": photo.sha256,
        "url": f"/api/v1/photos/{photo.id}.jpg",
    }


def photo_file(photo_id: str):  # type: ignore[no-untyped-def]
    require_field_user()
    photo = get_photo_or_404(photo_id)
    path = photo_path(photo.storage_name)
    if not path.is_file():  # removed by retention or by hand while the row stayed
        current_app.logger.warning("Photo %s has no file %s", photo.id, photo.storage_name)
        raise ApiProblem("not_found")
    response = send_file(path, mimetype="image/jpeg", max_age=0)
    response.headers["Cache-Control"] = "private, max-age=3600"
    return response


def observations_geojson():  # type: ignore[no-untyped-def]
    require_field_user()
    from webapp.map.geojson import (
        FILTER_PARAMETERS,
        build_feature_collection,
        parse_filters,
    )

    filters = parse_filters(request.args)
    with read_snapshot():  # 10,000 points take a while: submits must not wait for them
        collection, police_count = build_feature_collection(filters, current_user)
    if police_count:
        audit(
            "observation.list",
            target_type="observations",
            police_records=police_count,
            # Only the parameters that shaped the answer: anything else is the caller's noise.
            filters={k: v for k, v in request.args.items() if k in FILTER_PARAMETERS},
        )
        db.session.commit()
    return current_app.response_class(collection, mimetype="application/geo+json")
