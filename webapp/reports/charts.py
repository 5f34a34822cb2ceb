"""Charts of the council report, laid out as Drawings (rendered to SVG and into the PDF).

Readable in black and white as well as in colour: the Okabe–Ito palette differs in lightness,
every bar carries its value as text, and the comparison chart tells periods apart by tone and
by a legend. Labels are shortened to fit, never overlapped.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from flask_babel import gettext as _

from webapp.reports.drawing import Drawing, Line, Rect, Text, shorten, text_width

# Okabe & Ito (2008): distinguishable with the common colour vision deficiencies.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
CURRENT, PREVIOUS = "#0b3d5c", "#a9bfd0"
INK, GRID, MUTED = "#14202b", "#c8d0d7", "#4a5866"
WIDTH = 180.0
Formatter = Callable[[float], str]


@dataclass(frozen=True)
class Series:
    label: str
    values: Sequence[float]
    colour: str


def nice_step(maximum: float, ticks: int = 5) -> float:
    """A step of 1, 2 or 5 times a power of ten giving at most `ticks` gridlines; at least 1,
    since the charted figures are counts and hours."""
    if maximum <= 0:
        return 1.0
    raw = maximum / ticks
    power = 10 ** math.floor(math.log10(raw))
    step = next(f * power for f in (1, 2, 5, 10) if raw <= f * power)
    return max(step, 1.0)


def _axis(
    drawing: Drawing,
    left: float,
    top: float,
    width: float,
    height: float,
    maximum: float,
    step: float,
    fmt: Formatter,
) -> None:
    value = 0.0
    while value <= maximum + 1e-9:
        y = top + height - height * value / maximum
        drawing.add(Line(left, y, left + width, y, stroke=GRID, width=0.2))
        drawing.add(Text(left - 1.5, y + 1, fmt(value), size=2.6, anchor="end", fill=MUTED))
        value += step
    drawing.add(Line(left, top + height, left + width, top + height, stroke=INK, width=0.3))


def legend_columns(labels: Sequence[str], left: float = 12.0) -> int:
    """Two columns when every label fits in half the width, else one: activity names such as
    "Samverkan med skola och socialtjänst om ungdomar i riskzonen" are read whole."""
    half = (WIDTH - left - 4) / 2 - 7
    return 2 if all(text_width(label, 3.0) <= half for label in labels) else 1


def _legend(
    drawing: Drawing, items: list[tuple[str, str]], top: float, left: float = 12.0
) -> float:
    """Colour boxes and labels in one or two columns; returns the y below the legend."""
    columns = legend_columns([label for label, _colour in items], left)
    column = (WIDTH - left - 4) / columns
    for index, (label, colour) in enumerate(items):
        x = left + (index % columns) * column
        y = top + (index // columns) * 5
        drawing.add(Rect(x, y, 3.2, 3.2, fill=colour, stroke=INK))
        drawing.add(Text(x + 4.5, y + 2.8, shorten(label, 3.0, column - 7), size=3.0))
    return top + math.ceil(len(items) / columns) * 5


def _stack(
    drawing: Drawing,
    series: list[Series],
    i: int,
    x: float,
    bar: float,
    base: float,
    plot_h: float,
    maximum: float,
    fmt: Formatter,
) -> float:
    """Month i's column, one segment per series from `base` up; returns the top of the column."""
    for s in series:
        value = s.values[i]
        if value <= 0:
            continue
        h = plot_h * value / maximum
        base -= h
        drawing.add(Rect(x, base, bar, h, fill=s.colour, stroke="#ffffff"))
        text = fmt(value)
        if h >= 3.6 and text_width(text, 2.5) <= bar - 1 and len(series) > 1:
            ink = "#ffffff" if s.colour in ("#0072B2", "#000000", "#D55E00", "#009E73") else INK
            drawing.add(
                Text(x + bar / 2, base + h / 2 + 0.9, text, size=2.5, anchor="middle", fill=ink)
            )
    return base


