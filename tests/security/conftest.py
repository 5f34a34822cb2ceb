"""Every test here runs under the audit watch (tests/security/audit_watch.py)."""

from tests.security.audit_watch import audit_watch  # noqa: F401  (an autouse fixture)
