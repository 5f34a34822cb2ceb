"""The PDF page furniture shared by the council report and the weekly picture (fpdf2).

Core Helvetica only (no font files to ship or fetch), in Windows-1252: text goes through
core.pdftext, which keeps å, ä, ö and the en dash of a date range.
"""

from __future__ import annotations

from collections.abc import Sequence

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from webapp.core.pdftext import ENCODING, pdf_text
from webapp.reports.drawing import Drawing, draw_on_pdf

CONTENT_WIDTH = 180.0
MUTED = (74, 88, 102)


class ReportDocument(FPDF):
    footer_text = ""

    def __init__(self, title: str) -> None:
        super().__init__(format="A4")
        self.core_fonts_encoding = ENCODING
        self.set_margins(15, 14, 15)
        self.set_auto_page_break(auto=True, margin=16)
        self.set_title(pdf_text(title))
        self.set_creator("Trygg Sunne")
        self.set_author("Trygg Sunne")

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("Helvetica", size=8)
        self.set_text_color(*MUTED)
        self.cell(0, 6, pdf_text(f"{self.footer_text}   {self.page_no()}/{{nb}}"), align="C")
        self.set_text_color(0, 0, 0)

    # ---- text ----

    def title_block(self, title: str, lines: Sequence[str]) -> None:
        self.set_font("Helvetica", "B", 17)
        self.multi_cell(0, 8, pdf_text(title), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font("Helvetica", size=10)
        for line in lines:
            self.multi_cell(0, 5, pdf_text(line), new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def heading(self, text: str, level: int = 1) -> None:
        size = {1: 14, 2: 11.5}[level]
        self.ensure_space(18)
        self.ln(3 if level == 1 else 2)
        self.set_font("Helvetica", "B", size)
        self.multi_cell(
            0, 6.5 if level == 1 else 5.5, pdf_text(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT
        )
        self.set_font("Helvetica", size=10)

    def text_line(
        self, text: str, *, bold: bool = False, muted: bool = False, size: float = 10
    ) -> None:
        self.set_font("Helvetica", "B" if bold else "", size)
        if muted:
            self.set_text_color(*MUTED)
        self.multi_cell(0, size * 0.5, pdf_text(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_text_color(0, 0, 0)
        self.set_font("Helvetica", size=10)

    def definition(self, term: str, meaning: str, *, size: float = 9) -> None:
        """A word in bold, then its meaning, wrapped as one paragraph (the report's glossary)."""
        self.set_font("Helvetica", "B", size)
        self.write(size * 0.5, pdf_text(f"{term}: "))
        self.set_font("Helvetica", size=size)
        self.write(size * 0.5, pdf_text(meaning))
        self.ln(size * 0.5 + 0.5)
        self.set_font("Helvetica", size=10)

    def data_table(
        self,
        rows: Sequence[Sequence[str]],
        widths: Sequence[float],
        *,
        size: float = 9,
        align: Sequence[str] | None = None,
    ) -> None:
        """First row is the heading; `align` per column ("LEFT" or "RIGHT" for numbers)."""
        self.set_font("Helvetica", size=size)
        with super().table(
            col_widths=tuple(widths),
            text_align=tuple(align or ("LEFT",) * len(widths)),
            line_height=size * 0.5,
            first_row_as_headings=True,
            width=sum(widths),
            align="LEFT",
        ) as table:
            for values in rows:
                row = table.row()
                for value in values:
                    row.cell(pdf_text(value))
        self.set_font("Helvetica", size=10)
        self.ln(1)

    # ---- drawings ----

    def ensure_space(self, height: float) -> None:
        if self.get_y() + height > self.page_break_trigger:
            self.add_page()

    def drawing(self, drawing: Drawing, width: float = CONTENT_WIDTH) -> None:
        height = drawing.height * width / drawing.width
        self.ensure_space(height + 2)
        y = self.get_y() + 1
        draw_on_pdf(self, drawing, self.l_margin, y, width)
        self.set_y(y + height + 2)

    def drawings_side_by_side(self, drawings: Sequence[Drawing], gap: float = 4.0) -> None:
        width = (CONTENT_WIDTH - gap * (len(drawings) - 1)) / len(drawings)
        height = max(d.height * width / d.width for d in drawings)
        self.ensure_space(height + 2)
        y = self.get_y() + 1
        for index, drawing in enumerate(drawings):
            draw_on_pdf(self, drawing, self.l_margin + index * (width + gap), y, width)
        self.set_y(y + height + 2)
