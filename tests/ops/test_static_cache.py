"""Static files: versioned URLs with year-long lifetimes; the rest must be asked for again.

Pages name every app file with `?v=<content hash>` (webapp/core/assets.py), so a deploy changes the
URL of what changed and browsers can keep a versioned file for a year without asking. The
service worker and the manifest must never be kept that long: browsers would not see updates.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from tests.conftest import login
from webapp import ROOT

ONE_YEAR = 365 * 24 * 3600


def max_age(cache_control: str) -> int:
    match = re.search(r"max-age=(\d+)", cache_control)
    return int(match.group(1)) if match else 0


def page_assets(html: str) -> list[str]:
    return re.findall(r'(?:src|href)="(/(?:static|vendor)/[^"]+)"', html)


def test_a_rendered_page_names_static_files_with_their_content_version(client):
    urls = page_assets(client.get("/login").get_data(as_text=True))

    app_css = next(url for url in urls if url.startswith("/static/css/app.css"))
    version = parse_qs(urlsplit(app_css).query)["v"][0]
    content = (ROOT / "static/css/app.css").read_bytes()
    assert version == hashlib.sha256(content).hexdigest()[:12]
    assert all("v=" in url for url in urls), urls


def test_a_versioned_static_file_is_cached_for_a_year_and_immutable(client):
    urls = page_assets(client.get("/login").get_data(as_text=True))
    script = next(url for url in urls if url.startswith("/static/js/app.js"))

    response = client.get(script)

    assert response.status_code == 200
    cache_control = response.headers["Cache-Control"]
    assert max_age(cache_control) >= ONE_YEAR
    assert "immutable" in cache_control and "public" in cache_control
    assert "Expires" not in response.headers  # no second clock that could disagree


def test_a_revalidation_of_a_versioned_file_keeps_the_long_lifetime(client):
    url = next(u for u in page_assets(client.get("/login").get_data(as_text=True)) if "app.js" in u)
    etag = client.get(url).headers["ETag"]

    response = client.get(url, headers={"If-None-Match": etag})

    assert response.status_code == 304
    assert max_age(response.headers["Cache-Control"]) >= ONE_YEAR


def test_unversioned_or_outdated_urls_must_be_revalidated(client):
    for url in ("/static/js/app.js", "/static/js/app.js?v=0123456789ab"):
        response = client.get(url)
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "no-cache", url


def test_vendor_libraries_are_versioned_too(app, officer):
    client = login(app.test_client(), officer)
    urls = page_assets(client.get("/field/new").get_data(as_text=True))
    leaflet = next(url for url in urls if url.startswith("/vendor/leaflet/leaflet.js"))
    assert "v=" in leaflet

    assert max_age(client.get(leaflet).headers["Cache-Control"]) >= ONE_YEAR
    assert max_age(client.get("/vendor/leaflet/leaflet.js").headers["Cache-Control"]) < ONE_YEAR


def test_the_service_worker_and_the_manifest_are_never_long_cached(client):
    for url in ("/sw.js", "/manifest.webmanifest", "/sw.js?v=1", "/manifest.webmanifest?v=1"):
        response = client.get(url)
        assert response.status_code == 200
        cache_control = response.headers.get("Cache-Control", "")
        assert "immutable" not in cache_control, url
        assert max_age(cache_control) <= 3600, (url, cache_control)


def test_the_service_worker_finds_versioned_files_offline():
    """Its precache holds the files without version; a versioned URL must still find them."""
    worker = Path(ROOT / "static/js/sw.js").read_text()
    assert 'searchParams.has("v")' in worker
    assert "cache.match(bare)" in worker
