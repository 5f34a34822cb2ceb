"""throttle.limited and its parts: per-address limits counted in Flask-Limiter's store, with one
wait told in words and in Retry-After (login, choosing a password, surveys, walks, reports)."""

from __future__ import annotations

from webapp.auth import throttle

SCOPE = "tests.probe"


def test_of_several_limits_reached_the_one_that_lasts_longest_is_the_wait(app):
    with app.test_request_context(environ_base={"REMOTE_ADDR": "198.51.100.4"}):
        limits = "1 per minute;2 per hour"
        assert throttle.limit_wait(limits, SCOPE) == 0
        throttle.note_hit(limits, SCOPE)
        assert 0 < throttle.limit_wait(limits, SCOPE) <= 60
        throttle.note_hit(limits, SCOPE)
        assert 3540 < throttle.limit_wait(limits, SCOPE) <= 3600


def test_counts_are_per_address_and_per_scope(app):
    with app.test_request_context(environ_base={"REMOTE_ADDR": "198.51.100.5"}):
        throttle.note_hit("1 per hour", SCOPE)
        assert throttle.limit_wait("1 per hour", SCOPE) > 0
        assert throttle.limit_wait("1 per hour", "tests.other") == 0
    with app.test_request_context(environ_base={"REMOTE_ADDR": "198.51.100.6"}):
        assert throttle.limit_wait("1 per hour", SCOPE) == 0


def test_long_waits_are_told_in_whole_hours_rounded_up_alike(app):
    with app.test_request_context(headers={"Accept-Language": "sv"}):
        assert throttle.stated_wait(119 * 60) == (7140, "Vänta 119 minuter och försök igen.")
        assert throttle.stated_wait(120 * 60) == (7200, "Vänta 2 timmar och försök igen.")
        assert throttle.stated_wait(20 * 3600 + 1) == (75600, "Vänta 21 timmar och försök igen.")
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert throttle.stated_wait(3 * 3600) == (10800, "Wait 3 hours and try again.")
