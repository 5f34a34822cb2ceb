"""Local development: the embedded SQLite database with demo data."""

DEBUG = False
