"""Operations: backup and restore, retention, demo data."""
