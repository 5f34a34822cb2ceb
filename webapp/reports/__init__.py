"""Council follow-up: the period report per promise, the weekly situational picture, exports.

Figures come from SQL aggregates (counts, sums, month buckets) rather than loops over ORM
objects, so a year of 100,000 observations reports in well under two seconds. Every query takes
the reader and filters with `access.visibility_filter`: a report never counts a record its reader
may not see.
"""
