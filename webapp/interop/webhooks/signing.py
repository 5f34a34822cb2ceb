"""Standard Webhooks v1 signer (symmetric, HMAC-SHA256): stdlib only.

The `standardwebhooks` package is a test dependency: the receiver in the tests verifies with it.

Spec (standard-webhooks/standard-webhooks spec/standard-webhooks.md, v1.0.0):
  signed content  = f"{webhook-id}.{webhook-timestamp}.{body}"   (body = exact bytes sent)
  signature       = "v1," + base64(HMAC-SHA256(secret_bytes, signed content))
  secret          = "whsec_" + base64(random 24..64 bytes)       (we use 32)
  headers         = webhook-id, webhook-timestamp (integer unix seconds), webhook-signature
                    (space-separated list -> secret rotation: sign with old and new)
  webhook-id      stays the same for every attempt of one event; the timestamp is the
                  *attempt* time (verifiers reject > 5 min skew), so re-sign per attempt.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time

SECRET_PREFIX = "whsec_"  # noqa: S105 (the prefix, not a secret)


def new_secret(nbytes: int = 32) -> str:
    """A fresh endpoint secret, shown once to the coordinator."""
    if not 24 <= nbytes <= 64:
        raise ValueError("Standard Webhooks secrets are 24..64 random bytes")
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(nbytes)).decode("ascii")


def _key(secret: str) -> bytes:
    if not secret.startswith(SECRET_PREFIX):
        raise ValueError("secret must start with whsec_")
    return base64.b64decode(secret[len(SECRET_PREFIX) :], validate=True)


def sign(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    if "." in msg_id:
        raise ValueError("webhook-id must not contain '.'")
    mac = hmac.new(_key(secret), f"{msg_id}.{int(timestamp)}.".encode() + body, hashlib.sha256)
    return "v1," + base64.b64encode(mac.digest()).decode("ascii")


def headers(
    secrets_: list[str] | str, msg_id: str, body: bytes, now: int | None = None
) -> dict[str, str]:
    """Headers for one delivery attempt. Pass [new, old] during a secret rotation."""
    if isinstance(secrets_, str):
        secrets_ = [secrets_]
    ts = int(time.time()) if now is None else int(now)
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(ts),
        "webhook-signature": " ".join(sign(s, msg_id, ts, body) for s in secrets_),
        "content-type": "application/json",
    }
