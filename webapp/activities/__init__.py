"""The activity log: every promised activity, whatever its kind, recorded against its promise."""