def stacked_by_month(
    title: str,
    months: list[str],
    series: list[Series],
    fmt: Formatter,
    empty_text: str | None = None,
) -> Drawing:
    """Columns per month, one stacked segment per series, the total above each column."""
    legend_rows = math.ceil(len(series) / legend_columns([s.label for s in series]))
    height = 78 + legend_rows * 5
    drawing = Drawing(WIDTH, height, title=title)
    drawing.add(Text(0, 5, title, size=4, bold=True))
    left, top, plot_w, plot_h = 12.0, 12.0, WIDTH - 16, 52.0
    totals = [sum(s.values[i] for s in series) for i in range(len(months))]
    peak = max(totals, default=0)
    if peak == 0:
        drawing.add(
            Text(
                left + plot_w / 2,
                top + plot_h / 2,
                empty_text or _("Nothing in the period."),
                size=3.4,
                anchor="middle",
                fill=MUTED,
            )
        )
        peak = 1
    step = nice_step(peak)
    maximum = step * math.ceil(peak / step)
    _axis(drawing, left, top, plot_w, plot_h, maximum, step, fmt)
    slot = plot_w / max(len(months), 1)
    bar = min(slot * 0.62, 14)
    label_size = 2.6 if len(months) <= 12 else 2.2
    for i, name in enumerate(months):
        x = left + slot * i + (slot - bar) / 2
        base = _stack(drawing, series, i, x, bar, top + plot_h, plot_h, maximum, fmt)
        if totals[i]:
            drawing.add(
                Text(x + bar / 2, base - 1.2, fmt(totals[i]), size=2.8, anchor="middle", bold=True)
            )
        # Long periods: label every second (or third...) month so labels never collide.
        every = max(1, math.ceil(len(months) / 18))
        if i % every == 0:
            drawing.add(
                Text(x + bar / 2, top + plot_h + 4.5, name, size=label_size, anchor="middle")
            )
    _legend(drawing, [(s.label, s.colour) for s in series], top + plot_h + 9)
    return drawing


def current_vs_previous(
    title: str, rows: list[tuple[str, float, float]], fmt: Formatter, labels: tuple[str, str]
) -> Drawing:
    """Per row (activity type): its name, then a bar for this period and one for the previous."""
    row_h = 13.5
    height = 16 + row_h * max(len(rows), 1)
    drawing = Drawing(WIDTH, height, title=title)
    drawing.add(Text(0, 5, title, size=4, bold=True))
    _legend(drawing, [(labels[0], CURRENT), (labels[1], PREVIOUS)], 8, left=0)
    peak = max([max(c, p) for _, c, p in rows], default=0) or 1
    bar_w = WIDTH - 22
    for index, (label, current, previous) in enumerate(rows):
        y = 17 + index * row_h
        drawing.add(Text(0, y + 2.6, shorten(label, 3.0, WIDTH), size=3.0, bold=True))
        for offset, value, colour in ((4, current, CURRENT), (8.2, previous, PREVIOUS)):
            length = bar_w * value / peak
            if length > 0:
                drawing.add(Rect(0, y + offset, max(length, 0.6), 3.6, fill=colour))
            drawing.add(Text(length + 1.5, y + offset + 2.8, fmt(value), size=2.8))
    return drawing


def feeling_colour(value: float | None) -> str:
    """0 (unsafe) red ... 3 (safe) green, as on the coordinator map."""
    if value is None:
        return "#777777"
    return ("#b00020", "#e66100", "#c9a100", "#1b7f3b")[max(0, min(3, round(value)))]


def _no_walk_label(centre: float, bottom: float, text: str, slot: float) -> Text:
    """ "no walk" across its month, or upright in the bar's place when months are too narrow
    for it: side by side, a year of empty months would print over each other."""
    size = 2.3
    if text_width(text, size) <= slot * 0.9:
        return Text(centre, bottom, text, size=size, anchor="middle", fill=MUTED)
    # Rotated 90° about its start: the line runs upwards, its glyphs centred on the month.
    return Text(centre + size * 0.35, bottom, text, size=size, fill=MUTED, rotate=90)


def feeling_by_month(
    title: str, months: list[str], values: list[float | None], fmt: Formatter, no_walk: str
) -> Drawing:
    """Mean feeling of safety per month on a fixed 0–3 scale (never rescaled between reports)."""
    drawing = Drawing(WIDTH, 78, title=title)
    drawing.add(Text(0, 5, title, size=4, bold=True))
    left, top, plot_w, plot_h = 12.0, 12.0, WIDTH - 16, 52.0
    _axis(drawing, left, top, plot_w, plot_h, 3.0, 1.0, lambda v: fmt(v))
    slot = plot_w / max(len(months), 1)
    bar = min(slot * 0.62, 14)
    every = max(1, math.ceil(len(months) / 18))
    for i, (name, value) in enumerate(zip(months, values, strict=True)):
        x = left + slot * i + (slot - bar) / 2
        if value is None:
            drawing.add(_no_walk_label(x + bar / 2, top + plot_h - 1.5, no_walk, slot))
        else:
            h = plot_h * value / 3.0
            drawing.add(Rect(x, top + plot_h - h, bar, h, fill=feeling_colour(value)))
            drawing.add(
                Text(
                    x + bar / 2,
                    top + plot_h - h - 1.2,
                    fmt(value),
                    size=2.8,
                    anchor="middle",
                    bold=True,
                )
            )
        if i % every == 0:
            drawing.add(Text(x + bar / 2, top + plot_h + 4.5, name, size=2.6, anchor="middle"))
    drawing.add(
        Text(left, top + plot_h + 11, _("0 = feels unsafe, 3 = feels safe"), size=2.8, fill=MUTED)
    )
    return drawing
