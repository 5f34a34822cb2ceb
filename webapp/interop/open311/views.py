"""Open311 GeoReport v2 at /open311/v2/.

A machine interface: it never reads the session or the logged-in user. GET needs no key; the
POST that brings a resident's report carries an `api_key` in the form body (never the query
string, which ends up in logs) and is exempt from CSRF because no cookie authorises it.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, request, url_for
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address

from webapp.core.errors import PROBLEMS, register_error_format
from webapp.extensions import csrf, db, limiter
from webapp.interop.open311 import service
from webapp.interop.open311.keys import digest, find_key, key_exists
from webapp.interop.open311.params import (
    Open311Error,
    RequestQuery,
    parse_new_request,
    parse_request_query,
)
from webapp.interop.open311.serialize import (
    FORMATS,
    Created,
    Discovery,
    Endpoint,
    created_doc,
    discovery_doc,
    error_body,
    render,
    requests_doc,
    services_doc,
)
from webapp.interop.open311.settings import setting

bp = Blueprint("open311", __name__, url_prefix="/open311/v2")
PREFIX = "/open311/"
FMT = "<any(json,xml):fmt>"
# The changeset of the discovery document: changed by hand when the interface changes.
CHANGESET = "2026-12-06T00:00:00Z"


def _answer(kind: str, doc: Any, fmt: str, status: int = 200) -> Response:
    body, mime = render(kind, doc, fmt)
    response = Response(body, status=status, content_type=mime)
    response.headers["Cache-Control"] = "no-cache"
    return response


def _format_of_path() -> str:
    path = request.path
    for fmt in FORMATS:
        if path.endswith("." + fmt):
            return fmt
    return "xml"  # the spec's required format


def error_response(status: int, description: str, code: int | str | None = None) -> Response:
    body, mime, status = error_body(status, description, _format_of_path(), code)
    return Response(body, status=status, content_type=mime)


def _problem(status: int, code: str) -> Response:
    """Errors the app raises before or around a view (unknown path, 405, 429, 500)."""
    return error_response(status, str(PROBLEMS.get(code, PROBLEMS["bad_request"])[1]), status)


register_error_format(PREFIX, _problem)


@bp.errorhandler(Open311Error)
def _open311_error(error: Open311Error) -> Response:
    db.session.rollback()
    return error_response(error.status, error.description, error.code)


def _check_jurisdiction(values: Any) -> None:
    wanted = (values.get("jurisdiction_id") or "").strip()
    if wanted and wanted != setting("OPEN311_JURISDICTION_ID"):
        raise Open311Error(404, _("jurisdiction_id was not found."), "unknown_jurisdiction")


def _get_limit() -> str:
    return str(setting("OPEN311_GET_LIMIT"))


def _post_limit() -> str:
    return str(setting("OPEN311_POST_LIMIT"))


def _key_or_address() -> str:
    """POSTs are counted per key (a partner behind a shared address keeps its own quota); a
    missing, unknown or revoked key is counted per address, so guessing keys is limited too."""
    key = (request.form.get("api_key") or "").strip()
    if key and key_exists(key):
        return "open311-key:" + digest(key)[:32]
    return "open311-addr:" + get_remote_address()


get_limited = limiter.limit(_get_limit, methods=["GET"])


def _discovery() -> Discovery:
    endpoint_type = "production" if current_app.config.get("ENV_NAME") == "production" else "test"
    return Discovery(
        changeset=CHANGESET,
        contact=str(setting("OPEN311_CONTACT")),
        key_service=str(setting("OPEN311_KEY_SERVICE")),
        endpoints=(
            Endpoint(url_for("open311.root", _external=True).rstrip("/"), CHANGESET, endpoint_type),
        ),
    )


@bp.get("/")
@get_limited
def root() -> Response:
    return _answer("discovery", discovery_doc(_discovery()), "xml")


@bp.get(f"/discovery.{FMT}")
@get_limited
def discovery(fmt: str) -> Response:
    return _answer("discovery", discovery_doc(_discovery()), fmt)


@bp.get(f"/services.{FMT}")
@get_limited
def services(fmt: str) -> Response:
    _check_jurisdiction(request.args)
    return _answer("services", services_doc(service.services()), fmt)


@bp.get(f"/requests.{FMT}")
@get_limited
def requests(fmt: str) -> Response:
    _check_jurisdiction(request.args)
    query = parse_request_query(request.args, service.now_utc())
    return _answer("requests", requests_doc(service.service_requests(query)), fmt)


@bp.get(f"/requests/<string(maxlength=60):request_id>.{FMT}")
@get_limited
def request_detail(request_id: str, fmt: str) -> Response:
    _check_jurisdiction(request.args)
    found = service.service_requests(RequestQuery(ids=(request_id,)))
    if not found:
        # The same answer for a missing id and one that is not public.
        raise Open311Error(404, _("service_request_id was not found."), "unknown_request")
    return _answer("requests", requests_doc(found[:1]), fmt)


@bp.post(f"/requests.{FMT}")
@limiter.limit(_post_limit, key_func=_key_or_address)
def create_request(fmt: str) -> Response:
    limit = int(setting("OPEN311_MAX_BYTES"))
    if (request.content_length or 0) > limit:
        raise Open311Error(400, _("The request body is too large."), "body_size")
    form = request.form
    _check_jurisdiction(form)
    key = find_key((form.get("api_key") or "").strip())
    if key is None:
        raise Open311Error(403, _("api_key is missing or not valid."), "invalid_api_key")
    new = parse_new_request(form, [s.code for s in service.services()], 4000)
    report_id, errors = service.new_report(new, key)
    if report_id is None:
        field, message = next(iter(errors.items()))
        code = "invalid_location" if field in ("lat", "lon") else f"invalid_{field}"
        raise Open311Error(400, str(message), code)
    created = Created(
        "r-" + report_id, _("Thank you! The report is reviewed before it is shown on the map.")
    )
    return _answer("created", created_doc(created), fmt, status=201)


csrf.exempt(create_request)
