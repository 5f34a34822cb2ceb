"""Visits to shops and businesses outside Sunne tätort."""
