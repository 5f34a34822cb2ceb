"""The police's answer (a JSON array of events) into clean values; bad items are skipped."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

# The hour is not always zero-padded ("2018-04-13 9:58:49 +02:00").
_DATETIME = re.compile(
    r"^(\d{4})-(\d{1,2})-(\d{1,2}) (\d{1,2}):(\d{2}):(\d{2}) ([+-])(\d{2}):?(\d{2})$"
)
URL_ORIGIN = "https://polisen.se/"


class ParseError(ValueError):
    pass


@dataclass(frozen=True)
class Event:
    id: int
    occurred_at: datetime
    raw_datetime: str
    name: str
    summary: str
    url: str
    type: str
    location_name: str


def parse_datetime(text: str) -> datetime | None:
    match = _DATETIME.match(text.strip())
    if not match:
        return None
    y, mo, d, h, mi, s, sign, oh, om = match.groups()
    offset = timedelta(hours=int(oh), minutes=int(om)) * (-1 if sign == "-" else 1)
    try:
        moment = datetime(int(y), int(mo), int(d), int(h), int(mi), int(s), tzinfo=timezone(offset))
    except ValueError:
        return None
    return moment.astimezone(UTC)


def _text(value: Any, limit: int) -> str:
    return str(value).strip()[:limit] if isinstance(value, str) else ""


def parse_events(body: bytes) -> tuple[list[Event], int]:
    """(events, skipped). Raises ParseError if the body is not a JSON array."""
    try:
        data = json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as error:
        raise ParseError(f"not JSON: {error}") from None
    if not isinstance(data, list):
        raise ParseError("not a JSON array")
    events, skipped = [], 0
    for item in data:
        event = _event(item) if isinstance(item, dict) else None
        if event is None:
            skipped += 1
        else:
            events.append(event)
    return events, skipped


def _event(item: dict[str, Any]) -> Event | None:
    event_id = item.get("id")
    if not isinstance(event_id, int) or isinstance(event_id, bool) or event_id <= 0:
        return None
    raw = item.get("datetime")
    moment = parse_datetime(raw) if isinstance(raw, str) else None
    url = item.get("url")
    if moment is None or not isinstance(url, str) or not url.startswith(URL_ORIGIN):
        return None
    location = item.get("location") if isinstance(item.get("location"), dict) else {}
    name = _text(item.get("name"), 300)
    if not name:
        return None
    return Event(
        id=event_id,
        occurred_at=moment,
        raw_datetime=raw[:40],  # type: ignore[index]
        name=name,
        summary=_text(item.get("summary"), 4000),
        url=url.strip()[:500],
        type=_text(item.get("type"), 80),
        location_name=_text(location.get("name"), 120),  # type: ignore[union-attr]
    )
