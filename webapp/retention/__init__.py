"""Retention: free text is blanked and records, photo files and audit entries are deleted once
older than the configured number of days (config RETENTION), by `flask --app webapp retention`."""
