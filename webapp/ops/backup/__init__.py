"""Backups: the database (SQLite online backup or pg_dump) and the photo files, with a manifest
of SHA-256 checksums and row counts, and the restore that checks them first."""
