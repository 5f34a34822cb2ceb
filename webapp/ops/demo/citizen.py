"""Demo of the citizen voice: residents' map reports at each moderation step, and two annual
safety surveys (last year's and this year's, the same questions) with anonymous answers, so the
moderation queue, the public feedback page, the survey results and the council report's survey
section all have something to show. The two published reports carry the shared measures taken
on them (one done, one under way), so a resident sees "what was done" on the map and the page.
One report was turned into a review item, and a few came in around this date a year ago (one
of them merged with the measure on the square's lights), so the council report's residents'
section has every outcome and a year to compare with."""

from __future__ import annotations

import random
import secrets
import uuid
from datetime import datetime, timedelta

from webapp.auth.models import User
from webapp.citizen.models import (
    PublicReport,
    Survey,
    SurveyAnswer,
    SurveyQuestion,
    SurveyResponse,
)
from webapp.citizen.moderation.service import review_item
from webapp.citizen.public.reports import CleanReport, new_report
from webapp.extensions import db
from webapp.measures.models import Measure

# What was done about the published reports, by their public text:
# (title, description, owner, status, deadline in days from now).
MEASURES = {
    "Skräp vid parkeringen efter helger.": (
        "Fler papperskorgar och städning efter helger vid parkeringen",
        "Kommunen sätter upp två papperskorgar till och städar parkeringen varje måndag.",
        "municipality_technical", "in_progress", 21),
    "Torget känns tryggt med den nya belysningen.": (
        "Ny belysning på torget",
        "Kommunen har bytt till ljusare armaturer runt torget efter förra årets vandring.",
        "municipality_technical", "done", None),
}  # fmt: skip

# (lat, lon, feeling, category, text, status, public text)
REPORTS = (
    (59.83452, 13.14118, "unsafe", "belysning", "Gångtunneln är mörk, flera lampor är trasiga.",
     "pending", ""),
    (59.83795, 13.14240, "unsafe", "ungdomssamling", "Stökigt vid busstationen fredagkvällar.",
     "pending", ""),
    (59.83530, 13.14700, "unsafe", "skymd-sikt", "Buskarna vid gångvägen i parken skymmer sikten.",
     "pending", ""),
    (59.83700, 13.14860, "unsafe", "nedskrapning", "Mycket skräp vid parkeringen efter helger.",
     "published", "Skräp vid parkeringen efter helger."),
    (59.83660, 13.14410, "safe", "ovrigt", "Torget känns tryggt med den nya belysningen.",
     "published", "Torget känns tryggt med den nya belysningen."),
    (59.83600, 13.14300, "unsafe", "ovrigt", "Reklam för en webbutik.", "hidden", ""),
)  # fmt: skip

# Reports the coordinator took up (days before now) and reports from around this date a year
# ago (days before then): (days, lat, lon, category, text, status, public text). The merged one
# is on the dark square, merged with the measure that has replaced its lights since (MEASURES);
# the advert was hidden.
TAKEN_UP = (
    (8, 59.83800, 13.14250, "skadegorelse", "Klotter i väntsalen vid busstationen.", "converted",
     ""),
)  # fmt: skip
A_YEAR_AGO = (
    (3, 59.83650, 13.14400, "belysning", "Mörkt på torget på kvällarna.", "merged", ""),
    (9, 59.83795, 13.14240, "ungdomssamling", "Stökigt vid busstationen på kvällarna.",
     "published", "Stökigt vid busstationen på kvällarna."),
    (16, 59.83520, 13.14650, "nedskrapning", "Skräp i parken.", "published",
     "Skräp i parken vid Klarälven."),
    (12, 59.83600, 13.14300, "ovrigt", "Billiga klockor, beställ på nätet.", "hidden", ""),
)  # fmt: skip

QUESTIONS = (
    ("scale", "Hur trygg känner du dig i Sunne centrum på kvällen?",
     ["Mycket otrygg", "Mycket trygg"]),
    ("single", "Hur ofta ser du polis till fots i centrum?",
     ["Aldrig", "Någon gång per månad", "Varje vecka"]),
    ("multiple", "Vad skulle få dig att känna dig tryggare?",
     ["Bättre belysning", "Fler vuxna ute på kvällen", "Mer synlig polis", "Mindre skräp"]),
    ("map_point", "Markera var du känner dig otrygg", []),
)  # fmt: skip

# Places residents mark as unsafe, with how often (weights) last year and this year: the tunnel
# got new lights after last year's walk, the bus station is still a worry.
UNSAFE_PLACES = (
    ((59.83430, 13.14120), 6, 2),  # Gångtunneln
    ((59.83790, 13.14230), 4, 5),  # Busstationen
    ((59.83520, 13.14650), 3, 2),  # Parken vid Klarälven
    ((59.83710, 13.14880), 2, 2),  # Parkeringen vid affären
)


def seed_citizen_demo(coordinator: User, rng: random.Random, now: datetime) -> None:
    _reports(coordinator, rng, now)
    # Their own random source: the demo's other values stay what they were.
    _handled_reports(coordinator, random.Random(311), now)
    last_year = _survey("Trygghetsenkät 2025", coordinator, now - timedelta(days=425))
    # This year's is open now, so its public link and QR poster can be tried in the demo.
    this_year = _survey("Trygghetsenkät 2026", coordinator, now - timedelta(days=21), days=45)
    _answers(last_year, rng, 28, scale_weights=(3, 6, 8, 7, 4), police_weights=(9, 14, 5), year=0)
    _answers(this_year, rng, 41, scale_weights=(2, 5, 10, 15, 9), police_weights=(5, 18, 18),
             year=1)  # fmt: skip


