"""Security headers and the Content-Security-Policy (through Flask-Talisman).

Scripts and styles load only from our own origin or carry the per-request nonce; map tiles are
the one outside host, taken from the TILE_URL setting.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask
from flask_talisman import Talisman
from werkzeug.middleware.proxy_fix import ProxyFix


def tile_origin(tile_url: str) -> str | None:
    parts = urlsplit(tile_url.replace("{s}", "a"))
    if not parts.scheme or not parts.netloc:
        return None
    host = parts.netloc
    if "{s}." in tile_url:
        host = "*." + host.split(".", 1)[1]
    return f"{parts.scheme}://{host}"


def init_security(app: Flask) -> None:
    trust_proxies(app)
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
    # One Talisman per app: Talisman keeps its settings (and the app) on the instance, so a shared
    # instance would hand the last app's policy and cookie settings to every other app.
    app.extensions["talisman"] = Talisman(
        app,
        force_https=app.config["FORCE_HTTPS"],
        strict_transport_security=app.config["SESSION_COOKIE_SECURE"],
        session_cookie_secure=app.config["SESSION_COOKIE_SECURE"],
        session_cookie_http_only=True,
        # Talisman writes this into the config; pass ours so it does not reset a stricter choice.
        session_cookie_samesite=app.config["SESSION_COOKIE_SAMESITE"],
        content_security_policy=csp,
        content_security_policy_nonce_in=["script-src", "style-src"],
        frame_options="DENY",
        referrer_policy="same-origin",
        permissions_policy={"geolocation": "(self)", "camera": "(self)", "microphone": "()"},
        x_content_type_options=True,
    )


def trust_proxies(app: Flask) -> None:
    """Take the client address, scheme and host from the configured number of reverse proxies.

    Without this, behind a proxy every request comes from the proxy's address: one per-address
    login limit for the whole town, and an audit trail that names the proxy.
    """
    count = int(app.config.get("PROXY_COUNT") or 0)
    if count > 0:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=count, x_proto=count, x_host=count
        )
