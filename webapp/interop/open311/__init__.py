"""Open311 GeoReport v2 at /open311/v2/: published residents' reports and public measures out,
residents' reports in (into moderation) with an API key."""
