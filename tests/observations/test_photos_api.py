"""PUT /api/v1/observations/<id>/photos/<photo_id> and GET /api/v1/photos/<id>.jpg."""

from __future__ import annotations

import io
import re
import struct
import uuid
import zlib
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from PIL import ExifTags, Image

from tests.conftest import csrf_token, remove_stored, stored_bytes, stored_keys
from tests.observations.conftest import URL, create
from webapp.core.audit.models import AuditEntry
from webapp.extensions import db
from webapp.observations.models import Photo

RED, BLUE = (220, 20, 20), (20, 20, 220)


def jpeg_with_gps(size: tuple[int, int] = (120, 80), orientation: int | None = None) -> bytes:
    """A phone-like JPEG: top half red, bottom half blue, EXIF with camera and GPS tags."""
    image = Image.new("RGB", size, RED)
    image.paste(BLUE, (0, size[1] // 2, size[0], size[1]))
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "TestPhoneMaker"
    exif[ExifTags.Base.Model] = "TP-1234"
    if orientation:
        exif[ExifTags.Base.Orientation] = orientation
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (59.0, 50.0, 12.5)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (13.0, 8.0, 30.25)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif, quality=95)
    return buffer.getvalue()


def png_header_claiming(width: int, height: int) -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def photo_url(observation_id: str, photo_id: str) -> str:
    return f"{URL}/{observation_id}/photos/{photo_id}"


def put_photo(client: FlaskClient, observation_id: str, photo_id: str, data: bytes, **headers: str):  # type: ignore[no-untyped-def]
    return client.put(
        photo_url(observation_id, photo_id),
        data=data,
        headers={"X-CSRFToken": csrf_token(client), "Content-Type": "image/jpeg", **headers},
    )


def photo_rows(app: Flask) -> list[Photo]:
    with app.app_context():
        rows = list(db.session.execute(db.select(Photo)).scalars())
        for row in rows:
            db.session.expunge(row)
        return rows


@pytest.fixture(autouse=True)
def _both_backends(photo_backend: str) -> str:
    """Every test here runs on the folder and on the database photo store."""
    return photo_backend


def files_on_disk(app: Flask) -> list[str]:
    """The blobs in the store (named so for history: with the folder backend, files)."""
    return stored_keys(app)


def stored_name(app: Flask, photo_id: str) -> str:
    with app.app_context():
        photo = db.session.get(Photo, photo_id)
        assert photo is not None
        return photo.storage_name


def stored_data(app: Flask, photo_id: str) -> bytes:
    return stored_bytes(app, stored_name(app, photo_id))


def test_photo_is_stored_reencoded_without_exif_or_gps(app, officer_client):
    observation = create(officer_client)
    photo_id = str(uuid.uuid4())
    raw = jpeg_with_gps()
    assert b"TestPhoneMaker" in raw and Image.open(io.BytesIO(raw)).getexif().get_ifd(
        ExifTags.IFD.GPSInfo
    )

    response = put_photo(officer_client, observation["id"], photo_id, raw)

    assert response.status_code == 201
    body = response.get_json()
    assert body["id"] == photo_id
    assert body["observation_id"] == observation["id"]
    assert body["url"] == f"/api/v1/photos/{photo_id}.jpg"
    assert (body["width"], body["height"]) == (120, 80)
    data = stored_data(app, photo_id)
    stored = Image.open(io.BytesIO(data))
    assert stored.format == "JPEG"
    assert len(stored.getexif()) == 0
    assert stored.getexif().get_ifd(ExifTags.IFD.GPSInfo) == {}
    assert "exif" not in stored.info
    for leaked in (b"Exif", b"GPS", b"TestPhoneMaker", b"TP-1234"):
        assert leaked not in data
    assert files_on_disk(app) == [stored_name(app, photo_id)]


def test_photo_appears_on_its_observation(officer_client):
    observation = create(officer_client)
    photo_id = str(uuid.uuid4())
    put_photo(officer_client, observation["id"], photo_id, jpeg_with_gps())

    record = officer_client.get(f"{URL}/{observation['id']}").get_json()
    assert record["photos"] == [{"id": photo_id, "url": f"/api/v1/photos/{photo_id}.jpg"}]


def test_exif_orientation_is_baked_into_the_pixels(app, officer_client):
    observation = create(officer_client)
    photo_id = str(uuid.uuid4())
    # Orientation 6: the camera held upright, the sensor image must be turned 90° clockwise.
    raw = jpeg_with_gps(size=(120, 80), orientation=6)

    response = put_photo(officer_client, observation["id"], photo_id, raw)

    assert response.status_code == 201
    assert (response.get_json()["width"], response.get_json()["height"]) == (80, 120)
    stored = Image.open(io.BytesIO(stored_data(app, photo_id))).convert("RGB")
    assert stored.size == (80, 120)
    assert "exif" not in stored.info  # no orientation tag left to turn it a second time
    # Turned clockwise, the red top of the sensor image is now on the right.
    right, left = stored.getpixel((70, 60)), stored.getpixel((10, 60))
    assert right[0] > 150 and right[2] < 100, right
    assert left[2] > 150 and left[0] < 100, left


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"just some text, not a picture",
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n",
        b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04\x01\x00\x00\x00\x00,"
        b"\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;",
        b"\xff\xd8\xff\xe0" + b"\x00" * 64,  # a JPEG signature and nothing behind it
        b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>",
    ],
    ids=["empty", "text", "pdf", "gif", "truncated-jpeg", "svg"],
)
def test_a_file_that_is_not_an_accepted_image_is_422(app, officer_client, data):
    observation = create(officer_client)
    response = put_photo(officer_client, observation["id"], str(uuid.uuid4()), data)
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "validation_failed"
    assert "photo" in response.get_json()["error"]["fields"]
    assert photo_rows(app) == [] and files_on_disk(app) == []


