"""The map's stored roll-up (webapp/map/cells.py) answers exactly what the records answer.

Every kind of write goes through: ORM inserts, moves, re-classifications, review status changes,
bulk UPDATE and DELETE statements that no ORM event sees, and compaction at any point between.
After each step the roll-up's cells are compared with the cells counted from the records, for
several zooms, filters and roles (the own-records rule included).
"""

from __future__ import annotations

import random
import threading
import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, func, update

from tests.map.test_clusters import CENTRE, get_clusters, total
from webapp.auth.models import User
from webapp.core import jobs
from webapp.extensions import db
from webapp.geo.tiles import mercator_units, tile_divisor
from webapp.map.cells import MAX_LEVEL, MIN_LEVEL, MapCell, MapCellDelta, compact
from webapp.map.clusters import TileRange, _records_query, _stored_answers, _stored_query
from webapp.map.geojson import Filters
from webapp.observations.models import Category, Observation

CATEGORIES = ("belysning", "skadegorelse", "nedskrapning")
STATUSES = ("new", "reviewed", "closed")
VISIBILITIES = ("police", "municipality", "shared")


def add_records(author: User, count: int, rng: random.Random) -> list[str]:
    ids = []
    for _ in range(count):
        spread = 0.004 if rng.random() < 0.7 else 0.2
        observation = Observation(
            id=str(uuid.uuid4()),
            lat=CENTRE[0] + rng.gauss(0, spread),
            lon=CENTRE[1] + rng.gauss(0, 2 * spread),
            accuracy_m=8.0,
            observed_at=datetime.now(UTC) - timedelta(days=rng.uniform(0, 900)),
            category_code=rng.choice(CATEGORIES),
            note="",
            visibility=rng.choice(VISIBILITIES),
            status=rng.choice(STATUSES),
            author_id=author.id,
            content_hash="cells",
        )
        db.session.add(observation)
        ids.append(observation.id)
    db.session.commit()
    return ids


def view(zoom: int, r: int = 3) -> TileRange:
    mx, my = mercator_units(*CENTRE)
    tx, ty = mx // tile_divisor(zoom), my // tile_divisor(zoom)
    return TileRange(zoom, tx - r, ty - r, tx + r, ty + r)


def answer(query) -> dict:  # type: ignore[no-untyped-def]
    # Centres to the unit: the sums are exact integers on both sides.
    return {
        (r.cx, r.cy): (
            int(r.n),
            round(float(r.sx)),
            round(float(r.sy)),
            int(r.police),
            tuple(int(v) for v in r[6:]),
        )  # fmt: skip
        for r in db.session.execute(query)
    }


def assert_same(users: list[User], zooms=(3, 6, 11, 15, 17)) -> int:  # type: ignore[no-untyped-def]
    filter_sets = [
        Filters(),
        Filters(categories=["skadegorelse", "belysning"]),
        Filters(statuses=["new"], visibility="shared"),
    ]
    all_codes = list(
        db.session.scalars(db.select(Category.code).order_by(Category.sort_order, Category.code))
    )
    compared = 0
    for user in users:
        for zoom in zooms:
            for filters in filter_sets:
                assert _stored_answers(filters, view(zoom))
                codes = filters.categories or all_codes
                expected = answer(_records_query(filters, view(zoom), user, codes))
                got = answer(_stored_query(filters, view(zoom), user, codes))
                assert got == expected, (user.role, zoom, filters)
                compared += len(expected)
    return compared


def test_roll_up_equals_the_records_through_every_kind_of_write(app, officer, staff, coordinator):
    rng = random.Random(18)
    with app.app_context():
        users = [db.session.get(User, u.id) for u in (officer, staff, coordinator)]
        ids = add_records(users[0], 150, rng) + add_records(users[1], 150, rng)
        assert assert_same(users) > 50
        assert db.session.scalar(db.select(func.count()).select_from(MapCellDelta)) == 300

        assert compact() == 300
        assert db.session.scalar(db.select(func.count()).select_from(MapCellDelta)) == 0
        assert db.session.scalar(db.select(func.sum(MapCell.n)).where(MapCell.level == 4)) == 300
        assert_same(users)

        # ORM changes: a move far away, a re-classification, a new review status.
        for record_id in rng.sample(ids, 40):
            record = db.session.get(Observation, record_id)
            record.lat, record.lon = record.lat + 0.01, record.lon - 0.02
        for record_id in rng.sample(ids, 40):
            db.session.get(Observation, record_id).category_code = "skadegorelse"
        for record_id in rng.sample(ids, 40):
            db.session.get(Observation, record_id).status = "closed"
        db.session.commit()
        assert_same(users)

        # Bulk SQL no ORM event sees: a status and a visibility change, then a deletion.
        db.session.execute(
            update(Observation).where(Observation.id.in_(ids[:60])).values(status="reviewed")
        )
        db.session.execute(
            update(Observation).where(Observation.id.in_(ids[50:90])).values(visibility="shared")
        )
        db.session.commit()
        compact()
        db.session.execute(delete(Observation).where(Observation.id.in_(ids[100:180])))
        db.session.commit()
        assert_same(users)
        compact()
        assert_same(users)
        assert db.session.scalar(db.select(func.sum(MapCell.n)).where(MapCell.level == 9)) == 220
        assert compact() == 0  # nothing pending: a second run changes nothing
        assert_same(users)


