"""Citizen voice: residents report places without an account, the coordinator moderates them,
an annual safety survey is answered anonymously, and a public page shows what was done.

Modules: models; reports (validator, storing once, public shape) and api (/api/v1/public);
guard (honeypot, fill time, size and rate limits); moderation (+ moderation_views); surveys,
survey_forms, survey_answers, survey_views (public) and survey_admin_views (coordinator);
stats (results, comparison, `survey_summary(period)` for the council report); feedback and
places (measures per area); follow (what became of one report, for whoever holds its UUID);
public_views (the report, follow-up and feedback pages).
"""
