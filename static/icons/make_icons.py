"""Draw the app icons (a shield with "TS") with Pillow: rebuilt without a designer tool.

Run: /work/venv/bin/python static/icons/make_icons.py   (writes the PNGs next to this file)

The maskable icon keeps the mark inside the central 80 % "safe zone", because Android crops
maskable icons to circles, squircles or rounded squares.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

HERE = Path(__file__).resolve().parent
BLUE = (11, 61, 92)  # #0b3d5c, the theme colour
WHITE = (255, 255, 255)
SUPERSAMPLE = 4  # draw large and shrink: smooth edges without an anti-aliasing library


def _font(size: int) -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    for name in ("DejaVuSans-Bold.ttf", "LiberationSans-Bold.ttf", "Arial Bold.ttf"):
        try:
            return ImageFont.truetype(name, size)
        except OSError:
            continue
    return ImageFont.load_default(size=size)


def draw_icon(size: int, *, mark_fraction: float, background: tuple[int, int, int]) -> Image.Image:
    """A shield of `mark_fraction` of the icon's width, centred on `background`."""
    big = size * SUPERSAMPLE
    image = Image.new("RGB", (big, big), background)
    draw = ImageDraw.Draw(image)
    width = big * mark_fraction
    height = width * 1.15
    left = (big - width) / 2
    top = (big - height) / 2
    mid = big / 2
    # Shield outline: flat top with rounded shoulders, sides curving into a point.
    shoulder = width * 0.12
    points = [
        (left + shoulder, top),
        (left + width - shoulder, top),
        (left + width, top + shoulder),
        (left + width, top + height * 0.45),
        (left + width * 0.93, top + height * 0.62),
        (left + width * 0.78, top + height * 0.80),
        (mid, top + height),
        (left + width * 0.22, top + height * 0.80),
        (left + width * 0.07, top + height * 0.62),
        (left, top + height * 0.45),
        (left, top + shoulder),
    ]
    draw.polygon(points, fill=BLUE)
    font = _font(int(width * 0.42))
    box = draw.textbbox((0, 0), "TS", font=font)
    text_w, text_h = box[2] - box[0], box[3] - box[1]
    draw.text(
        (mid - text_w / 2 - box[0], top + height * 0.42 - text_h / 2 - box[1]),
        "TS",
        font=font,
        fill=WHITE,
    )
    return image.resize((size, size), Image.Resampling.LANCZOS)


def main() -> None:
    icons = {
        "icon-192.png": draw_icon(192, mark_fraction=0.78, background=WHITE),
        "icon-512.png": draw_icon(512, mark_fraction=0.78, background=WHITE),
        # Safe zone: a circle of 80 % diameter; the shield (with its height) stays inside it.
        "icon-maskable-512.png": draw_icon(512, mark_fraction=0.50, background=WHITE),
        # iOS ignores the manifest icons and adds its own rounded corners: no transparency.
        "apple-touch-icon-180.png": draw_icon(180, mark_fraction=0.70, background=WHITE),
    }
    for name, image in icons.items():
        image.save(HERE / name, optimize=True)
        print(f"wrote {name} ({image.width}×{image.height})")


if __name__ == "__main__":
    main()
