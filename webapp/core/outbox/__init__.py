"""The transactional outbox: events written in the same transaction as the change they report.

Features call `emit()` next to their `audit()` calls; consumers (webapp.interop.webhooks) read
the rows later and deliver them. Core reads no consumer's tables.
"""