def test_decompression_bomb_is_422_without_decoding(app, officer_client):
    observation = create(officer_client)
    response = put_photo(
        officer_client,
        observation["id"],
        str(uuid.uuid4()),
        png_header_claiming(30000, 30000),
        **{"Content-Type": "image/png"},
    )
    assert response.status_code == 422
    assert "photo" in response.get_json()["error"]["fields"]
    assert photo_rows(app) == [] and files_on_disk(app) == []


def test_photo_larger_than_photo_max_bytes_is_413(app, officer_client):
    observation = create(officer_client)
    raw = jpeg_with_gps(size=(400, 300))
    app.config["PHOTO_MAX_BYTES"] = len(raw) - 1
    response = put_photo(officer_client, observation["id"], str(uuid.uuid4()), raw)
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "too_large"
    assert photo_rows(app) == [] and files_on_disk(app) == []


def test_photo_larger_than_max_content_length_is_413(app, officer_client):
    observation = create(officer_client)
    raw = jpeg_with_gps(size=(400, 300))
    app.config["MAX_CONTENT_LENGTH"] = 1024
    response = put_photo(officer_client, observation["id"], str(uuid.uuid4()), raw)
    assert response.status_code == 413
    assert response.is_json
    assert photo_rows(app) == [] and files_on_disk(app) == []


def test_replaying_the_same_photo_returns_200_with_one_row_and_one_file(app, officer_client):
    observation = create(officer_client)
    photo_id = str(uuid.uuid4())
    raw = jpeg_with_gps()
    first = put_photo(officer_client, observation["id"], photo_id, raw)
    assert first.status_code == 201

    replay = put_photo(officer_client, observation["id"], photo_id, raw)

    assert replay.status_code == 200
    assert replay.get_json() == first.get_json()
    assert len(photo_rows(app)) == 1
    assert len(files_on_disk(app)) == 1


def test_replay_with_the_photo_uuid_in_another_spelling_is_still_a_replay(app, officer_client):
    observation = create(officer_client)
    photo_id = str(uuid.uuid4())
    raw = jpeg_with_gps()
    put_photo(officer_client, observation["id"], photo_id, raw)

    replay = put_photo(officer_client, observation["id"], photo_id.upper(), raw)

    assert replay.status_code == 200
    assert replay.get_json()["id"] == photo_id
    assert len(photo_rows(app)) == 1 and len(files_on_disk(app)) == 1


