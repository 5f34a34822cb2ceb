"""Security headers and the Content-Security-Policy (through Flask-Talisman).

Scripts and styles load only from our own origin or carry the per-request nonce; map tiles are
the one outside host, taken from the TILE_URL setting.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask

from .extensions import talisman


def tile_origin(tile_url: str) -> str | None:
    parts = urlsplit(tile_url.replace("{s}", "a"))
    if not parts.scheme or not parts.netloc:
        return None
    host = parts.netloc
    if "{s}." in tile_url:
        host = "*." + host.split(".", 1)[1]
    return f"{parts.scheme}://{host}"


def init_security(app: Flask) -> None:
    img_src = ["'self'", "data:", "blob:"]
    origin = tile_origin(app.config["TILE_URL"])
    if origin:
        img_src.append(origin)
    csp = {
        "default-src": "'self'",
        "script-src": "'self'",
        "style-src": "'self'",
        # Leaflet positions tiles and markers with style attributes.
        "style-src-attr": "'unsafe-inline'",
        "img-src": img_src,
        "connect-src": "'self'",
        "worker-src": "'self'",
        "manifest-src": "'self'",
        "object-src": "'none'",
        "base-uri": "'self'",
        "form-action": "'self'",
        "frame-ancestors": "'none'",
    }
    talisman.init_app(
        app,
        force_https=app.config["FORCE_HTTPS"],
        strict_transport_security=app.config["SESSION_COOKIE_SECURE"],
        session_cookie_secure=app.config["SESSION_COOKIE_SECURE"],
        session_cookie_http_only=True,
        content_security_policy=csp,
        content_security_policy_nonce_in=["script-src", "style-src"],
        frame_options="DENY",
        referrer_policy="same-origin",
        permissions_policy={"geolocation": "(self)", "camera": "(self)", "microphone": "()"},
        x_content_type_options=True,
    )
