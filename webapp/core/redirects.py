"""Where a login may send the user next: our own paths only."""

from __future__ import annotations

from urllib.parse import urlsplit


def safe_next(target: str | None) -> str | None:
    """Return `target` if it is a path on this site, else None.

    Browsers treat a backslash as a slash and ignore tabs and newlines inside URLs, so
    "/\\evil.example" and "/\\t/evil.example" would leave the site just like "//evil.example".
    """
    if not target:
        return None
    if any(ch in target for ch in "\\\t\r\n\x00") or any(ord(ch) < 32 for ch in target):
        return None
    if not target.startswith("/") or target.startswith("//"):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target
