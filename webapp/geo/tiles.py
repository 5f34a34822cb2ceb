"""Integer web-mercator positions and local weeks: what the map's aggregates group by.

Every observation stores its position as integers `mx, my` at 2^24 units around the world
(about 1.2 m at Sunne's latitude) and the local week it was made in, computed once in Python
when the row is written. A cluster cell at zoom z is then `mx // cell_divisor(z)`: integer
division of non-negative integers, the same on SQLite and PostgreSQL, no math functions in SQL
and no PostGIS. Cells nest (a zoom-z cell is exactly 2 x 2 cells of zoom z+1) and never straddle
a 256 px map tile, so answers can be cached per tile. Pure math, no dependency.
"""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from webapp.core.localtime import DEFAULT_ZONE

FINE_ZOOM = 24  # 2^24 units around the world: fits a 32-bit INTEGER on both databases
TILE_PX = 256
CELL_PX = 64  # one cluster cell = 64 x 64 screen px, 4 x 4 cells per tile
MAX_LAT = 85.05112878  # web mercator's edge
WEEK_ZONE = DEFAULT_ZONE  # weeks are Swedish weeks, whatever the server's zone
WEEK_EPOCH = date(1970, 1, 5)  # a Monday: week 0 starts then, local time


def mercator_units(lat: float, lon: float) -> tuple[int, int]:
    """(mx, my): integer web-mercator position, x east from -180°, y south from the north edge."""
    lat = max(-MAX_LAT, min(MAX_LAT, lat))
    s = math.sin(math.radians(lat))
    x = (lon + 180.0) / 360.0
    y = 0.5 - math.log((1 + s) / (1 - s)) / (4 * math.pi)
    top = 2**FINE_ZOOM - 1
    return min(top, max(0, int(x * 2**FINE_ZOOM))), min(top, max(0, int(y * 2**FINE_ZOOM)))


def units_to_latlon(mx: float, my: float) -> tuple[float, float]:
    """The inverse of mercator_units (fractions allowed: a cell's mean position)."""
    lon = mx / 2**FINE_ZOOM * 360.0 - 180.0
    n = math.pi * (1 - 2 * my / 2**FINE_ZOOM)
    return math.degrees(math.atan(math.sinh(n))), lon


def cell_divisor(zoom: int) -> int:
    """Fine units per cluster cell at `zoom` (a power of two; 1 from zoom 22 on)."""
    shift = FINE_ZOOM - zoom - int(math.log2(TILE_PX)) + int(math.log2(CELL_PX))
    return 2 ** max(0, shift)


def tile_divisor(zoom: int) -> int:
    """Fine units per 256 px map tile at `zoom`."""
    return 2 ** max(0, FINE_ZOOM - zoom)


def local_week(instant: datetime, zone: str = WEEK_ZONE) -> int:
    """Index of the local (Monday-first) week holding `instant`; a naive time counts as UTC."""
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=UTC)
    return (instant.astimezone(ZoneInfo(zone)).date() - WEEK_EPOCH).days // 7


def week_start(week: int, zone: str = WEEK_ZONE) -> datetime:
    """The UTC instant the local week `week` begins (local midnight on its Monday)."""
    day = WEEK_EPOCH + timedelta(days=7 * week)
    return datetime(day.year, day.month, day.day, tzinfo=ZoneInfo(zone)).astimezone(UTC)


def _spread(v: int) -> int:
    """The bits of a 24-bit integer moved to the even positions of a 48-bit one."""
    v = (v | (v << 16)) & 0x0000FFFF0000FFFF
    v = (v | (v << 8)) & 0x00FF00FF00FF00FF
    v = (v | (v << 4)) & 0x0F0F0F0F0F0F0F0F
    v = (v | (v << 2)) & 0x3333333333333333
    return (v | (v << 1)) & 0x5555555555555555


def z_order(mx: int, my: int) -> int:
    """Z-order (Morton) code of a position: x bits even, y bits odd, 48 bits.

    Every aligned square of 2^k x 2^k units is one contiguous range of codes (z_range), so a
    single B-tree index finds the records of any map cell at any zoom with one range seek,
    which an (mx, my) index cannot: it reads the whole column of the map the cell stands in.
    """
    return _spread(mx) | (_spread(my) << 1)


def z_range(cx: int, cy: int, divisor: int) -> tuple[int, int]:
    """First and last z-order code of cell (cx, cy) of `divisor` units (a power of two)."""
    low = z_order(cx * divisor, cy * divisor)
    return low, low + divisor * divisor - 1


def derive_columns(lat: float, lon: float, observed_at: datetime) -> dict[str, int]:
    """The stored map columns of a record at (lat, lon) made at `observed_at`."""
    mx, my = mercator_units(lat, lon)
    return {"mx": mx, "my": my, "week": local_week(observed_at), "zcode": z_order(mx, my)}
