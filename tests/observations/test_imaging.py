"""Field-photo processing: every image is built in memory, nothing touches disk or network."""

from __future__ import annotations

import hashlib
import io
import struct
import warnings
import zlib

import pytest
from PIL import ExifTags, Image, ImageCms, ImageFile, PngImagePlugin, features

from webapp.observations.imaging import ImageRejected, ProcessedImage, process_photo

# --- builders ---------------------------------------------------------------------------------


def _encode(image: Image.Image, fmt: str, **params: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **params)
    return buffer.getvalue()


def _jpeg(
    size: tuple[int, int] = (64, 48),
    colour: tuple[int, int, int] = (30, 120, 200),
    **params: object,
) -> bytes:
    return _encode(Image.new("RGB", size, colour), "JPEG", **params)


def _exif_with_gps() -> Image.Exif:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "TestPhoneMaker"
    exif[ExifTags.Base.Model] = "TP-1234"
    exif[ExifTags.Base.Software] = "CameraApp 9.9"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (59.0, 50.0, 12.5)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (13.0, 8.0, 30.25)
    gps[ExifTags.GPS.GPSAltitude] = 72.0
    return exif


def _png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def _png_header_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose IHDR claims `width`x`height`; its pixel data is never meant to be read."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    idat = zlib.compress(b"\x00" * (width + 1))  # one filtered row of zeros
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", ihdr)
        + _png_chunk(b"IDAT", idat)
        + _png_chunk(b"IEND", b"")
    )