@pytest.mark.parametrize(
    "photo_id",
    [
        "not-a-uuid",
        "{" + "12345678-1234-5678-1234-567812345678" + "}",
        "urn:uuid:" + "1" * 32,
        "x" * 200,
    ],
)
def test_photo_id_must_be_a_plain_uuid_or_normalise_to_one(app, officer_client, photo_id):
    observation = create(officer_client)
    response = put_photo(officer_client, observation["id"], photo_id, jpeg_with_gps())
    assert response.status_code in (201, 404, 422), response.get_data(as_text=True)
    for row in photo_rows(app):
        assert row.id == str(uuid.UUID(row.id))


def test_different_bytes_under_the_same_photo_id_is_409(app, officer_client):
    observation = create(officer_client)
    photo_id = str(uuid.uuid4())
    put_photo(officer_client, observation["id"], photo_id, jpeg_with_gps())
    before = stored_data(app, photo_id)

    response = put_photo(officer_client, observation["id"], photo_id, jpeg_with_gps(size=(90, 90)))

    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "conflict"
    assert stored_data(app, photo_id) == before
    assert len(photo_rows(app)) == 1 and len(files_on_disk(app)) == 1


def test_same_photo_id_on_another_observation_is_409(app, officer_client):
    first, second = create(officer_client), create(officer_client)
    photo_id = str(uuid.uuid4())
    raw = jpeg_with_gps()
    put_photo(officer_client, first["id"], photo_id, raw)

    response = put_photo(officer_client, second["id"], photo_id, raw)

    assert response.status_code == 409
    assert len(photo_rows(app)) == 1


def test_client_file_name_is_never_used_on_disk(app, officer_client):
    observation = create(officer_client)
    photo_id = str(uuid.uuid4())
    response = put_photo(
        officer_client,
        observation["id"],
        photo_id,
        jpeg_with_gps(),
        **{
            "Content-Disposition": 'attachment; filename="../../etc/passwd"',
            "X-File-Name": "../x.php",
        },
    )
    assert response.status_code == 201

    name = stored_name(app, photo_id)
    assert re.fullmatch(r"[0-9a-f]{32}\.jpg", name)
    assert files_on_disk(app) == [name]
    if app.config["PHOTO_BACKEND"] == "folder":
        assert (Path(app.config["PHOTO_DIR"]) / name).is_file()
    assert "passwd" not in response.get_data(as_text=True)


def test_photo_on_another_users_observation_is_404(app, officer_client, as_user, staff):
    from tests.conftest import make_user
    from webapp.core.access import Role

    with app.app_context():
        colleague = make_user(Role.OFFICER, "colleague")
    police_record = create(officer_client)
    shared_record = create(officer_client, visibility="shared")

    for client, record in (
        (as_user(staff), police_record),  # may not even read it
        (as_user(staff), shared_record),  # may read, but it is not theirs
        (as_user(colleague), police_record),  # may read, but it is not theirs
    ):
        response = put_photo(client, record["id"], str(uuid.uuid4()), jpeg_with_gps())
        assert response.status_code == 404, response.get_json()
        assert response.get_json()["error"]["code"] == "not_found"
    assert photo_rows(app) == [] and files_on_disk(app) == []


def test_coordinator_may_add_a_photo_to_any_observation(officer_client, coordinator_client):
    record = create(officer_client)
    response = put_photo(coordinator_client, record["id"], str(uuid.uuid4()), jpeg_with_gps())
    assert response.status_code == 201


def test_photo_on_a_missing_observation_is_404(officer_client):
    response = put_photo(officer_client, str(uuid.uuid4()), str(uuid.uuid4()), jpeg_with_gps())
    assert response.status_code == 404


def test_photo_upload_needs_login_and_csrf(app, client, officer_client):
    record = create(officer_client)
    url = photo_url(record["id"], str(uuid.uuid4()))
    assert officer_client.put(url, data=jpeg_with_gps()).status_code == 400  # no CSRF header
    anonymous = client.put(url, data=jpeg_with_gps(), headers={"X-CSRFToken": csrf_token(client)})
    assert anonymous.status_code == 401
    assert photo_rows(app) == []


