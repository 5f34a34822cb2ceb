"""Start page, language switch, health check and the reference data every install needs."""