def _open(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def _rejected_code(raw: bytes, **limits: int) -> str:
    with pytest.raises(ImageRejected) as caught:
        process_photo(raw, **limits)
    assert caught.value.message  # an English developer message is always given
    return caught.value.code


@pytest.fixture
def forbid_pixel_decoding(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail loudly if anything tries to decode pixel data (i.e. allocate the image)."""

    def refuse(self: ImageFile.ImageFile) -> None:
        raise AssertionError("pixel data must not be decoded for this image")

    monkeypatch.setattr(ImageFile.ImageFile, "load", refuse)


# --- metadata ---------------------------------------------------------------------------------


def test_gps_and_camera_exif_are_removed_completely() -> None:
    raw = _jpeg((120, 80), exif=_exif_with_gps())
    source = Image.open(io.BytesIO(raw))
    assert source.getexif().get_ifd(ExifTags.IFD.GPSInfo)  # precondition: GPS really present
    assert b"TestPhoneMaker" in raw

    result = process_photo(raw)

    out = _open(result.data)
    assert out.format == "JPEG"
    assert len(out.getexif()) == 0
    assert out.getexif().get_ifd(ExifTags.IFD.GPSInfo) == {}
    assert "exif" not in out.info
    assert b"Exif" not in result.data
    assert b"\xff\xe1" not in result.data  # no APP1 segment (EXIF/XMP) at all
    for leaked in (b"TestPhoneMaker", b"TP-1234", b"CameraApp", b"GPS"):
        assert leaked not in result.data


def test_xmp_comment_and_icc_profile_are_removed() -> None:
    xmp = (
        b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
        b'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        b'<rdf:Description exif:GPSLatitude="59,50.2N"/></rdf:RDF></x:xmpmeta>'
    )
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    raw = _jpeg((90, 60), xmp=xmp, comment=b"officer 4711 at the bridge", icc_profile=icc)
    assert b"officer 4711" in raw and b"xmpmeta" in raw

    result = process_photo(raw)

    out = _open(result.data)
    assert not {"xmp", "comment", "icc_profile", "exif"} & set(out.info)
    for leaked in (b"xmpmeta", b"GPSLatitude", b"officer 4711", b"ICC_PROFILE", b"adobe"):
        assert leaked not in result.data


def test_exif_and_text_chunks_in_png_are_removed() -> None:
    text = PngImagePlugin.PngInfo()
    text.add_text("Comment", "taken at Storgatan 12")
    raw = _encode(Image.new("RGB", (50, 40), "green"), "PNG", exif=_exif_with_gps(), pnginfo=text)

    result = process_photo(raw)

    assert len(_open(result.data).getexif()) == 0
    for leaked in (b"Exif", b"TestPhoneMaker", b"Storgatan"):
        assert leaked not in result.data


# --- orientation ------------------------------------------------------------------------------


def test_exif_orientation_is_baked_into_pixels_and_tag_dropped() -> None:
    # Stored landscape with a red top-left corner; Orientation 6 means "rotate 90° clockwise to
    # display", so the viewer sees a portrait picture with the red corner at the top right.
    image = Image.new("RGB", (200, 100), "white")
    image.paste((255, 0, 0), (0, 0, 40, 40))
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    raw = _encode(image, "JPEG", exif=exif, quality=95)

    result = process_photo(raw)

    out = _open(result.data)
    assert (result.width, result.height) == (100, 200) == out.size
    assert ExifTags.Base.Orientation not in out.getexif()
    red, green, blue = out.convert("RGB").getpixel((90, 10))
    assert red > 200 and green < 60 and blue < 60
    assert out.convert("RGB").getpixel((10, 10)) == pytest.approx((255, 255, 255), abs=10)


# --- size -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("size", "expected"),
    [((4000, 3000), (1600, 1200)), ((3000, 4000), (1200, 1600)), ((5000, 1000), (1600, 320))],
)
def test_large_photo_is_downscaled_to_long_side_keeping_aspect(
    size: tuple[int, int], expected: tuple[int, int]
) -> None:
    result = process_photo(_jpeg(size))

    assert (result.width, result.height) == expected
    assert _open(result.data).size == expected


def test_sideways_stored_large_photo_is_rotated_before_being_sized() -> None:
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    raw = _jpeg((4000, 3000), exif=exif)

    result = process_photo(raw)

    assert (result.width, result.height) == (1200, 1600)


def test_small_photo_is_never_upscaled() -> None:
    result = process_photo(_jpeg((300, 200)))

    assert (result.width, result.height) == (300, 200)


def test_max_side_is_configurable() -> None:
    result = process_photo(_jpeg((800, 600)), max_side=400)

    assert (result.width, result.height) == (400, 300)


# --- formats ----------------------------------------------------------------------------------


def test_png_with_alpha_becomes_rgb_jpeg_flattened_on_white() -> None:
    image = Image.new("RGBA", (40, 40), (0, 0, 0, 0))  # fully transparent black
    image.paste((0, 0, 255, 255), (20, 0, 40, 40))  # opaque blue right half
    raw = _encode(image, "PNG")

    result = process_photo(raw)

    out = _open(result.data)
    assert out.format == "JPEG"
    assert out.mode == "RGB"
    assert out.getpixel((5, 20)) == pytest.approx((255, 255, 255), abs=8)
    red, green, blue = out.getpixel((35, 20))
    assert blue > 200 and red < 40 and green < 40


def test_palette_png_with_transparency_is_flattened_on_white() -> None:
    image = Image.new("P", (30, 30), 0)
    image.putpalette([0, 0, 0, 255, 0, 0] + [0] * (254 * 3))
    raw = _encode(image, "PNG", transparency=0)

    out = _open(process_photo(raw).data)

    assert out.mode == "RGB"
    assert out.getpixel((15, 15)) == pytest.approx((255, 255, 255), abs=8)


def test_sixteen_bit_greyscale_png_keeps_its_tone() -> None:
    raw = _encode(Image.new("I;16", (20, 20), 32768), "PNG")  # mid grey

    out = _open(process_photo(raw).data)

    assert out.getpixel((10, 10)) == pytest.approx((128, 128, 128), abs=6)


@pytest.mark.skipif(not features.check("webp"), reason="Pillow built without WebP")
def test_webp_is_accepted_and_becomes_jpeg() -> None:
    raw = _encode(Image.new("RGB", (64, 32), "orange"), "WEBP")

    result = process_photo(raw)

    assert _open(result.data).format == "JPEG"
    assert (result.width, result.height) == (64, 32)


def test_multi_picture_jpeg_from_phone_cameras_is_accepted() -> None:
    # Pillow reports JPEGs with an MP extension (depth maps, previews) as "MPO".
    first = Image.new("RGB", (60, 40), "red")
    raw = _encode(first, "MPO", save_all=True, append_images=[Image.new("RGB", (60, 40), "blue")])
    assert Image.open(io.BytesIO(raw)).format == "MPO"  # precondition

    result = process_photo(raw)

    out = _open(result.data)
    assert out.format == "JPEG"
    assert out.getpixel((30, 20))[0] > 200  # the first (red) frame is used


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"just some text, definitely not a photo\n" * 10,
        b"<!DOCTYPE html><html><head><title>x</title></head><body>hi</body></html>",
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n",
        b"\xff\xd8\xff",  # bare JPEG signature with nothing after it
    ],
    ids=["empty", "text", "html", "pdf", "jpeg-signature-only"],
)
def test_non_images_are_rejected_as_not_an_image(raw: bytes) -> None:
    assert _rejected_code(raw) == "not_an_image"


@pytest.mark.parametrize(
    ("fmt", "mode"), [("GIF", "P"), ("BMP", "RGB"), ("TIFF", "RGB"), ("ICO", "RGBA")]
)
def test_real_images_in_other_formats_are_rejected_as_unsupported(fmt: str, mode: str) -> None:
    raw = _encode(Image.new(mode, (32, 32)), fmt)

    assert _rejected_code(raw) == "unsupported_type"


def test_truncated_jpeg_is_rejected_as_corrupt() -> None:
    noisy = Image.effect_noise((256, 256), 80).convert("RGB")
    raw = _encode(noisy, "JPEG", quality=95)

    assert _rejected_code(raw[: len(raw) // 2]) == "corrupt"


def test_truncated_png_is_rejected_as_corrupt() -> None:
    noisy = Image.effect_noise((256, 256), 80)
    raw = _encode(noisy, "PNG")

    assert _rejected_code(raw[: len(raw) // 2]) == "corrupt"


# --- limits -----------------------------------------------------------------------------------


def test_upload_over_max_bytes_is_rejected_before_decoding(forbid_pixel_decoding: None) -> None:
    raw = b"not even an image " * 100

    assert _rejected_code(raw, max_bytes=len(raw) - 1) == "too_large"


def test_upload_of_exactly_max_bytes_is_accepted() -> None:
    raw = _jpeg()

    assert process_photo(raw, max_bytes=len(raw)).width == 64


def test_default_size_limit_is_eight_megabytes() -> None:
    assert _rejected_code(b"\0" * (8 * 1024 * 1024 + 1)) == "too_large"


def test_header_over_max_pixels_is_rejected_without_decoding(
    forbid_pixel_decoding: None,
) -> None:
    # 48 Mpx: over our 40 Mpx default but under Pillow's own bomb threshold, so this is our check.
    raw = _png_header_claiming(8000, 6000)
    assert len(raw) < 10_000

    assert _rejected_code(raw) == "too_many_pixels"


def test_huge_bomb_png_is_rejected_without_decoding(forbid_pixel_decoding: None) -> None:
    # 400 Mpx would need ~400 MB to decode, yet the file is a few dozen kilobytes.
    raw = _png_header_claiming(20000, 20000)

    assert _rejected_code(raw) == "too_many_pixels"


def test_pillow_bomb_warning_is_turned_into_rejection(forbid_pixel_decoding: None) -> None:
    # With our own limit lifted, Pillow's DecompressionBombWarning (100 Mpx > ~89 Mpx) must
    # still stop the decode rather than just being printed.
    raw = _png_header_claiming(10000, 10000)
    filters_before = list(warnings.filters)
    limit_before = Image.MAX_IMAGE_PIXELS

    assert _rejected_code(raw, max_pixels=10**12) == "too_many_pixels"
    assert warnings.filters == filters_before
    assert limit_before == Image.MAX_IMAGE_PIXELS


def test_max_pixels_is_configurable() -> None:
    raw = _jpeg((100, 100))

    assert _rejected_code(raw, max_pixels=9_999) == "too_many_pixels"
    assert process_photo(raw, max_pixels=10_000).width == 100


# --- result -----------------------------------------------------------------------------------


def test_sha256_is_the_digest_of_the_returned_bytes() -> None:
    result = process_photo(_jpeg((200, 150), exif=_exif_with_gps()))

    assert isinstance(result, ProcessedImage)
    assert result.sha256 == hashlib.sha256(result.data).hexdigest()


def test_processing_is_deterministic() -> None:
    image = Image.effect_noise((2400, 1800), 40).convert("RGB")
    raw = _encode(image, "JPEG", exif=_exif_with_gps())

    first = process_photo(raw)
    second = process_photo(raw)

    assert first == second
    assert first.data == second.data


def test_quality_setting_changes_the_encoding() -> None:
    raw = _encode(Image.effect_noise((300, 300), 60).convert("RGB"), "PNG")

    low = process_photo(raw, quality=30)
    high = process_photo(raw, quality=90)

    assert len(low.data) < len(high.data)


@pytest.mark.parametrize("kwargs", [{"max_side": 0}, {"quality": 0}, {"quality": 101}])
def test_nonsensical_settings_are_programming_errors(kwargs: dict[str, int]) -> None:
    with pytest.raises(ValueError):
        process_photo(_jpeg(), **kwargs)
