"""The annual safety survey in the council report: results per question and where people marked
places as unsafe, each compared with the previous survey.

The figures come from webapp.citizen.surveys.stats.survey_summary (surveys open at some time in the
period). Marked places are counted two ways: per area (centrum, the rest of the tätort, outside:
the table every reader gets) and per cell of a grid (the heat map). The grid covers where
places were marked in either survey, centrum always included and never beyond the tätort, so a
cluster in centrum fills the map instead of a corner of it. Both surveys are counted on the same
grid and drawn on the same scale, so the maps compare.
Answers are anonymous aggregates: no reader check is needed (see stats.py).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from webapp.citizen.surveys.stats import QuestionResult, SurveyResults, survey_summary
from webapp.extensions import db
from webapp.geo.areas import Area
from webapp.reports.mapdata import Extent, bounds, extent_of
from webapp.reports.observations import AREA_KEYS, AreaOutlines, area_outlines
from webapp.reports.period import Period

HEAT_CELLS_ACROSS = 24  # at most; fewer on a small map, so a cell stays about a block wide
HEAT_CELL_MIN_M = 60
HEAT_MARGIN = 1.3  # room around the outermost marked place
# Around Sunne tätort when its outline is missing.
_TATORT = Extent(13.11, 59.82, 13.18, 59.855)

Point = tuple[float, float]  # (lat, lon), as stats gives them


@dataclass(frozen=True)
class HeatGrid:
    """Square cells (on the ground) over `extent`; counts keyed by (column, row), row 0 south."""

    extent: Extent
    dlon: float
    dlat: float

    @classmethod
    def over(cls, extent: Extent, across: int = HEAT_CELLS_ACROSS) -> HeatGrid:
        dlon = (extent.max_lon - extent.min_lon) / across
        dlat = dlon * math.cos(math.radians((extent.min_lat + extent.max_lat) / 2))
        return cls(extent, dlon, dlat)

    def cell_of(self, lat: float, lon: float) -> tuple[int, int] | None:
        e = self.extent
        if not (e.min_lon <= lon < e.max_lon and e.min_lat <= lat < e.max_lat):
            return None
        return math.floor((lon - e.min_lon) / self.dlon), math.floor((lat - e.min_lat) / self.dlat)

    def bounds(self, cell: tuple[int, int]) -> Extent:
        """The cell as a small extent (south-west to north-east), cut at the grid's edge."""
        x, y = cell
        west, south = self.extent.min_lon + x * self.dlon, self.extent.min_lat + y * self.dlat
        return Extent(
            west,
            south,
            min(west + self.dlon, self.extent.max_lon),
            min(south + self.dlat, self.extent.max_lat),
        )

    def count(self, points: list[Point]) -> HeatCounts:
        counts: dict[tuple[int, int], int] = {}
        outside = 0
        for lat, lon in points:
            cell = self.cell_of(lat, lon)
            if cell is None:
                outside += 1
            else:
                counts[cell] = counts.get(cell, 0) + 1
        return HeatCounts(counts, outside)


@dataclass(frozen=True)
class HeatCounts:
    cells: dict[tuple[int, int], int]
    outside_map: int  # marked places beyond the map's frame (they are in the area table)

    @property
    def biggest(self) -> int:
        return max(self.cells.values(), default=0)


@dataclass
class PlaceQuestion:
    """A "mark on the map" question: per area and per grid cell, now and last time."""

    result: QuestionResult
    areas: dict[str, int]
    previous_areas: dict[str, int] | None
    heat: HeatCounts
    previous_heat: HeatCounts | None

    @property
    def scale_max(self) -> int:
        """The count of the fullest cell in either survey: both maps share one colour scale."""
        before = self.previous_heat.biggest if self.previous_heat else 0
        return max(self.heat.biggest, before)


