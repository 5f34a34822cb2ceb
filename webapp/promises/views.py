"""Promises and activity types: everyone in the field reads them, the coordinator edits them."""

from __future__ import annotations

from collections import Counter

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from webapp.activities.models import Activity, ActivityType
from webapp.auth.session import roles_required
from webapp.core.access import Role, visibility_filter
from webapp.core.audit.service import record as audit
from webapp.core.errors import ApiProblem
from webapp.core.localtime import local_today
from webapp.extensions import db
from webapp.promises.forms import ORGANISATION_LABELS, ActivityTypeForm, PromiseForm, slugify
from webapp.promises.held import held_counts
from webapp.promises.linking import relink_activities
from webapp.promises.models import Promise, activity_promises

bp = Blueprint("promises", __name__, url_prefix="/promises")
READERS = (Role.OFFICER, Role.STAFF, Role.COORDINATOR)


@bp.get("/")
@roles_required(*READERS)
def index() -> str:
    promises = (
        db.session.execute(db.select(Promise).order_by(Promise.starts_on.desc(), Promise.id))
        .scalars()
        .all()
    )
    types = db.session.execute(db.select(ActivityType).order_by(ActivityType.name)).scalars().all()
    return render_template(
        "promises/index.html",
        promises=promises,
        types=types,
        counts=activity_counts(),
        held=held_counts(promises, current_user),
        organisations=ORGANISATION_LABELS,
        today=local_today(),
    )


def activity_counts() -> Counter[tuple[int, int]]:
    """(promise id, activity type id) -> how many logged activities the reader may see."""
    rows = db.session.execute(
        db.select(activity_promises.c.promise_id, Activity.activity_type_id, db.func.count())
        .join(Activity, Activity.id == activity_promises.c.activity_id)
        .where(visibility_filter(current_user, Activity.visibility, Activity.author_id))
        .group_by(activity_promises.c.promise_id, Activity.activity_type_id)
    ).all()
    return Counter({(promise_id, type_id): n for promise_id, type_id, n in rows})


def get_promise_or_404(promise_id: int) -> Promise:
    promise = db.session.get(Promise, promise_id)
    if promise is None:
        raise ApiProblem("not_found")
    return promise


def get_activity_type_or_404(type_id: int) -> ActivityType:
    activity_type = db.session.get(ActivityType, type_id)
    if activity_type is None:
        raise ApiProblem("not_found")
    return activity_type


@bp.route("/new", methods=["GET", "POST"])
@roles_required(Role.COORDINATOR)
def new_promise() -> Response | str | tuple[str, int]:
    return _save_promise(Promise(), PromiseForm())


@bp.route("/<int:promise_id>/edit", methods=["GET", "POST"])
@roles_required(Role.COORDINATOR)
def edit_promise(promise_id: int) -> Response | str | tuple[str, int]:
    promise = get_promise_or_404(promise_id)
    return _save_promise(promise, PromiseForm(obj=promise))


PROMISE_FIELDS = ("title", "body", "starts_on", "ends_on")


def _save_promise(promise: Promise, form: PromiseForm) -> Response | str | tuple[str, int]:
    types = db.session.scalars(db.select(ActivityType).order_by(ActivityType.name)).all()
    served = [t for t in types if t.active or t in promise.activity_types]
    form.activity_type_ids.choices = [SelectChoice(t.id, t.name) for t in served]
    if not form.is_submitted():
        form.activity_type_ids.data = [t.id for t in promise.activity_types]
    if not form.validate_on_submit():
        status = 422 if form.is_submitted() else 200
        return render_template("promises/promise_form.html", form=form, promise=promise), status
    before = {t.id for t in promise.activity_types}
    # Unticked boxes send nothing: only a form that showed the boxes may clear them all.
    shown = request.form.get("activity_types_shown") == "1"
    chosen = set(form.activity_type_ids.data or []) if shown else before
    changed = [name for name in PROMISE_FIELDS if getattr(promise, name) != form[name].data]
    changed += ["activity_types"] if chosen != before else []
    for name in PROMISE_FIELDS:
        form[name].populate_obj(promise, name)
    promise.activity_types = [t for t in served if t.id in chosen]
    created = promise.id is None
    if created:
        db.session.add(promise)
        db.session.flush()
    # New dates or activities: work logged on the days the promise now covers counts for it,
    # and no longer for days or activities it stopped covering.
    links = relink_activities(before | chosen)
    audit("promise.create" if created else "promise.update", promise, changed=changed,
          activity_links=links)  # fmt: skip
    db.session.commit()
    flash(_("Promise saved."), "success")
    return redirect(url_for("promises.index"))


