"""The static map of the period: outlines of Sunne and circles sized by how much happened where.

Drawn in SWEREF 99 TM metres (pyproj), so distances are true and a scale bar can be given; grid
north is within a degree of true north here. The printed report cannot carry map tiles (they
would be fetched from a third party), so outlines are the only background.
"""

from __future__ import annotations

import math

from flask_babel import gettext as _
from flask_babel import ngettext

from webapp.geo.projection import to_sweref99tm
from webapp.reports.drawing import Circle, Drawing, Line, Path, Rect, Text, text_width
from webapp.reports.mapdata import CELLS_ACROSS, Extent, MapLayer
from webapp.reports.surveys import HeatCounts, HeatGrid

KIND_COLOURS = {
    "observation": "#0072B2",
    "business_visit": "#E69F00",
    "andt": "#CC79A7",
    "patrol": "#009E73",
    "meeting": "#56B4E9",
    "safety_walk": "#D55E00",
    "other": "#555555",
}
OUTLINE_STYLES = {
    "kommun": ("#333333", 0.35, None),
    "tatort": ("#5a6b7b", 0.3, (1.5, 1.0)),
    "centrum": ("#0b3d5c", 0.45, None),
}
WIDTH = 88.0
FRAME_TOP = 8.0
NOTE_SIZE = 2.4


def _clip(
    points: list[tuple[float, float]], box: tuple[float, float, float, float]
) -> list[tuple[float, float]]:
    """Sutherland–Hodgman: the part of a polygon inside the frame (outlines larger than the map)."""
    x0, y0, x1, y1 = box
    edges = (
        (lambda p: p[0] >= x0, lambda a, b: _cut_x(a, b, x0)),
        (lambda p: p[0] <= x1, lambda a, b: _cut_x(a, b, x1)),
        (lambda p: p[1] >= y0, lambda a, b: _cut_y(a, b, y0)),
        (lambda p: p[1] <= y1, lambda a, b: _cut_y(a, b, y1)),
    )
    for inside, cut in edges:
        if not points:
            break
        result = []
        for index, current in enumerate(points):
            previous = points[index - 1]
            if inside(current):
                if not inside(previous):
                    result.append(cut(previous, current))
                result.append(current)
            elif inside(previous):
                result.append(cut(previous, current))
        points = result
    return points


def _cut_x(a: tuple[float, float], b: tuple[float, float], x: float) -> tuple[float, float]:
    t = (x - a[0]) / (b[0] - a[0])
    return x, a[1] + t * (b[1] - a[1])


def _cut_y(a: tuple[float, float], b: tuple[float, float], y: float) -> tuple[float, float]:
    t = (y - a[1]) / (b[1] - a[1])
    return a[0] + t * (b[0] - a[0]), y


class _Frame:
    """Maps SWEREF 99 TM metres into the drawing, north up, same scale on both axes."""

    def __init__(self, extent: Extent, width: float) -> None:
        # All four corners: grid north and true north differ by about 1.5° here (meridian
        # convergence), so the longitude/latitude box is a slightly turned quadrilateral.
        lons = [extent.min_lon, extent.max_lon, extent.min_lon, extent.max_lon]
        lats = [extent.min_lat, extent.min_lat, extent.max_lat, extent.max_lat]
        eastings, northings = to_sweref99tm(lons, lats)
        west, east, south, north = min(eastings), max(eastings), min(northings), max(northings)
        self.west, self.north = west, north
        self.scale = width / (east - west)  # drawing units per metre
        self.width, self.height = width, (north - south) * self.scale

    def xy(self, easting: float, northing: float) -> tuple[float, float]:
        return (easting - self.west) * self.scale, FRAME_TOP + (self.north - northing) * self.scale


def _rings(geometry: dict) -> list[list[list[float]]]:
    polygons = (
        geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    )
    return [ring for polygon in polygons for ring in polygon]


def _scale_bar(drawing: Drawing, frame: _Frame, y: float) -> None:
    target = frame.width / 4 / frame.scale  # about a quarter of the width, in metres
    power = 10 ** math.floor(math.log10(target))
    metres = next(f * power for f in (5, 2, 1) if f * power <= target)
    length = metres * frame.scale
    drawing.add(Line(1, y, 1 + length, y, stroke="#14202b", width=0.6))
    for x in (1, 1 + length):
        drawing.add(Line(x, y - 1, x, y + 1, stroke="#14202b", width=0.4))
    label = f"{metres / 1000:g} km" if metres >= 1000 else f"{metres:g} m"
    drawing.add(Text(3 + length, y + 1, label, size=2.6))


