"""A tiny vector drawing: laid out once, rendered as inline SVG for the page and into the PDF.

Charts and the static map are lists of rectangles, lines, paths, circles and text in abstract
units. The SVG renderer escapes every text (labels come from the database); the PDF renderer
draws with fpdf2's own primitives, so text in the PDF charts stays real, selectable text.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import groupby
from typing import Literal

from fpdf import FPDF
from markupsafe import Markup, escape

from webapp.core.pdftext import pdf_text

Anchor = Literal["start", "middle", "end"]
MM_PER_PT = 25.4 / 72


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    w: float
    h: float
    fill: str | None
    stroke: str | None = None


@dataclass(frozen=True)
class Line:
    x1: float
    y1: float
    x2: float
    y2: float
    stroke: str = "#333333"
    width: float = 0.3
    dash: tuple[float, float] | None = None


@dataclass(frozen=True)
class Path:
    points: tuple[tuple[float, float], ...]
    closed: bool = False
    fill: str | None = None
    stroke: str | None = "#333333"
    width: float = 0.3
    dash: tuple[float, float] | None = None


@dataclass(frozen=True)
class Circle:
    cx: float
    cy: float
    r: float
    fill: str
    stroke: str | None = None
    opacity: float = 1.0


@dataclass(frozen=True)
class Text:
    x: float
    y: float  # baseline
    text: str
    size: float = 3.2
    anchor: Anchor = "start"
    bold: bool = False
    fill: str = "#14202b"
    rotate: float = 0.0  # degrees, counter-clockwise, around (x, y)


Shape = Rect | Line | Path | Circle | Text


@dataclass
class Drawing:
    width: float
    height: float
    title: str = ""
    shapes: list[Shape] = field(default_factory=list)

    def add(self, *shapes: Shape) -> None:
        self.shapes.extend(shapes)

    def __iter__(self) -> Iterator[Shape]:
        return iter(self.shapes)


def text_width(text: str, size: float) -> float:
    """Rough width of Helvetica text (average glyph ~0.52 em): enough for laying out labels."""
    return len(text) * size * 0.52


def shorten(text: str, size: float, max_width: float) -> str:
    if text_width(text, size) <= max_width:
        return text
    keep = max(1, int(max_width / (size * 0.52)) - 1)
    return text[:keep].rstrip() + "…"


# ---- SVG ----------------------------------------------------------------------------------


def _n(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _paint(fill: str | None, stroke: str | None, width: float = 0.3) -> str:
    parts = [f'fill="{fill or "none"}"']
    if stroke:
        parts.append(f'stroke="{stroke}" stroke-width="{_n(width)}"')
    return " ".join(parts)


def _dash(dash: tuple[float, float] | None) -> str:
    return f' stroke-dasharray="{_n(dash[0])} {_n(dash[1])}"' if dash else ""


def _svg_shape(shape: Shape) -> str:
    if isinstance(shape, Rect):
        return (
            f'<rect x="{_n(shape.x)}" y="{_n(shape.y)}" width="{_n(shape.w)}" '
            f'height="{_n(shape.h)}" {_paint(shape.fill, shape.stroke)}/>'
        )
    if isinstance(shape, Line):
        return (
            f'<line x1="{_n(shape.x1)}" y1="{_n(shape.y1)}" x2="{_n(shape.x2)}" '
            f'y2="{_n(shape.y2)}" stroke="{shape.stroke}" stroke-width="{_n(shape.width)}"'
            f"{_dash(shape.dash)}/>"
        )
    if isinstance(shape, Path):
        points = " ".join(f"{_n(x)},{_n(y)}" for x, y in shape.points)
        tag = "polygon" if shape.closed else "polyline"
        return (
            f'<{tag} points="{points}" {_paint(shape.fill, shape.stroke, shape.width)}'
            f'{_dash(shape.dash)} stroke-linejoin="round"/>'
        )
    if isinstance(shape, Circle):
        opacity = f' fill-opacity="{_n(shape.opacity)}"' if shape.opacity < 1 else ""
        return (
            f'<circle cx="{_n(shape.cx)}" cy="{_n(shape.cy)}" r="{_n(shape.r)}" '
            f"{_paint(shape.fill, shape.stroke, 0.2)}{opacity}/>"
        )
    weight = ' font-weight="bold"' if shape.bold else ""
    rotate = (
        f' transform="rotate({_n(-shape.rotate)} {_n(shape.x)} {_n(shape.y)})"'
        if shape.rotate
        else ""
    )
    return (
        f'<text x="{_n(shape.x)}" y="{_n(shape.y)}" font-size="{_n(shape.size)}" '
        f'text-anchor="{shape.anchor}" fill="{shape.fill}"{weight}{rotate}>'
        f"{escape(shape.text)}</text>"
    )


def to_svg(drawing: Drawing, *, css_class: str = "report-chart") -> Markup:
    """Inline SVG that scales to its container; the title is its accessible name."""
    body = "".join(_svg_shape(shape) for shape in drawing)
    return Markup(  # noqa: S704 - every text and title passes through escape()
        f'<svg class="{css_class}" viewBox="0 0 {_n(drawing.width)} {_n(drawing.height)}" '
        f'role="img" aria-label="{escape(drawing.title)}" '
        f'font-family="Helvetica, Arial, sans-serif" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{escape(drawing.title)}</title>{body}</svg>"
    )


# ---- PDF ----------------------------------------------------------------------------------


def _rgb(colour: str) -> tuple[int, int, int]:
    value = colour.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


class _PdfPainter:
    def __init__(self, pdf: FPDF, x: float, y: float, scale: float) -> None:
        self.pdf, self.x0, self.y0, self.k = pdf, x, y, scale
        self.dash: tuple[float, float] | None = None

    def pt(self, x: float, y: float) -> tuple[float, float]:
        return self.x0 + x * self.k, self.y0 + y * self.k

    def stroke(self, colour: str | None, width: float, dash: tuple[float, float] | None) -> None:
        if colour:
            self.pdf.set_draw_color(*_rgb(colour))
        self.pdf.set_line_width(max(width * self.k, 0.1))
        if dash != self.dash:
            if dash:
                self.pdf.set_dash_pattern(dash=dash[0] * self.k, gap=dash[1] * self.k)
            else:
                self.pdf.set_dash_pattern()
            self.dash = dash

    def style(self, fill: str | None, stroke: str | None) -> str:
        if fill:
            self.pdf.set_fill_color(*_rgb(fill))
        return ("F" if fill else "") + ("D" if stroke else "") or "D"

    def draw(self, shape: Shape) -> None:
        pdf = self.pdf
        if isinstance(shape, Rect):
            self.stroke(shape.stroke, 0.2, None)
            x, y = self.pt(shape.x, shape.y)
            pdf.rect(
                x, y, shape.w * self.k, shape.h * self.k, style=self.style(shape.fill, shape.stroke)
            )
        elif isinstance(shape, Line):
            self.stroke(shape.stroke, shape.width, shape.dash)
            pdf.line(*self.pt(shape.x1, shape.y1), *self.pt(shape.x2, shape.y2))
        elif isinstance(shape, Path):
            self.stroke(shape.stroke, shape.width, shape.dash)
            points = [self.pt(x, y) for x, y in shape.points]
            pdf.polyline(points, polygon=shape.closed, style=self.style(shape.fill, shape.stroke))
        elif isinstance(shape, Circle):
            self.stroke(shape.stroke, 0.2, None)
            cx, cy = self.pt(shape.cx, shape.cy)
            r = shape.r * self.k
            pdf.ellipse(cx - r, cy - r, 2 * r, 2 * r, style=self.style(shape.fill, shape.stroke))
        else:
            self.text(shape)

    def text(self, shape: Text) -> None:
        pdf = self.pdf
        size_pt = shape.size * self.k / MM_PER_PT
        pdf.set_font("Helvetica", "B" if shape.bold else "", size_pt)
        pdf.set_text_color(*_rgb(shape.fill))
        content = pdf_text(shape.text, pdf.core_fonts_encoding)
        width = pdf.get_string_width(content)
        offset = {"start": 0.0, "middle": width / 2, "end": width}[shape.anchor]
        x, y = self.pt(shape.x, shape.y)
        if shape.rotate:
            with pdf.rotation(shape.rotate, x, y):
                pdf.text(x - offset, y, content)
        else:
            pdf.text(x - offset, y, content)
        pdf.set_text_color(0, 0, 0)


def draw_on_pdf(pdf: FPDF, drawing: Drawing, x: float, y: float, width: float) -> float:
    """Draw at (x, y) scaled to `width` mm; returns the height used in mm."""
    scale = width / drawing.width
    painter = _PdfPainter(pdf, x, y, scale)
    with pdf.local_context():
        # Translucent circles come in runs (all observations, then all activities): one
        # graphics state per run rather than one per circle keeps a 2,000-circle map quick.
        for opacity, run in groupby(drawing, key=lambda shape: getattr(shape, "opacity", 1.0)):
            if opacity < 1:
                with pdf.local_context(fill_opacity=opacity):
                    for shape in run:
                        painter.draw(shape)
            else:
                for shape in run:
                    painter.draw(shape)
        pdf.set_dash_pattern()
    return drawing.height * scale