@dataclass
class SurveySection:
    results: SurveyResults
    grid: HeatGrid
    outlines: list[tuple[str, dict]]  # (area kind, GeoJSON geometry) drawn under the heat map
    places: dict[int, PlaceQuestion] = field(default_factory=dict)  # by question id

    def place_question(self, result: QuestionResult) -> PlaceQuestion | None:
        return self.places.get(result.question.id)


def _per_area(points: list[Point], outlines: AreaOutlines) -> dict[str, int]:
    counts = dict.fromkeys(AREA_KEYS, 0)
    for lat, lon in points:
        counts[outlines.area_of(lon, lat)] += 1
    return counts


def _outline_extent(area: Area | None, fallback: Extent) -> Extent:
    return extent_of(area.geometry) if area is not None else fallback


def _heat_extent(areas: dict[str, Area], marked: list[Point]) -> Extent:
    """Centrum and every marked place within the tätort, with a margin, cut at the tätort."""
    tatort = _outline_extent(areas.get("tatort"), _TATORT).scaled(1.15)
    centrum = _outline_extent(areas.get("centrum"), tatort)
    inside = [
        (lon, lat)
        for lat, lon in marked
        if tatort.min_lon <= lon <= tatort.max_lon and tatort.min_lat <= lat <= tatort.max_lat
    ]
    corners = [(centrum.min_lon, centrum.min_lat), (centrum.max_lon, centrum.max_lat), *inside]
    wanted = _fuller(bounds(corners).scaled(HEAT_MARGIN))
    return Extent(
        max(wanted.min_lon, tatort.min_lon),
        max(wanted.min_lat, tatort.min_lat),
        min(wanted.max_lon, tatort.max_lon),
        min(wanted.max_lat, tatort.max_lat),
    )


def _fuller(extent: Extent, least: float = 0.75) -> Extent:
    """Widen the narrow side (on the ground) to `least` of the long one: no strip of a map."""
    across = (extent.max_lon - extent.min_lon) * math.cos(math.radians(extent.min_lat))
    high = extent.max_lat - extent.min_lat
    if across < least * high:
        return extent.scaled(least * high / max(across, 1e-9), 1.0)
    if high < least * across:
        return extent.scaled(1.0, least * across / max(high, 1e-9))
    return extent


def _cells_across(extent: Extent) -> int:
    metres_per_lon = 111_320 * math.cos(math.radians((extent.min_lat + extent.max_lat) / 2))
    width_m = (extent.max_lon - extent.min_lon) * metres_per_lon
    return max(8, min(HEAT_CELLS_ACROSS, round(width_m / HEAT_CELL_MIN_M)))


def _place_question(
    result: QuestionResult, grid: HeatGrid, outlines: AreaOutlines
) -> PlaceQuestion:
    previous = result.previous
    return PlaceQuestion(
        result=result,
        areas=_per_area(result.points, outlines),
        previous_areas=_per_area(previous.points, outlines) if previous else None,
        heat=grid.count(result.points),
        previous_heat=grid.count(previous.points) if previous else None,
    )


def survey_sections(period: Period) -> list[SurveySection]:
    """The surveys open at some time in `period`, oldest first, ready for the report."""
    summary = survey_summary(period)
    if not summary:
        return []
    areas = {
        a.kind: a
        for a in db.session.execute(
            db.select(Area).where(Area.kind.in_(("kommun", "tatort", "centrum"))).order_by(Area.id)
        ).scalars()
    }
    outlines = area_outlines()
    marked = [
        point
        for results in summary
        for result in results.questions
        if result.question.kind == "map_point"
        for point in (*result.points, *(result.previous.points if result.previous else ()))
    ]
    extent = _heat_extent(areas, marked)
    grid = HeatGrid.over(extent, _cells_across(extent))
    drawn = [(kind, area.geometry) for kind, area in areas.items() if kind != "kommun"]
    sections = []
    for results in summary:
        section = SurveySection(results, grid, drawn)
        for result in results.questions:
            if result.question.kind == "map_point":
                section.places[result.question.id] = _place_question(result, grid, outlines)
        sections.append(section)
    return sections