def _north_arrow(drawing: Drawing, x: float, y: float) -> None:
    drawing.add(
        Path(
            ((x, y), (x + 1.4, y + 3.2), (x - 1.4, y + 3.2)),
            closed=True,
            fill="#14202b",
            stroke=None,
        )
    )
    drawing.add(Line(x, y + 3, x, y + 6, stroke="#14202b", width=0.5))
    drawing.add(Text(x, y + 9, "N", size=2.8, anchor="middle", bold=True))


def _outlines(drawing: Drawing, frame: _Frame, outlines: list[tuple[str, dict]]) -> None:
    box = (0.0, FRAME_TOP, WIDTH, FRAME_TOP + frame.height)
    for kind, geometry in sorted(
        outlines, key=lambda o: ("kommun", "tatort", "centrum").index(o[0])
    ):
        colour, width, dash = OUTLINE_STYLES[kind]
        for ring in _rings(geometry):
            eastings, northings = to_sweref99tm([p[0] for p in ring], [p[1] for p in ring])
            points = _clip([frame.xy(e, n) for e, n in zip(eastings, northings, strict=True)], box)
            if len(points) > 2:
                drawing.add(Path(tuple(points), closed=True, stroke=colour, width=width, dash=dash))


def draw_map(layer: MapLayer, title: str) -> Drawing:
    frame = _Frame(layer.extent, WIDTH)
    bottom = FRAME_TOP + frame.height
    drawing = Drawing(WIDTH, bottom + 30, title=title)
    drawing.add(Rect(0, FRAME_TOP, WIDTH, frame.height, fill="#f4f6f2", stroke=None))
    _outlines(drawing, frame, layer.outlines)
    _cells(drawing, frame, layer)
    # Circles of cells at the edge reach past the frame by at most one cell: paint that over.
    margin = WIDTH / CELLS_ACROSS
    drawing.add(
        Rect(-margin, FRAME_TOP - margin, WIDTH + 2 * margin, margin, fill="#ffffff"),
        Rect(-margin, bottom, WIDTH + 2 * margin, margin, fill="#ffffff"),
        Rect(-margin, FRAME_TOP, margin, frame.height, fill="#ffffff"),
        Rect(WIDTH, FRAME_TOP, margin, frame.height, fill="#ffffff"),
    )
    drawing.add(Rect(0, FRAME_TOP, WIDTH, frame.height, fill=None, stroke="#14202b"))
    drawing.add(Text(0, 5, title, size=3.6, bold=True))
    _north_arrow(drawing, WIDTH - 4, FRAME_TOP + 2)
    _scale_bar(drawing, frame, bottom + 4)
    _legend(drawing, layer, bottom + 8)
    return drawing


def _cells(drawing: Drawing, frame: _Frame, layer: MapLayer) -> None:
    if not layer.cells:
        _empty_note(drawing, frame, _("Nothing in the period."))
        return
    eastings, northings = to_sweref99tm([c.lon for c in layer.cells], [c.lat for c in layer.cells])
    cell_units = WIDTH / CELLS_ACROSS
    # Area proportional to the count; the fullest cell just fills its grid square.
    biggest = max(c.count for c in layer.cells)
    ordered = sorted(
        zip(layer.cells, eastings, northings, strict=True), key=lambda t: t[0].kind != "observation"
    )
    for cell, easting, northing in ordered:
        x, y = frame.xy(easting, northing)
        radius = max(0.45, cell_units * 0.75 * math.sqrt(cell.count / biggest))
        observation = cell.kind == "observation"
        drawing.add(
            Circle(
                x,
                y,
                radius,
                fill=KIND_COLOURS.get(cell.kind, "#555555"),
                stroke=None if observation else "#14202b",
                opacity=0.6 if observation else 0.9,
            )
        )


def _empty_note(drawing: Drawing, frame: _Frame, note: str) -> None:
    """`note` in the middle of an empty map."""
    middle = FRAME_TOP + frame.height / 2
    drawing.add(Text(WIDTH / 2, middle, note, size=3.2, anchor="middle", fill="#4a5866"))


