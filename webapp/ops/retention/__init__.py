"""Retention: free text is blanked, records are anonymised, and records, photo files and audit
entries are deleted once older than the configured number of days (config RETENTION), by
`flask --app webapp retention`."""
