"""Citizen promises (medborgarlöften), the activity types that serve them and the activity log."""
