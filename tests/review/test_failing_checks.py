"""Which check `f` shows next: the following check in spec order that some item fails, wrapping through none."""

from __future__ import annotations

from curator.review.failing_checks import next_failing_check

NAMES = ["weather_tag", "polite", "answer"]


def test_checks_without_failures_are_skipped_and_the_cycle_wraps_through_none():
    failures = {"weather_tag": 12, "answer": 8}
    assert next_failing_check(NAMES, failures, None) == "weather_tag"
    assert next_failing_check(NAMES, failures, "weather_tag") == "answer"
    assert next_failing_check(NAMES, failures, "answer") is None


def test_a_shown_check_without_failures_moves_on_to_the_next_one():
    assert next_failing_check(NAMES, {"answer": 1}, "polite") == "answer"


def test_with_no_failure_at_all_there_is_nothing_to_show():
    assert next_failing_check(NAMES, {}, None) is None
