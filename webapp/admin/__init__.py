"""Administration: user accounts (admin) and the audit trail (admin and coordinator)."""
