"""Text for our PDFs' core Helvetica (the council report, the weekly picture, a walk's
protocol), in the Windows-1252 encoding (WinAnsi).

WinAnsi is what the core fonts are drawn with, and besides å, ä and ö it holds the typography
Swedish needs: the en dash of "1 oktober – 31 oktober", quotes, ellipsis. A Latin-1 cleaner
turned the en dash into a hyphen, which the council read as "1 oktober 2026 - 31 oktober 2026".
A document sets `core_fonts_encoding = ENCODING` and passes its text through pdf_text().
"""

from __future__ import annotations

ENCODING = "windows-1252"

# Characters outside Windows-1252, replaced by their nearest neighbour inside it. No-break
# spaces become plain ones, as they always were in the PDFs: the narrow table columns were
# laid out for text that may break there.
_REPLACEMENTS = str.maketrans(
    {
        "‒": "–", "−": "-", "→": "->", "\u00a0": " ", "\u202f": " ", "\u2009": " ",
    }
)  # fmt: skip


def pdf_text(text: object, encoding: str = ENCODING) -> str:
    """`text` as the core fonts can draw it in `encoding` (a "?" for anything else)."""
    cleaned = str(text if text is not None else "").translate(_REPLACEMENTS)
    return cleaned.encode(encoding, "replace").decode(encoding)
