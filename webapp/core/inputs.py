"""Numbers and text from URLs, query strings and form bodies, bounded before the database.

Python's int has no limit, the columns do: every integer id is a 32-bit INTEGER (PostgreSQL
refuses 2147483648 with an error, SQLite refuses 2**63 with OverflowError). So every id from a
route, a query string or a body goes through one of these, and a value out of range is simply not
an id: 404 for a route, None (then the caller's "unknown" message or 404) for a body field.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, abort, request
from werkzeug.datastructures import MultiDict
from werkzeug.routing import IntegerConverter

from webapp.core.errors import ApiProblem
from webapp.core.fieldinput import is_clean_text, is_whole_number, unclean_text_message
from webapp.extensions import db

# The largest value of a PostgreSQL INTEGER (and of our SQLite ids, which share the schema).
MAX_ID = 2**31 - 1
# A list page number: far beyond any list we hold, far below where OFFSET overflows.
MAX_PAGE = 100_000


class BoundedIntConverter(IntegerConverter):
    """`<int:…>` in every route: 0..MAX_ID, so /walks/9223372036854775808 is a 404, not a 500."""

    def __init__(self, map: Any, *args: Any, **kwargs: Any) -> None:  # noqa: A002 (werkzeug's name)
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def init_inputs(app: Flask) -> None:
    """Install the bounded `int` converter (before any blueprint adds a rule) and the text guard."""
    app.url_map.converters["int"] = BoundedIntConverter
    app.before_request(refuse_unclean_urls)


def record_id(value: Any) -> int | None:
    """An integer record id from a query string, a form field or a JSON body; None if not one.

    Accepts a JSON whole number or a string of at most ten digits, in 1..MAX_ID.
    """
    if isinstance(value, str):
        value = value.strip()
        if not (value.isascii() and value.isdigit() and len(value) <= 10):
            return None
        value = int(value)
    if not is_whole_number(value) or not 0 < value <= MAX_ID:
        return None
    return value


def record_ids(values: list[str]) -> list[int]:
    """The valid ids among several (e.g. `?promise=1&promise=2`); the others are dropped."""
    return [number for number in (record_id(v) for v in values) if number is not None]


def page_number(args: MultiDict[str, str] | None = None, name: str = "page") -> int:
    """`?page=` as a number from 1 to MAX_PAGE: missing means 1, anything else is a 404."""
    raw = (args if args is not None else request.args).get(name)
    if raw is None or raw == "":
        return 1
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 6) or not 0 < int(raw) <= MAX_PAGE:
        abort(404)
    return int(raw)


def one_page(query: Any, page: int, size: int) -> tuple[list[Any], bool]:
    """The rows of page `page` (from 1) of `query`, `size` a page, and whether more follow."""
    rows = list(db.session.execute(query.limit(size + 1).offset((page - 1) * size)).scalars())
    return rows[:size], len(rows) > size


def bounded_int(raw: str | None, *, low: int, high: int, default: int) -> int:
    """A small number from a query string (e.g. `?days=`), clamped to low..high."""
    if raw is None or not (raw.strip().isascii() and raw.strip().lstrip("-").isdigit()):
        return default
    if len(raw.strip()) > 12:
        return high if not raw.strip().startswith("-") else low
    return max(low, min(high, int(raw)))


def refuse_unclean_urls() -> None:
    """A path or query string with NUL, control or bidi characters is refused before any view.

    Nothing we link to carries them, and a filter value with NUL would reach a PostgreSQL query
    (an error) or the audit entry of the read (JSON refuses \\u0000 in PostgreSQL). A query
    value gets a 422 naming the parameter. The JSON API checks the parameters it documents
    itself (with field messages) and ignores the others, so it is left to do so.
    """
    if not is_clean_text(request.path):
        abort(404)
    if request.path.startswith("/api/"):
        return
    for key, values in request.args.lists():
        if not is_clean_text(key) or not all(is_clean_text(v) for v in values):
            field = key if is_clean_text(key) else "_"
            raise ApiProblem("validation_failed", fields={field: unclean_text_message()})