def test_own_records_count_for_their_author_only(app, client, officer, staff):
    """A roll-up has no author: a viewer's own record in a visibility their role cannot read
    comes from the records, and nobody else sees it."""
    from tests.conftest import login

    with app.app_context():
        staff_user = db.session.get(User, staff.id)
        for record_id in add_records(staff_user, 8, random.Random(1)):
            record = db.session.get(Observation, record_id)
            record.visibility, record.lat, record.lon = "police", CENTRE[0], CENTRE[1]
        db.session.commit()
        compact()
    login(client, staff)
    assert (
        total(get_clusters(client, 12)) == 8
    )  # the author reads their own (a cell of 8: from the roll-up)
    client.post("/logout", headers={"X-CSRFToken": ""})
    with app.test_client() as other:
        login(other, officer)
        assert total(get_clusters(other, 12)) == 8  # police records: the officer reads them
    with app.app_context():
        db.session.execute(update(Observation).values(visibility="shared", author_id=officer.id))
        db.session.commit()
    with app.test_client() as other:
        login(other, staff)
        assert total(get_clusters(other, 12)) == 8  # shared: staff read them without authorship


def test_a_period_or_my_records_read_the_records_themselves(app):
    assert _stored_answers(Filters(), view(17))
    assert not _stored_answers(Filters(), view(18))
    assert not _stored_answers(Filters(since=datetime.now(UTC)), view(12))
    assert not _stored_answers(Filters(mine=True), view(12))
    assert not _stored_answers(Filters(promise_id=1), view(12))


def test_compaction_beside_concurrent_writers_folds_each_delta_once(app, officer, coordinator):
    """Writers commit while compactions run (threads, real connections): nothing counted twice,
    nothing lost. On PostgreSQL this is the DELETE ... RETURNING statement racing the inserts."""
    with app.app_context():
        author_id = officer.id
    errors: list[BaseException] = []
    done = threading.Event()

    def writer(seed: int) -> None:
        try:
            with app.app_context():
                user = db.session.get(User, author_id)
                rng = random.Random(seed)
                for _ in range(15):
                    add_records(user, 4, rng)
        except BaseException as error:  # noqa: BLE001 - reported by the test below
            errors.append(error)

    def compactor() -> None:
        try:
            with app.app_context():
                while not done.is_set():
                    compact()
        except BaseException as error:  # noqa: BLE001
            errors.append(error)

    threads = [threading.Thread(target=writer, args=(s,)) for s in (1, 2)]
    folding = threading.Thread(target=compactor)
    folding.start()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    done.set()
    folding.join()
    assert not errors, errors
    with app.app_context():
        assert db.session.scalar(db.select(func.count()).select_from(Observation)) == 120
        compact()
        for level in (MIN_LEVEL, 12, MAX_LEVEL):
            assert (
                db.session.scalar(db.select(func.sum(MapCell.n)).where(MapCell.level == level))
                == 120
            )
        assert_same([db.session.get(User, coordinator.id)], zooms=(8, 16))


def test_the_worker_folds_the_pending_counts(app, officer):
    """`flask worker --once` (the same call as the worker's tick) leaves no delta behind."""
    with app.app_context():
        add_records(db.session.get(User, officer.id), 12, random.Random(5))
    jobs.init_queue(app)  # the worker's calls run in the app its process made last: this one
    result = app.test_cli_runner().invoke(args=["worker", "--once"])
    assert result.exit_code == 0, result.output
    assert "map counts folded: 12" in result.output
    with app.app_context():
        assert db.session.scalar(db.select(func.count()).select_from(MapCellDelta)) == 0
        assert db.session.scalar(db.select(func.sum(MapCell.n)).where(MapCell.level == 15)) == 12
