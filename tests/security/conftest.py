"""Every test here runs under the audit watch; tests/conftest.py turns it on for the whole suite."""
