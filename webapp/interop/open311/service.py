"""What the Open311 interface reads and writes, with the public-only rule in the queries.

Out: residents' reports with status "published" (as citizen.public.reports.published_reports)
and measures shared with residents that are decided or done (as citizen.public.feedback). In:
a resident's report that waits for moderation like any other.
"""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import asdict, replace
from datetime import datetime
from types import SimpleNamespace

from webapp.citizen.models import PublicReport
from webapp.citizen.public.feedback import DECIDED, DONE
from webapp.citizen.public.places import ELSEWHERE, NO_PLACE, load_zones
from webapp.citizen.public.reports import public_categories, validate_report, what_became_of
from webapp.core.audit.service import record as audit
from webapp.core.dbtypes import utcnow
from webapp.core.fieldinput import Errors
from webapp.core.idempotency import content_digest
from webapp.extensions import db
from webapp.interop.open311.mapping import (
    FALLBACK_SERVICE,
    MEASURE_PREFIX,
    REPORT_PREFIX,
    measure_request,
    report_request,
)
from webapp.interop.open311.models import ApiKey
from webapp.interop.open311.params import MAX_RESULTS, NewRequest, RequestQuery
from webapp.interop.open311.serialize import Service, ServiceRequest
from webapp.measures.models import Measure
from webapp.observations.models import Category, Observation

GROUP = "Trygghet"
PUBLIC_MEASURE_STATUSES = DECIDED + DONE
ZONE_SV = {
    "centrum": "Sunne centrum",
    "tatort": "Sunne tätort",
    ELSEWHERE: "Sunne kommun, utanför tätorten",
    NO_PLACE: None,
}


def services() -> list[Service]:
    return [Service(c.code, c.label_sv, None, GROUP) for c in public_categories()]


def _category_names() -> dict[str, str]:
    return {c.code: c.label_sv for c in db.session.execute(db.select(Category)).scalars()}


def _shared(measure: Measure | None) -> Measure | None:
    return measure if measure is not None and measure.visibility == "shared" else None


def _public_reports(query: RequestQuery) -> list[PublicReport]:
    stmt = db.select(PublicReport).where(PublicReport.status == "published")
    if query.ids:
        wanted = [i[len(REPORT_PREFIX) :] for i in query.ids if i.startswith(REPORT_PREFIX)]
        if not wanted:
            return []
        stmt = stmt.where(PublicReport.id.in_(wanted))
    else:
        if query.service_codes:
            stmt = stmt.where(PublicReport.category_code.in_(query.service_codes))
        stmt = stmt.where(
            PublicReport.moderated_at >= query.start, PublicReport.moderated_at <= query.end
        )
    stmt = stmt.order_by(PublicReport.moderated_at.desc(), PublicReport.id).limit(MAX_RESULTS)
    return list(db.session.execute(stmt).scalars())


def _measure_ids(ids: tuple[str, ...]) -> list[int]:
    out = []
    for value in ids:
        digits = value[len(MEASURE_PREFIX) :] if value.startswith(MEASURE_PREFIX) else ""
        if digits.isdigit() and len(digits) < 10:
            out.append(int(digits))
    return out


def _public_measures(query: RequestQuery) -> list[Measure]:
    stmt = db.select(Measure).where(
        Measure.visibility == "shared", Measure.status.in_(PUBLIC_MEASURE_STATUSES)
    )
    if query.ids:
        wanted = _measure_ids(query.ids)
        if not wanted:
            return []
        stmt = stmt.where(Measure.id.in_(wanted))
    else:
        stmt = stmt.where(Measure.created_at >= query.start, Measure.created_at <= query.end)
    stmt = stmt.order_by(Measure.created_at.desc(), Measure.id).limit(MAX_RESULTS)
    return list(db.session.execute(stmt).scalars())


def _measure_service_code(measure: Measure) -> str:
    """The most common category among the *published* reports behind the measure: a
    non-public observation's category would tell something that is not public."""
    direct = db.select(PublicReport.category_code).where(
        PublicReport.status == "published", PublicReport.measure_id == measure.id
    )
    via_observation = (
        db.select(PublicReport.category_code)
        .join(Observation, Observation.id == PublicReport.observation_id)
        .where(PublicReport.status == "published", Observation.measure_id == measure.id)
    )
    codes = Counter(db.session.execute(direct).scalars())
    codes.update(db.session.execute(via_observation).scalars())
    if not codes:
        return FALLBACK_SERVICE
    return sorted(codes.items(), key=lambda item: (-item[1], item[0]))[0][0]


def service_requests(query: RequestQuery) -> list[ServiceRequest]:
    names = _category_names()
    out: list[ServiceRequest] = []
    for report in _public_reports(query):
        out.append(
            report_request(
                report,
                _shared(what_became_of(report)),
                names.get(report.category_code, report.category_code),
            )
        )
    zones = load_zones()
    for measure in _public_measures(query):
        code = _measure_service_code(measure)
        if not query.ids and query.service_codes and code not in query.service_codes:
            continue
        zone = ZONE_SV.get(zones.zone_of(measure.lat, measure.lon))
        item = measure_request(measure, code, zone)
        out.append(_named(item, names.get(code, code)))
    if query.statuses and not query.ids:
        out = [r for r in out if r.status in query.statuses]
    out.sort(key=lambda r: (r.requested, r.id), reverse=True)
    return out[:MAX_RESULTS]


def _named(item: ServiceRequest, name: str) -> ServiceRequest:
    return replace(item, service_name=name)


def new_report(request: NewRequest, key: ApiKey) -> tuple[str | None, Errors]:
    """A resident's report from a partner's system: the same validation as the resident's
    form, stored as pending (nothing is published unmoderated). Names, device and account ids
    are never stored; the key replaces the browser door's form token and daily cap."""
    payload = {
        "id": str(uuid.uuid4()),
        "lat": request.lat,
        "lon": request.lon,
        "feeling": "unsafe",
        "category": request.service_code,
        "text": request.description,
        "contact": request.contact,
    }
    clean, errors = validate_report(payload)
    if clean is None:
        return None, errors
    report = PublicReport(**asdict(clean), content_hash=content_digest(clean.canonical()))
    db.session.add(report)
    db.session.flush()
    audit(
        "partner_report.create",
        report,
        actor=SimpleNamespace(id=None, username=f"open311:{key.name}"),
        key_id=key.id,
        key_name=key.name,
    )
    db.session.commit()
    return report.id, {}


def now_utc() -> datetime:
    return utcnow()