def _reports(coordinator: User, rng: random.Random, now: datetime) -> None:
    for index, (lat, lon, feeling, category, text, status, public_text) in enumerate(REPORTS):
        received = (now - timedelta(days=2 + 3 * index)).replace(minute=0)
        report_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        # As a resident's phone sends it, then as the coordinator handled it.
        report = new_report(CleanReport(report_id, lat, lon, feeling, category, text, None, ""))
        report.received_at = received
        report.status = status
        report.public_text = public_text
        if status != "pending":
            report.moderated_at = received + timedelta(hours=20)
            report.moderated_by_id = coordinator.id
        if status == "hidden":
            report.hidden_reason = "not_ours"  # an advert
        report.measure = _measure(public_text, lat, lon, coordinator, now)
        db.session.add(report)


def moderated_report(  # noqa: PLR0913 - one report and its moderation
    report_id: str,
    place: tuple[float, float, str, str],
    received: datetime,
    status: str,
    public_text: str,
    coordinator: User,
) -> PublicReport:
    """An "unsafe" report at `place` (lat, lon, category, text), received at `received` and
    moderated to `status` by `coordinator` the next day."""
    lat, lon, category, text = place
    report = new_report(CleanReport(report_id, lat, lon, "unsafe", category, text, None, ""))
    report.received_at = received
    report.status = status
    report.public_text = public_text
    report.moderated_at = received + timedelta(hours=20)
    report.moderated_by_id = coordinator.id
    return report


def _handled_reports(coordinator: User, rng: random.Random, now: datetime) -> None:
    year_ago = now - timedelta(days=365)
    rows = [(now, row) for row in TAKEN_UP] + [(year_ago, row) for row in A_YEAR_AGO]
    for before, (days, lat, lon, category, text, status, public_text) in rows:
        received = (before - timedelta(days=days)).replace(minute=0)
        report_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        report = moderated_report(
            report_id, (lat, lon, category, text), received, status, public_text, coordinator
        )
        if status == "hidden":
            report.hidden_reason = "not_ours"  # an advert
        elif status == "merged":
            lights = db.select(Measure).filter_by(
                title=MEASURES[_TORGET][0], created_by_id=coordinator.id
            )
            report.measure = db.session.scalars(lights).first()
        elif status == "converted":
            # As the coordinator's "turn into a review item" makes it (without its audit entry
            # and webhook: the demo's history is seeded, not done).
            observation_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
            report.observation = review_item(report, coordinator, observation_id)
        db.session.add(report)


_TORGET = "Torget känns tryggt med den nya belysningen."


def _measure(
    public_text: str, lat: float, lon: float, coordinator: User, now: datetime
) -> Measure | None:
    """The shared measure taken on a published report, with its history (or None)."""
    if public_text not in MEASURES:
        return None
    title, description, owner, status, days = MEASURES[public_text]
    measure = Measure(
        title=title,
        description=description,
        owner=owner,
        deadline=(now + timedelta(days=days)).date() if days is not None else None,
        lat=lat,
        lon=lon,
        visibility="shared",
        created_by_id=coordinator.id,
    )
    measure.change_status("proposed", by=coordinator.id, comment="Skapad")
    for step in ("decided", status):
        measure.change_status(step, by=coordinator.id)
    db.session.add(measure)
    return measure


def _survey(title: str, coordinator: User, opens: datetime, days: int = 30) -> Survey:
    survey = Survey(
        title=title,
        intro="Hjälp oss att göra Sunne tryggare. Enkäten är anonym och tar två minuter.",
        code=secrets.token_urlsafe(9)[:12],
        opens_at=opens,
        closes_at=opens + timedelta(days=days),
        annual=True,  # the yearly Trygghetsenkät: the council report compares the two
        created_by_id=coordinator.id,
    )
    survey.questions = [
        SurveyQuestion(position=i, kind=kind, text=text, options=options, required=kind == "scale")
        for i, (kind, text, options) in enumerate(QUESTIONS)
    ]
    db.session.add(survey)
    db.session.flush()
    return survey


def _answers(  # noqa: PLR0913 - one survey's whole shape
    survey: Survey,
    rng: random.Random,
    count: int,
    *,
    scale_weights: tuple[int, ...],
    police_weights: tuple[int, ...],
    year: int,
) -> None:
    scale, police, wishes, places = survey.questions
    spots = [spot for spot, *_ in UNSAFE_PLACES]
    spot_weights = [weights[year] for _spot, *weights in UNSAFE_PLACES]
    for _ in range(count):
        response = SurveyResponse(id=str(uuid.UUID(int=rng.getrandbits(128), version=4)))
        response.survey_id = survey.id
        answers = [
            SurveyAnswer(question_id=scale.id, value=rng.choices(range(1, 6), scale_weights)[0]),
            SurveyAnswer(question_id=police.id, value=rng.choices(range(3), police_weights)[0]),
        ]
        for option in sorted(rng.sample(range(len(wishes.options)), rng.randint(1, 2))):
            answers.append(SurveyAnswer(question_id=wishes.id, value=option))
        if rng.random() < 0.6:  # not everyone marks a place
            lat, lon = rng.choices(spots, spot_weights)[0]
            answers.append(
                SurveyAnswer(
                    question_id=places.id,
                    lat=round(lat + rng.uniform(-0.0003, 0.0003), 5),
                    lon=round(lon + rng.uniform(-0.0005, 0.0005), 5),
                )
            )
        response.answers = answers
        db.session.add(response)
