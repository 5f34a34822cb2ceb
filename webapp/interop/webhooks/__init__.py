"""Standard Webhooks v1: signed, retried deliveries of the outbox's events to registered endpoints.

- models.py      endpoints, deliveries (one per event and endpoint) and their attempts
- signing.py     the HMAC-SHA256 signature (stdlib)
- ssrf.py        which receiver addresses may be called at all
- deliver.py     fan-out (dispatch_pending), delivery with retries (deliver_due), send again
- admin_views.py the coordinator's pages; cli.py the `flask webhooks` commands
"""
