"""Work logged before its promise was entered counts for it once the promise covers it.

The activity form says "Nothing ticked: it counts for the promises valid on the date"; that
must stay true when the coordinator enters a new promise period afterwards, moves its dates or
changes which promises a type serves. Hand-ticked promises stay as ticked.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from tests.activities.helpers import ago, andt_payload, iso, patrol_payload
from tests.conftest import api_post, form_csrf_token
from webapp.activities.models import Activity, ActivityType
from webapp.core.localtime import local_today
from webapp.extensions import db
from webapp.promises.models import Promise

TITLE = "Ökad trygghet i centrum, nu"


def _log_patrol(client, **overrides) -> str:  # type: ignore[no-untyped-def]
    response = api_post(client, "/api/v1/activities", patrol_payload(**overrides))
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def _linked(app, activity_id: str) -> set[str]:  # type: ignore[no-untyped-def]
    with app.app_context():
        return {p.title for p in db.session.get(Activity, activity_id).promises}


def _new_promise(client, starts_on: date, ends_on: date | None) -> int:  # type: ignore[no-untyped-def]
    page = client.get("/promises/new").get_data(as_text=True)
    response = client.post(
        "/promises/new",
        data={
            "csrf_token": form_csrf_token(page),
            "title": TITLE,
            "starts_on": starts_on,
            "ends_on": ends_on or "",
        },  # fmt: skip
    )
    assert response.status_code == 302
    return db.session.execute(db.select(Promise.id).filter_by(title=TITLE)).scalar_one()


def _edit_promise(client, promise_id: int, starts_on: date, ends_on: date) -> None:  # type: ignore[no-untyped-def]
    page = client.get(f"/promises/{promise_id}/edit").get_data(as_text=True)
    response = client.post(
        f"/promises/{promise_id}/edit",
        data={
            "csrf_token": form_csrf_token(page),
            "title": TITLE,
            "starts_on": starts_on,
            "ends_on": ends_on,
        },  # fmt: skip
    )
    assert response.status_code == 302


def _serve(client, code: str, promise_ids: list[int]) -> None:  # type: ignore[no-untyped-def]
    """Tick the promises an activity type serves, in the coordinator's type form."""
    activity_type = db.session.execute(db.select(ActivityType).filter_by(code=code)).scalar_one()
    url = f"/promises/activity-types/{activity_type.id}/edit"
    page = client.get(url).get_data(as_text=True)
    data = {
        "csrf_token": form_csrf_token(page),
        "name": activity_type.name,
        "code": activity_type.code,
        "kind": activity_type.kind,
        "organisation": activity_type.organisation,
        "description": activity_type.description,
        "active": "y",
        "promises": [str(i) for i in promise_ids],
    }
    response = client.post(url, data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    db.session.expire_all()


def test_a_patrol_logged_before_its_promise_existed_counts_once_the_promise_covers_it(
    app, officer_client, coordinator_client
):
    patrol = _log_patrol(officer_client)
    assert _linked(app, patrol) == set()  # only the 2016-2017 promises exist

    with app.app_context():
        today = local_today()
        promise_id = _new_promise(coordinator_client, today - timedelta(days=30), None)
        _serve(coordinator_client, "fotpatrull", [promise_id])
    assert _linked(app, patrol) == {TITLE}

    report = coordinator_client.get(
        "/reports/",
        query_string={
            "promise": promise_id,
            "from": (today - timedelta(days=7)),
            "to": today,
        },  # fmt: skip
    ).get_data(as_text=True)
    row = report.split("Fotpatrullering i centrum", 1)[1].split("</tr>", 1)[0]
    assert '<td class="num" data-label="Times done"><span class="cell">1</span></td>' in row


def test_moving_a_promise_s_dates_links_and_unlinks_the_work_of_those_days(
    app, officer_client, coordinator_client
):
    patrol = _log_patrol(officer_client, started_at=iso(ago(days=10)))
    today = local_today()
    with app.app_context():
        promise_id = _new_promise(coordinator_client, today - timedelta(days=3), today)
        _serve(coordinator_client, "fotpatrull", [promise_id])
    # _linked opens a context of its own: none may be held open around it (SQLite's writer lock).
    assert _linked(app, patrol) == set()  # ten days ago lies before the promise

    _edit_promise(coordinator_client, promise_id, today - timedelta(days=20), today)
    assert _linked(app, patrol) == {TITLE}

    _edit_promise(coordinator_client, promise_id, today - timedelta(days=5), today)
    assert _linked(app, patrol) == set()


def test_a_type_that_stops_serving_a_promise_takes_its_unticked_work_along(
    app, officer_client, coordinator_client
):
    patrol = _log_patrol(officer_client)
    with app.app_context():
        promise_id = _new_promise(coordinator_client, local_today() - timedelta(days=30), None)
        _serve(coordinator_client, "fotpatrull", [promise_id])
    assert _linked(app, patrol) == {TITLE}
    with app.app_context():
        _serve(coordinator_client, "fotpatrull", [])
    assert _linked(app, patrol) == set()


def test_hand_ticked_promises_stay_as_ticked_when_promises_change(
    app, officer_client, coordinator_client
):
    with app.app_context():
        promise_id = _new_promise(coordinator_client, local_today() - timedelta(days=30), None)
        other = Promise(title="Ett annat löfte", starts_on=local_today() - timedelta(days=30))
        db.session.add(other)
        db.session.commit()
        other_id = other.id
        _serve(coordinator_client, "andt", [promise_id, other_id])
    ticked = api_post(officer_client, "/api/v1/activities", andt_payload(promise_ids=[other_id]))
    assert ticked.status_code == 201, ticked.get_json()
    unticked = api_post(officer_client, "/api/v1/activities", andt_payload())
    assert unticked.status_code == 201, unticked.get_json()

    with app.app_context():
        _edit_promise(
            coordinator_client, promise_id, local_today() - timedelta(days=60), local_today()
        )
    assert _linked(app, ticked.get_json()["id"]) == {"Ett annat löfte"}
    assert _linked(app, unticked.get_json()["id"]) == {TITLE, "Ett annat löfte"}


def test_editing_an_unticked_activity_keeps_it_unticked(app, officer_client, coordinator_client):
    patrol = _log_patrol(officer_client)
    with app.app_context():
        promise_id = _new_promise(coordinator_client, local_today() - timedelta(days=30), None)
        _serve(coordinator_client, "fotpatrull", [promise_id])
    # The form offers the type's promises with none ticked: the default is shown as such.
    page = officer_client.get(f"/activities/{patrol}/edit").get_data(as_text=True)
    assert f'name="promise_ids" value="{promise_id}">' in page
    with app.app_context():
        assert db.session.get(Activity, patrol).promises_chosen is False


def test_a_new_promise_period_entered_with_its_activities_counts_earlier_work(
    app, officer_client, coordinator_client
):
    """The coordinator enters the promise and ticks its activities in the same form."""
    patrol = _log_patrol(officer_client)
    with app.app_context():
        patrol_type = db.session.execute(
            db.select(ActivityType.id).filter_by(code="fotpatrull")
        ).scalar_one()
        page = coordinator_client.get("/promises/new").get_data(as_text=True)
        assert f'name="activity_type_ids" type="checkbox" value="{patrol_type}"' in page
        response = coordinator_client.post(
            "/promises/new",
            data={"csrf_token": form_csrf_token(page), "title": TITLE,
                  "starts_on": local_today() - timedelta(days=30), "ends_on": "",
                  "activity_types_shown": "1", "activity_type_ids": [str(patrol_type)]},
        )  # fmt: skip
        assert response.status_code == 302
        promise = db.session.execute(db.select(Promise).filter_by(title=TITLE)).scalar_one()
        assert [t.id for t in promise.activity_types] == [patrol_type]
        edit = coordinator_client.get(f"/promises/{promise.id}/edit").get_data(as_text=True)
        ticked = re.findall(r'<input checked[^>]*name="activity_type_ids"[^>]*value="(\d+)"', edit)
        assert ticked == [str(patrol_type)]
        promise_id = promise.id
    assert _linked(app, patrol) == {TITLE}

    # Unticking every box in the form unlinks them, and the work with them.
    response = coordinator_client.post(
        f"/promises/{promise_id}/edit",
        data={"csrf_token": form_csrf_token(edit), "title": TITLE,
              "starts_on": local_today() - timedelta(days=30), "activity_types_shown": "1"},
    )  # fmt: skip
    assert response.status_code == 302
    assert _linked(app, patrol) == set()


def test_the_form_offers_the_promises_of_the_date_and_folds_the_others_away(
    app, officer_client, coordinator_client
):
    """A promise that had ended, listed beside the current one, was ticked by mistake: the form
    lists the promises valid on the entry's date, the others apart under a folded heading (still
    tickable); an older entry's form lists its own period's promises, and a ticked one stays."""
    with app.app_context():
        current_id = _new_promise(coordinator_client, local_today() - timedelta(days=30), None)
        ended = Promise(
            title="Förra perioden",
            starts_on=local_today() - timedelta(days=300),
            ends_on=local_today() - timedelta(days=100),
        )
        db.session.add(ended)
        db.session.commit()
        ended_id = ended.id
        _serve(coordinator_client, "andt", [ended_id, current_id])

    def split(page: str) -> tuple[set[str], set[str]]:
        before, _, folded = page.partition('class="other-promises"')
        ids = r'name="promise_ids" value="(\d+)"'
        return set(re.findall(ids, before)), set(re.findall(ids, folded))

    new_form = officer_client.get("/activities/new/andt").get_data(as_text=True)
    assert split(new_form) == ({str(current_id)}, {str(ended_id)})

    older = api_post(
        officer_client, "/api/v1/activities", andt_payload(started_at=iso(ago(days=200)))
    )
    older_form = officer_client.get(f"/activities/{older.get_json()['id']}/edit")
    assert split(older_form.get_data(as_text=True)) == ({str(ended_id)}, {str(current_id)})

    ticked = api_post(officer_client, "/api/v1/activities", andt_payload(promise_ids=[ended_id]))
    ticked_form = officer_client.get(f"/activities/{ticked.get_json()['id']}/edit")
    assert split(ticked_form.get_data(as_text=True)) == ({str(ended_id), str(current_id)}, set())
