"""The example nginx site (deploy/nginx/trygg-sunne.conf) in front of gunicorn, for real.

Runs where nginx and openssl are installed (Debian: apt-get install nginx-light openssl) and
skips elsewhere. The site file is used as shipped except for what a deployment replaces anyway:
ports, certificate, the checkout's path and the upstream's port.
"""

from __future__ import annotations

import gzip
import http.client
import os
import re
import secrets
import shutil
import ssl
import subprocess
import time

import pytest
from sqlalchemy import create_engine, text

from webapp import ROOT

SITE = ROOT / "deploy" / "nginx" / "trygg-sunne.conf"
HOST = "trygg.example.se"


def free_port() -> int:
    from bench.server import free_port as port

    return port()


def site_for_test(tmp, https_port: int, http_port: int, upstream_port: int) -> str:  # type: ignore[no-untyped-def]
    site = SITE.read_text()
    replacements = [
        (r"listen \[::\]:\d+[^;]*;\n", ""),
        (r"listen 80;", f"listen 127.0.0.1:{http_port};"),
        (r"listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;"),
        (r"server 127\.0\.0\.1:8000;", f"server 127.0.0.1:{upstream_port};"),
        (r"/etc/letsencrypt/live/[^/]+/fullchain\.pem", f"{tmp}/cert.pem"),
        (r"/etc/letsencrypt/live/[^/]+/privkey\.pem", f"{tmp}/key.pem"),
        (r"/srv/trygg-sunne/static/", f"{ROOT}/static/"),
    ]
    for pattern, replacement in replacements:
        site, count = re.subn(pattern, replacement, site)
        assert count, f"the site file no longer contains {pattern!r}"
    return site


def main_config(tmp, site: str) -> str:  # type: ignore[no-untyped-def]
    temp_paths = "\n".join(
        f"    {name}_temp_path {tmp}/{name};"
        for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return f"""
user root;
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections 64; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log off;
{temp_paths}
{site}
}}
"""


@pytest.fixture
def nginx_site(tmp_path):  # type: ignore[no-untyped-def]
    nginx, openssl = shutil.which("nginx"), shutil.which("openssl")
    if not nginx or not openssl:
        message = "nginx or openssl is not installed (apt-get install nginx-light openssl)"
        if os.environ.get("REQUIRE_NGINX"):  # CI installs both: there, missing is a failure
            pytest.fail(message)
        pytest.skip(message)
    pytest.importorskip("gunicorn")
    from bench.server import gunicorn, prepare

    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", f"/CN={HOST}", "-keyout", str(tmp_path / "key.pem"),
         "-out", str(tmp_path / "cert.pem")],
        check=True, capture_output=True,
    )  # fmt: skip
    db_url = f"sqlite:///{tmp_path}/prod.sqlite"
    prepare(db_url, 0)  # the schema and reference data
    env = {
        "TRYGG_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(48),
        "DATABASE_URL": db_url,
        "TRYGG_PHOTO_DIR": str(tmp_path / "photos"),
        "WEB_CONCURRENCY": "1",
    }
    with gunicorn(env, log=tmp_path / "gunicorn.log", app_uri="webapp.wsgi:app") as base:
        https_port, http_port = free_port(), free_port()
        site = site_for_test(tmp_path, https_port, http_port, int(base.rsplit(":", 1)[1]))
        conf = tmp_path / "nginx.conf"
        conf.write_text(main_config(tmp_path, site))
        check = subprocess.run(
            [nginx, "-t", "-p", str(tmp_path), "-c", str(conf)], capture_output=True, text=True
        )
        assert check.returncode == 0, check.stderr
        process = subprocess.Popen(
            [nginx, "-p", str(tmp_path), "-c", str(conf), "-g", "daemon off;"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            for _ in range(50):
                try:
                    http.client.HTTPConnection("127.0.0.1", http_port, timeout=1).request(
                        "HEAD", "/"
                    )
                    break
                except OSError:
                    time.sleep(0.1)
            yield {"https": https_port, "http": http_port, "db": db_url}
        finally:
            process.terminate()
            process.wait(timeout=10)


def fetch(
    port: int, path: str, headers: dict[str, str] | None = None, method: str = "GET", body=None
):  # type: ignore[no-untyped-def]
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    conn = http.client.HTTPSConnection("127.0.0.1", port, timeout=10, context=context)
    conn.request(method, path, body=body, headers={"Host": HOST, **(headers or {})})
    response = conn.getresponse()
    data = response.read()
    conn.close()
    return response, data


def test_the_example_site_serves_the_app_compressed_cached_and_with_proxy_headers(nginx_site):
    port = nginx_site["https"]

    # Plain HTTP is sent to HTTPS.
    conn = http.client.HTTPConnection("127.0.0.1", nginx_site["http"], timeout=10)
    conn.request("GET", "/login", headers={"Host": HOST})
    redirect = conn.getresponse()
    assert redirect.status == 301
    assert redirect.getheader("Location") == f"https://{HOST}/login"

    # The app sees HTTPS through X-Forwarded-Proto: Secure cookie, HSTS.
    login, page = fetch(port, "/login", {"Accept-Encoding": "gzip"})
    assert login.status == 200
    assert "Secure" in login.getheader("Set-Cookie", "")
    assert "max-age=" in login.getheader("Strict-Transport-Security", "")
    assert login.getheader("Content-Encoding") == "gzip"
    html = gzip.decompress(page).decode()

    # Versioned static files from disk, a year; unversioned ones revalidated; both compressed.
    script = re.search(r'src="(/static/js/app\.js\?v=[0-9a-f]{12})"', html).group(1)
    asset, body = fetch(port, script, {"Accept-Encoding": "gzip"})
    assert asset.status == 200
    assert "immutable" in asset.getheader("Cache-Control", "")
    assert asset.getheader("Content-Encoding") == "gzip"
    assert gzip.decompress(body) == (ROOT / "static/js/app.js").read_bytes()
    bare, _ = fetch(port, "/static/js/app.js")
    assert bare.getheader("Cache-Control") == "no-cache"

    # The service worker and manifest come from the app, never long-cached.
    worker, _ = fetch(port, "/sw.js")
    assert worker.getheader("Cache-Control") == "no-cache"

    # JSON from the app is compressed.
    api, body = fetch(port, "/api/v1/openapi.json", {"Accept-Encoding": "gzip"})
    assert api.status == 200 and api.getheader("Content-Encoding") == "gzip"
    assert gzip.decompress(body).startswith(b"{")

    # A client's forged X-Forwarded-For is replaced by the address nginx saw.
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    cookie = login.getheader("Set-Cookie").split(";", 1)[0]
    form = f"csrf_token={token}&username=nobody&password=wrong"
    failed, _ = fetch(
        port,
        "/login",
        {
            "Cookie": cookie,
            "Content-Type": "application/x-www-form-urlencoded",
            "Referer": f"https://{HOST}/login",
            "X-Forwarded-For": "203.0.113.66",
        },
        method="POST",
        body=form,
    )
    assert failed.status == 401
    engine = create_engine(nginx_site["db"])
    with engine.connect() as conn:
        ips = (
            conn.execute(text("SELECT ip FROM audit_entries WHERE action = 'user.login_failed'"))
            .scalars()
            .all()
        )
    engine.dispose()
    assert ips == ["127.0.0.1"]
