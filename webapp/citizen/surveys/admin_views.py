"""The coordinator's surveys: build, open for a period, share (link and QR code), see results."""

from __future__ import annotations

from datetime import UTC, date, datetime

from flask import Blueprint, Response, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from webapp.auth.session import roles_required
from webapp.citizen import labels as citizen_labels
from webapp.citizen.surveys import service as surveys
from webapp.citizen.surveys.forms import QuestionForm, SurveyForm
from webapp.citizen.surveys.stats import FEW_ANSWERS, survey_results
from webapp.core.access import Role
from webapp.core.i18n import tile_attribution
from webapp.walks.qr import qr_svg

bp = Blueprint("surveys", __name__, url_prefix="/citizen/surveys")
bp.context_processor(lambda: {"citizen_labels": citizen_labels})


def public_url(code: str) -> str:
    return url_for("survey.answer_page", code=code, _external=True)


def _details(form: SurveyForm) -> tuple[str, str, date | None, date | None]:
    """Title, introduction and period as the survey service takes them."""
    return form.title.data or "", form.intro.data or "", form.opens_on.data, form.closes_on.data


def _period(survey) -> dict:  # type: ignore[no-untyped-def]
    first, last = surveys.local_days(survey)
    return {"opens_on": first, "closes_on": last}


def _detail_page(survey, form: SurveyForm, question_form: QuestionForm) -> str:  # type: ignore[no-untyped-def]
    """The survey's page: its details (form), a new question (question_form), how to share it."""
    return render_template(
        "citizen/surveys/detail.html",
        survey=survey,
        form=form,
        question_form=question_form,
        responses=surveys.response_count(survey),
        url=public_url(survey.code),
    )


def _to_detail(survey) -> Response:  # type: ignore[no-untyped-def]
    return redirect(url_for("surveys.detail", survey_id=survey.id))


@bp.get("/")
@roles_required(Role.COORDINATOR)
def index() -> str:
    rows = surveys.all_surveys()
    counts = {s.id: surveys.response_count(s) for s in rows}
    # First and last day as the coordinator entered them (closes_at is the midnight after).
    days = {s.id: surveys.local_days(s) for s in rows}
    return render_template("citizen/surveys/index.html", surveys=rows, counts=counts, days=days)


@bp.route("/new", methods=["GET", "POST"])
@roles_required(Role.COORDINATOR)
def new() -> Response | str | tuple[str, int]:
    form = SurveyForm()
    if not form.validate_on_submit():
        status = 422 if form.is_submitted() else 200
        return render_template("citizen/surveys/form.html", form=form, survey=None), status
    survey = surveys.create_survey(*_details(form), current_user, annual=bool(form.annual.data))
    flash(_("The survey is created. Add its questions."), "success")
    return _to_detail(survey)


@bp.route("/<int:survey_id>", methods=["GET", "POST"])
@roles_required(Role.COORDINATOR)
def detail(survey_id: int) -> Response | str | tuple[str, int]:
    survey = surveys.get_survey_or_404(survey_id)
    form = SurveyForm(obj=survey, **_period(survey))
    if form.validate_on_submit():
        surveys.update_survey(survey, *_details(form), current_user, annual=bool(form.annual.data))
        flash(_("The survey is saved."), "success")
        return _to_detail(survey)
    return _detail_page(survey, form, QuestionForm(formdata=None)), (
        422 if form.is_submitted() else 200
    )


@bp.post("/<int:survey_id>/questions")
@roles_required(Role.COORDINATOR)
def add_question(survey_id: int) -> Response | tuple[str, int]:
    survey = surveys.get_survey_or_404(survey_id)
    form = QuestionForm()
    if not form.validate_on_submit():
        form_of_survey = SurveyForm(formdata=None, obj=survey, **_period(survey))
        return _detail_page(survey, form_of_survey, form), 422
    try:
        surveys.add_question(
            survey,
            form.kind.data,
            form.text.data or "",
            form.option_list(),
            bool(form.required.data),
            current_user,
        )
    except surveys.SurveyError as problem:
        flash(str(problem), "error")
    return _to_detail(survey)


@bp.post("/<int:survey_id>/questions/<int:question_id>/delete")
@roles_required(Role.COORDINATOR)
def delete_question(survey_id: int, question_id: int) -> Response:
    survey = surveys.get_survey_or_404(survey_id)
    try:
        surveys.delete_question(survey, question_id, current_user)
    except surveys.SurveyError as problem:
        flash(str(problem), "error")
    return _to_detail(survey)


@bp.post("/<int:survey_id>/copy")
@roles_required(Role.COORDINATOR)
def copy(survey_id: int) -> Response:
    survey = surveys.copy_survey(surveys.get_survey_or_404(survey_id), current_user)
    flash(_("A copy with the same questions is made. Set its period to open it."), "success")
    return _to_detail(survey)


@bp.get("/<int:survey_id>/results")
@roles_required(Role.COORDINATOR)
def results(survey_id: int) -> str:
    survey = surveys.get_survey_or_404(survey_id)
    data = survey_results(survey)
    config = current_app.config
    heat = {
        "current": [list(p) for p in data.points],
        "previous": [list(p) for p in data.previous_points],
        "map": {
            "tile_url": config["TILE_URL"],
            "attribution": tile_attribution(),
            "center": list(config["MAP_CENTER"]),
        },
    }
    return render_template(
        "citizen/surveys/results.html",
        results=data,
        heat=heat,
        preliminary=data.preliminary(datetime.now(UTC)),
        closes_on=surveys.local_days(survey)[1],
        few_answers=FEW_ANSWERS,
    )


@bp.get("/<int:survey_id>/qr.svg")
@roles_required(Role.COORDINATOR)
def qr(survey_id: int) -> Response:
    survey = surveys.get_survey_or_404(survey_id)
    response = Response(qr_svg(public_url(survey.code)), mimetype="image/svg+xml")
    response.headers["Cache-Control"] = "private, no-store"
    return response
