"""Meetings with school and social services about young people at risk: counts and follow-ups."""
