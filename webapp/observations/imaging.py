"""Turn an untrusted uploaded photo into a small, metadata-free JPEG.

Photos come straight from officers' phones, so they carry GPS positions, device serials and
other EXIF/XMP data that must never be stored or shown again, and they may be hostile files.
Everything here works on bytes in memory: the caller decides where (and whether) to store the
result, keyed by its SHA-256.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

# Pillow's names for the formats phones produce. MPO is what Pillow calls a JPEG that carries
# extra frames (depth map, preview) in an MP extension; many Android and iPhone cameras write
# those, and refusing them would refuse ordinary camera photos. Only the first frame is used.
ACCEPTED_FORMATS = frozenset({"JPEG", "MPO", "PNG", "WEBP"})

# Flattening onto white rather than black keeps transparent screenshots/diagrams legible.
BACKGROUND = (255, 255, 255)


@dataclass(frozen=True)
class ProcessedImage:
    data: bytes
    width: int
    height: int
    sha256: str


class ImageRejected(Exception):
    """The upload cannot be used; `code` is stable so the caller can translate it."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def process_photo(
    raw: bytes,
    *,
    max_bytes: int = 8 * 1024 * 1024,
    max_pixels: int = 40_000_000,
    max_side: int = 1600,
    quality: int = 82,
) -> ProcessedImage:
    """Validate `raw` and re-encode it as an upright RGB JPEG with no metadata at all."""
    if max_side < 1 or not 1 <= quality <= 95:
        raise ValueError("max_side must be positive and quality within 1..95")
    if len(raw) > max_bytes:
        # Checked before Pillow sees a single byte, so oversized uploads cost nothing to refuse.
        raise ImageRejected("too_large", f"upload is {len(raw)} bytes, limit is {max_bytes}")

    # Pillow signals a possible decompression bomb with a warning first; a warning would let the
    # decode go ahead, so it is made an error here, without touching the process-wide
    # Image.MAX_IMAGE_PIXELS that other code may rely on. (On Python 3.11 the warning filters
    # are process-wide, so a concurrent thread may briefly miss this; with max_pixels below
    # Pillow's threshold, _check_pixels has already refused such images anyway.)
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with _open(raw) as source:
                _check_format(source)
                _check_pixels(source, max_pixels)
                picture = _decode_upright(source, _fit_within(source.size, max_side))
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise ImageRejected("too_many_pixels", f"image is too large to decode: {exc}") from exc

    clean = _to_plain_rgb(picture)
    # Sized after the rotation: a portrait photo stored sideways must end up portrait.
    target = _fit_within(clean.size, max_side)
    if clean.size != target:
        clean = clean.resize(target, Image.Resampling.LANCZOS)
    data = _encode_jpeg(clean, quality)
    return ProcessedImage(
        data=data,
        width=clean.width,
        height=clean.height,
        sha256=hashlib.sha256(data).hexdigest(),
    )


def _open(raw: bytes) -> ImageFile.ImageFile:
    # Image.open only parses the header; pixel data is decoded later, after the size checks.
    try:
        return Image.open(io.BytesIO(raw))
    except UnidentifiedImageError as exc:
        raise ImageRejected("not_an_image", "data is not an image Pillow recognises") from exc
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise
    except Exception as exc:
        # A plugin recognised the signature but choked on the header.
        raise ImageRejected("corrupt", f"image header is damaged: {exc}") from exc


def _check_format(image: Image.Image) -> None:
    # The format Pillow actually detected from the bytes; file names and client-supplied
    # content types are not trusted.
    if image.format not in ACCEPTED_FORMATS:
        raise ImageRejected("unsupported_type", f"format {image.format} is not accepted")


def _check_pixels(image: Image.Image, max_pixels: int) -> None:
    # The header's dimensions are all we need to refuse a bomb before any memory is allocated.
    width, height = image.size
    if width * height > max_pixels:
        raise ImageRejected(
            "too_many_pixels", f"image is {width}x{height}, limit is {max_pixels} pixels"
        )


def _fit_within(size: tuple[int, int], max_side: int) -> tuple[int, int]:
    """Largest size with the same aspect whose long side is at most `max_side`; never larger."""
    width, height = size
    long_side = max(width, height)
    if long_side <= max_side:
        return size
    scale = max_side / long_side
    return max(1, round(width * scale)), max(1, round(height * scale))


def _decode_upright(source: ImageFile.ImageFile, target: tuple[int, int]) -> Image.Image:
    # JPEG can decode at 1/2, 1/4 or 1/8 scale directly; asking for no less than the target
    # size keeps quality while cutting memory for a 12-megapixel phone photo several times.
    # The reduction factor is the same whichever way the picture is later rotated.
    if source.format in {"JPEG", "MPO"}:
        source.draft(None, target)
    try:
        # Phones store the picture as the sensor saw it and record the rotation in EXIF; since
        # the EXIF is about to be discarded, the rotation has to be baked into the pixels.
        return ImageOps.exif_transpose(source)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise
    except Exception as exc:
        # Decoders raise a variety of types (OSError for truncation, SyntaxError, ValueError,
        # zlib errors...) on damaged input; for the caller they all mean the same thing.
        raise ImageRejected("corrupt", f"image data is damaged: {exc}") from exc


def _to_plain_rgb(image: Image.Image) -> Image.Image:
    """A brand-new RGB image holding only the pixels of `image`.

    Pillow copies `info` (EXIF, XMP, ICC profile, comments) along through convert/resize and
    the JPEG encoder falls back to some of it, so metadata is dropped by building a fresh image
    rather than by trying to remember every key to delete.
    """
    if image.mode in {"I;16", "I;16B", "I;16L", "I"}:
        # 16-bit greyscale would otherwise be clipped to white by a plain convert.
        image = image.convert("I").point(lambda value: value * (1 / 256)).convert("L")
    clean = Image.new("RGB", image.size, BACKGROUND)
    if _has_transparency(image):
        rgba = image.convert("RGBA")
        clean.paste(rgba, mask=rgba.getchannel("A"))
    else:
        clean.paste(image.convert("RGB"))
    return clean


def _has_transparency(image: Image.Image) -> bool:
    return image.mode in {"RGBA", "LA", "PA"} or "transparency" in image.info


def _encode_jpeg(image: Image.Image, quality: int) -> bytes:
    buffer = io.BytesIO()
    # exif/icc_profile/comment are passed empty on purpose so nothing can leak in by default.
    image.save(
        buffer,
        format="JPEG",
        quality=quality,
        optimize=True,
        exif=b"",
        icc_profile=None,
        comment=b"",
    )
    return buffer.getvalue()
