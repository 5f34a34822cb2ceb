"""Whether this request is the service worker storing a form for offline use.

The worker (static/js/sw.js) fetches the entry forms a field user needs without signal with
PRECACHE_HEADER; a view then leaves out record content (e.g. the list of earlier patrols), so
the stored copy holds none. Here in core because feature views ask it; pwa.offline keeps the
rest of the offline contract.
"""

from __future__ import annotations

from flask import request

PRECACHE_HEADER = "X-Trygg-Precache"


def is_offline_copy() -> bool:
    """True when the service worker fetches a form to keep for offline use."""
    return request.headers.get(PRECACHE_HEADER) == "1"
