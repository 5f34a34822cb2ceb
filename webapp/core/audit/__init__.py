"""The audit trail: who did what, when and from where, written by one helper."""
