"""Local development: the embedded SQLite database with demo data."""

DEBUG = False
# Webhook receivers may be plain http here (never in production; see README, Webhooks).
WEBHOOK_REQUIRE_HTTPS = False