def _legend(drawing: Drawing, layer: MapLayer, top: float) -> None:
    from webapp.reports.labels import kind_label  # the labels need a request (translations)

    # Only what the map draws: a key for observations on a map without any reads as if some
    # were there, and an empty map has nothing to size.
    drawn = {c.kind for c in layer.cells}
    kinds = sorted(drawn, key=lambda kind: (kind != "observation", kind))
    for index, kind in enumerate(kinds):
        x, y = (index % 2) * WIDTH / 2, top + (index // 2) * 4.5
        drawing.add(
            Circle(x + 1.5, y + 1.3, 1.3, fill=KIND_COLOURS.get(kind, "#555555"), opacity=0.8)
        )
        drawing.add(Text(x + 4, y + 2.3, kind_label(kind), size=2.7))
    if not kinds:
        return
    biggest = max(c.count for c in layer.cells)
    # A sentence, not a formula ("Cirkelns yta = antal ... per ruta"); "records", not
    # "observations": the circles count every kind in the key.
    note = _("The bigger the circle, the more records in its square (at most %(n)s).", n=biggest)
    y = top + math.ceil(len(kinds) / 2) * 4.5 + 2.5
    for line in _lines(note, NOTE_SIZE, WIDTH):  # one line, unless a language needs two
        drawing.add(Text(0, y, line, size=NOTE_SIZE, fill="#4a5866"))
        y += NOTE_SIZE * 1.35
    drawing.height = max(drawing.height, y)


def _lines(text: str, size: float, width: float) -> list[str]:
    """`text` broken between words into lines no wider than `width` (as text_width guesses)."""
    lines: list[str] = []
    for word in text.split():
        if lines and text_width(f"{lines[-1]} {word}", size) <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines


# ---- heat map of places marked in a survey ---------------------------------------------------

# Light to dark, readable in greyscale and with colour-blindness (ColorBrewer YlOrRd).
HEAT_STEPS = ("#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026")


def heat_colour(count: int, scale_max: int) -> str:
    """1 is the lightest step and `scale_max` (the fullest cell of both surveys) the darkest."""
    if scale_max <= 1:
        return HEAT_STEPS[-1]
    step = round((count - 1) / (scale_max - 1) * (len(HEAT_STEPS) - 1))
    return HEAT_STEPS[min(max(step, 0), len(HEAT_STEPS) - 1)]


def draw_heat_map(
    grid: HeatGrid, counts: HeatCounts, scale_max: int, outlines: list[tuple[str, dict]], title: str
) -> Drawing:
    """Grid cells shaded by how many places were marked in them, on the outlines of Sunne.

    Both surveys are drawn with the same `scale_max`, so a colour means the same count on each.
    """
    frame = _Frame(grid.extent, WIDTH)
    bottom = FRAME_TOP + frame.height
    drawing = Drawing(WIDTH, bottom + 18, title=title)
    drawing.add(Rect(0, FRAME_TOP, WIDTH, frame.height, fill="#f4f6f2", stroke=None))
    for cell, count in sorted(counts.cells.items()):
        drawing.add(_heat_cell(frame, grid.bounds(cell), heat_colour(count, scale_max)))
    _outlines(drawing, frame, outlines)
    drawing.add(Rect(0, FRAME_TOP, WIDTH, frame.height, fill=None, stroke="#14202b"))
    drawing.add(Text(0, 5, title, size=3.6, bold=True))
    if not counts.cells:
        _empty_note(drawing, frame, _("No place marked on this map."))
    _north_arrow(drawing, WIDTH - 4, FRAME_TOP + 2)
    _scale_bar(drawing, frame, bottom + 4)
    _heat_legend(drawing, scale_max, bottom + 8, counts.outside_map)
    return drawing


def _heat_cell(frame: _Frame, cell: Extent, colour: str) -> Path:
    """A cell as a quadrilateral: its corners projected, since grid north is not true north."""
    lons = [cell.min_lon, cell.max_lon, cell.max_lon, cell.min_lon]
    lats = [cell.min_lat, cell.min_lat, cell.max_lat, cell.max_lat]
    eastings, northings = to_sweref99tm(lons, lats)
    corners = tuple(frame.xy(e, n) for e, n in zip(eastings, northings, strict=True))
    # The outline keeps the lightest step visible on the pale background (non-text contrast).
    return Path(corners, closed=True, fill=colour, stroke="#5c3a00", width=0.2)


def _heat_legend(drawing: Drawing, scale_max: int, top: float, outside_map: int) -> None:
    size = 4.0
    for index, colour in enumerate(HEAT_STEPS):
        drawing.add(Rect(index * size, top, size, 3, fill=colour, stroke="#8a96a3"))
    label = _("Places marked per square, from 1 (light) to %(n)s (dark)", n=max(scale_max, 1))
    drawing.add(Text(len(HEAT_STEPS) * size + 2, top + 2.4, label, size=2.6))
    if outside_map:
        note = ngettext(
            "%(num)s place beyond this map is counted in the table.",
            "%(num)s places beyond this map are counted in the table.",
            outside_map,
        )
        drawing.add(Text(0, top + 7.5, note, size=2.4, fill="#4a5866"))
