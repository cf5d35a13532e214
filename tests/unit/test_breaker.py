"""The dead-letter circuit breaker judges a sliding window of recent records."""

from __future__ import annotations

from consumer.ingest.breaker import DeadLetterBreaker


def test_does_not_judge_before_a_full_window() -> None:
    breaker = DeadLetterBreaker(max_share=0.5, window_records=100)
    assert not breaker.trips_on(99, 99)


def test_trips_when_the_share_over_the_window_exceeds_the_limit() -> None:
    breaker = DeadLetterBreaker(max_share=0.5, window_records=100)
    breaker.record(100, 10)
    assert not breaker.trips_on(50, 30)
    assert breaker.trips_on(100, 95)


def test_old_batches_leave_the_window() -> None:
    breaker = DeadLetterBreaker(max_share=0.5, window_records=100)
    breaker.record(100, 90)  # a bad spell, long ago
    for _ in range(5):
        breaker.record(100, 0)
    assert breaker.share() == 0.0
    assert not breaker.trips_on(100, 40)


def test_operator_override_holds_for_the_bad_spell_then_rearms() -> None:
    breaker = DeadLetterBreaker(max_share=0.5, window_records=100)
    breaker.record(50, 0)
    assert breaker.trips_on(100, 100)
    breaker.override()
    for _ in range(5):
        assert not breaker.trips_on(100, 100)
        breaker.record(100, 100)
    breaker.record(100, 10)  # the producer is fixed: a healthy window
    assert breaker.trips_on(100, 100)


def test_a_share_of_one_disables_it() -> None:
    breaker = DeadLetterBreaker(max_share=1.0, window_records=10)
    assert not breaker.trips_on(1000, 1000)
