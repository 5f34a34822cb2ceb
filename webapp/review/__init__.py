"""The coordinator's map and review queue."""
