"""QR codes for the join link, as SVG (crisp on a printed poster, no image library needed)."""

from __future__ import annotations

import qrcode
import qrcode.constants
import qrcode.image.svg


def qr_svg(data: str) -> str:
    # Medium error correction survives a poster that is a little worn or creased.
    image = qrcode.make(
        data,
        image_factory=qrcode.image.svg.SvgPathImage,
        error_correction=qrcode.constants.ERROR_CORRECT_M,
        border=4,
    )
    return image.to_string(encoding="unicode")