@bp.route("/activity-types/new", methods=["GET", "POST"])
@roles_required(Role.COORDINATOR)
def new_type() -> Response | str | tuple[str, int]:
    return _save_type(ActivityType(active=True), ActivityTypeForm())


@bp.route("/activity-types/<int:type_id>/edit", methods=["GET", "POST"])
@roles_required(Role.COORDINATOR)
def edit_type(type_id: int) -> Response | str | tuple[str, int]:
    activity_type = get_activity_type_or_404(type_id)
    form = ActivityTypeForm(obj=activity_type)
    if not form.is_submitted():
        form.promises.data = [p.id for p in activity_type.promises]
    return _save_type(activity_type, form)


def _save_type(
    activity_type: ActivityType, form: ActivityTypeForm
) -> Response | str | tuple[str, int]:
    promises = (
        db.session.execute(db.select(Promise).order_by(Promise.starts_on.desc())).scalars().all()
    )
    form.promises.choices = [SelectChoice(p.id, p.title) for p in promises]
    if (
        form.validate_on_submit()
        and _code_is_free(form, activity_type)
        and _kind_kept(form, activity_type)
    ):
        before = {"name": activity_type.name, "kind": activity_type.kind,
                  "organisation": activity_type.organisation,
                  "promises": sorted(p.id for p in activity_type.promises)}  # fmt: skip
        activity_type.name = form.name.data
        activity_type.code = form.code.data or activity_type.code or slugify(form.name.data)
        activity_type.kind = form.kind.data
        activity_type.organisation = form.organisation.data
        activity_type.description = form.description.data or ""
        activity_type.active = form.active.data
        activity_type.promises = [p for p in promises if p.id in (form.promises.data or [])]
        created = activity_type.id is None
        if created:
            db.session.add(activity_type)
            db.session.flush()
        links = relink_activities([activity_type.id])
        after = {"name": activity_type.name, "kind": activity_type.kind,
                 "organisation": activity_type.organisation,
                 "promises": sorted(p.id for p in activity_type.promises)}  # fmt: skip
        audit(
            "activity_type.create" if created else "activity_type.update",
            activity_type,
            changed=[key for key in after if before[key] != after[key]],
            activity_links=links,
        )
        db.session.commit()
        flash(_("Activity type saved."), "success")
        return redirect(url_for("promises.index"))
    status = 422 if form.is_submitted() else 200
    return render_template(
        "promises/type_form.html", form=form, activity_type=activity_type
    ), status


def _code_is_free(form: ActivityTypeForm, activity_type: ActivityType) -> bool:
    code = form.code.data or activity_type.code or slugify(form.name.data)
    other = db.session.execute(db.select(ActivityType).filter_by(code=code)).scalar_one_or_none()
    if other is not None and other.id != activity_type.id:
        form.code.errors = [*form.code.errors, _("Another activity type has this code.")]
        return False
    form.code.data = code
    return True


def _kind_kept(form: ActivityTypeForm, activity_type: ActivityType) -> bool:
    """Logged entries were checked against their kind: a type in use keeps its kind."""
    if activity_type.id is None or form.kind.data == activity_type.kind:
        return True
    in_use = db.session.execute(
        db.select(Activity.id).filter_by(activity_type_id=activity_type.id).limit(1)
    ).first()
    if in_use:
        form.kind.errors = [
            *form.kind.errors,
            _("Entries exist for this type: its kind cannot change."),
        ]
        return False
    return True
