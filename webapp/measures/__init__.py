"""Measures (åtgärder): decided actions with an owner, a deadline and an honest status."""
