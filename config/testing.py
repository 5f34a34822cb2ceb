"""Test runs: each test builds an app on its own database (see tests/conftest.py)."""

TESTING = True
SECRET_KEY = "test-secret-key-not-for-production-0123456789"  # noqa: S105
# Password hashing at production cost makes the suite slow; tests do not need the strength.
PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"  # noqa: S105
RATELIMIT_STORAGE_URI = "memory://"
# Webhook receivers in the tests are servers on this machine (webapp/interop/webhooks/ssrf.py).
WEBHOOK_REQUIRE_HTTPS = False
WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.1/32"]