def test_photo_download_enforces_visibility(app, officer_client, as_user, staff, coordinator):
    record = create(officer_client)  # police
    photo_id = str(uuid.uuid4())
    put_photo(officer_client, record["id"], photo_id, jpeg_with_gps())
    url = f"/api/v1/photos/{photo_id}.jpg"

    own = officer_client.get(url)
    assert own.status_code == 200
    assert own.mimetype == "image/jpeg"
    assert own.data == stored_data(app, photo_id)
    assert "private" in own.headers["Cache-Control"]

    assert as_user(coordinator).get(url).status_code == 200
    refused = as_user(staff).get(url)
    assert refused.status_code == 404
    assert refused.get_json()["error"]["code"] == "not_found"
    assert refused.data != own.data
    assert as_user(staff).get(f"/api/v1/photos/{uuid.uuid4()}.jpg").status_code == 404


def test_photo_download_is_streamed_with_its_checksum_as_etag(app, officer_client):
    record = create(officer_client)
    photo_id = str(uuid.uuid4())
    body = put_photo(officer_client, record["id"], photo_id, jpeg_with_gps()).get_json()
    url = f"/api/v1/photos/{photo_id}.jpg"

    first = officer_client.get(url)
    assert first.status_code == 200
    assert first.headers["ETag"] == f'"{body["sha256"][:32]}"'
    assert (
        int(first.headers["Content-Length"]) == len(first.data) == len(stored_data(app, photo_id))
    )
    # As before the store: the view's "private, max-age" becomes "private, no-store" for a
    # signed-in user (webapp/pwa/offline.py cache_policy: no record photo in a shared cache).
    assert first.headers["Cache-Control"] == "private, no-store"

    again = officer_client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    assert again.headers["ETag"] == first.headers["ETag"]
    other = officer_client.get(url, headers={"If-None-Match": '"0000"'})
    assert other.status_code == 200 and other.data == first.data


def test_photo_download_of_a_police_record_is_audited(app, officer_client, as_user, coordinator):
    record = create(officer_client)
    photo_id = str(uuid.uuid4())
    put_photo(officer_client, record["id"], photo_id, jpeg_with_gps())
    as_user(coordinator).get(f"/api/v1/photos/{photo_id}.jpg")
    with app.app_context():
        reads = db.session.scalars(
            db.select(AuditEntry).filter_by(action="observation.read", target_id=record["id"])
        ).all()
        assert len(reads) >= 1


def test_photo_download_when_the_file_is_gone_is_404_not_500(app, officer_client):
    record = create(officer_client)
    photo_id = str(uuid.uuid4())
    put_photo(officer_client, record["id"], photo_id, jpeg_with_gps())
    remove_stored(app, stored_name(app, photo_id))

    response = officer_client.get(f"/api/v1/photos/{photo_id}.jpg")
    assert response.status_code == 404
    assert response.is_json


def test_anonymous_photo_download_is_401(client, officer_client):
    record = create(officer_client)
    photo_id = str(uuid.uuid4())
    put_photo(officer_client, record["id"], photo_id, jpeg_with_gps())
    assert client.get(f"/api/v1/photos/{photo_id}.jpg").status_code == 401


def test_parallel_uploads_of_one_photo_keep_one_row_and_one_file(app, officer):
    from collections import Counter

    from tests.conftest import login
    from tests.observations.test_parallel import run_in_threads

    owner = login(app.test_client(), officer)
    record = create(owner)
    photo_id = str(uuid.uuid4())
    raw = jpeg_with_gps(size=(800, 600))
    clients = [login(app.test_client(), officer) for _ in range(6)]
    tokens = [csrf_token(c) for c in clients]

    def upload(index: int) -> int:
        return (
            clients[index]
            .put(
                photo_url(record["id"], photo_id),
                data=raw,
                headers={"X-CSRFToken": tokens[index], "Content-Type": "image/jpeg"},
            )
            .status_code
        )

    statuses = Counter(run_in_threads(len(clients), upload))
    assert statuses == {201: 1, 200: len(clients) - 1}, statuses
    assert len(photo_rows(app)) == 1
    assert files_on_disk(app) == [stored_name(app, photo_id)]
