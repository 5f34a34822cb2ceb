"""Which receivers may be called: https only (in production), and never an internal address.

Checked when an endpoint is saved (the form shows why not) and again before every attempt: a
name may resolve elsewhere tomorrow. The attempt then connects to the address that was checked,
so a DNS answer that changes between check and connect gains nothing.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask_babel import gettext as _

from webapp.interop.webhooks.settings import setting

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class UnsafeURL(ValueError):
    """The URL may not receive webhooks; the message says why (in Swedish)."""


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    path: str  # path and query, as sent in the request line
    ip: str  # the checked address the connection goes to


def _allowed_networks() -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    return [ipaddress.ip_network(n, strict=False) for n in setting("WEBHOOK_ALLOWED_NETWORKS")]


def _unmapped(ip: IPAddress) -> IPAddress:
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    return ip


def address_allowed(ip: IPAddress, host: str) -> bool:
    ip = _unmapped(ip)
    if host in setting("WEBHOOK_ALLOWED_HOSTS"):
        return True
    if any(ip in network for network in _allowed_networks()):
        return True
    return ip.is_global and not ip.is_multicast


def check_url(url: str) -> Target:
    """The target of `url`, or UnsafeURL."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise UnsafeURL(_("The address is not a valid URL.")) from exc
    https_only = bool(setting("WEBHOOK_REQUIRE_HTTPS"))
    allowed_schemes = ("https",) if https_only else ("https", "http")
    if parts.scheme not in allowed_schemes:
        raise UnsafeURL(_("Only https addresses may receive webhooks."))
    if parts.username is not None or parts.password is not None:
        raise UnsafeURL(_("The address may not contain a user name or password."))
    host = parts.hostname or ""
    if not host:
        raise UnsafeURL(_("The address has no host name."))
    port = port or (443 if parts.scheme == "https" else 80)
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise UnsafeURL(_("The host name could not be resolved.")) from exc
    addresses = [ipaddress.ip_address(info[4][0].split("%", 1)[0]) for info in infos]
    if not addresses:
        raise UnsafeURL(_("The host name could not be resolved."))
    for ip in addresses:
        if not address_allowed(ip, host):
            raise UnsafeURL(
                _(
                    "The address %(ip)s is private, loopback or link-local; "
                    "it may only receive webhooks if the allow-list names it.",
                    ip=str(ip),
                )
            )
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return Target(parts.scheme, host, port, path, str(addresses[0]))
