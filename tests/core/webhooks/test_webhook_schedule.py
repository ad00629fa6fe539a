"""Retries with backoff for 3 days, then failed; endpoints off after 5 days
of nothing but failures."""
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hrbpo.core.webhooks import schedule

T0 = datetime(2024, 2, 28, 23, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize("attempts, delay", [
    (1, timedelta(seconds=5)), (2, timedelta(seconds=30)), (3, timedelta(minutes=2)),
    (4, timedelta(minutes=10)), (5, timedelta(hours=1)), (6, timedelta(hours=6)), (40, timedelta(hours=6)),
])
def test_backoff_then_every_six_hours(attempts, delay):
    assert schedule.retry_delay(attempts) == delay


def test_there_is_no_delay_before_a_first_attempt():
    with pytest.raises(ValueError):
        schedule.retry_delay(0)


def _run(answer_takes=timedelta(0)):
    """Every attempt fails: the times attempts are made, until the delivery fails."""
    times, now, attempts = [T0], T0 + answer_takes, 1
    while True:
        step = schedule.after_attempt(False, attempts, T0, now)
        if step.status == "failed":
            return times, step
        assert step.status == "pending"
        times.append(step.next_attempt_at)
        now, attempts = step.next_attempt_at + answer_takes, attempts + 1


def test_a_delivery_that_always_fails_gets_17_attempts_within_3_days():
    times, last = _run()
    assert len(times) == 17 and last == schedule.Next("failed", None)
    assert times[1:6] == [T0 + timedelta(seconds=s) for s in (5, 35, 155, 755, 4355)]
    assert times[-1] == T0 + timedelta(seconds=4355) + 11 * timedelta(hours=6)
    assert times[-1] <= T0 + timedelta(days=3) < times[-1] + timedelta(hours=6)
    assert all(later > earlier for earlier, later in zip(times, times[1:]))


def test_slow_answers_push_attempts_later_but_never_past_3_days():
    times, _ = _run(answer_takes=timedelta(seconds=10))  # each attempt ends with a 10 s timeout
    assert len(times) == 17 and times[-1] <= T0 + timedelta(days=3)


def test_a_retry_exactly_at_the_end_of_the_window_is_still_made():
    now = T0 + timedelta(days=3) - timedelta(hours=6)
    assert schedule.next_attempt_at(9, T0, now) == T0 + timedelta(days=3)
    assert schedule.next_attempt_at(9, T0, now + timedelta(seconds=1)) is None


def test_success_ends_the_delivery():
    assert schedule.after_attempt(True, 3, T0, T0 + timedelta(minutes=1)) == schedule.Next("delivered", None)
    assert schedule.after_attempt(True, 17, T0, T0 + timedelta(days=4)).status == "delivered"


@given(attempts=st.integers(1, 100), elapsed=st.timedeltas(timedelta(0), timedelta(days=4)))
def test_next_attempts_are_later_and_inside_the_window(attempts, elapsed):
    now = T0 + elapsed
    at = schedule.next_attempt_at(attempts, T0, now)
    if at is None:
        assert now + schedule.retry_delay(attempts) > T0 + schedule.RETRY_FOR
    else:
        assert now < at <= T0 + timedelta(days=3) and at - now == schedule.retry_delay(attempts)


def test_failing_since_is_kept_through_failures_and_cleared_by_a_success():
    since = schedule.failing_since_after(False, None, T0)
    assert since == T0
    assert schedule.failing_since_after(False, since, T0 + timedelta(days=1)) == T0
    assert schedule.failing_since_after(True, since, T0 + timedelta(days=2)) is None


@pytest.mark.parametrize("failing_for, off", [
    (None, False), (timedelta(0), False), (timedelta(days=4, hours=23, minutes=59), False),
    (timedelta(days=5), True), (timedelta(days=9), True),
])
def test_an_endpoint_is_switched_off_after_5_days_of_failures(failing_for, off):
    now = T0 + timedelta(days=10)
    since = None if failing_for is None else now - failing_for
    assert schedule.should_disable(since, now) is off


def test_one_success_in_between_restarts_the_5_days():
    since = None
    for day, delivered in [(0, False), (2, False), (4, True), (6, False), (8, False)]:
        now = T0 + timedelta(days=day)
        since = schedule.failing_since_after(delivered, since, now)
        assert not schedule.should_disable(since, now)
    now = T0 + timedelta(days=11)
    since = schedule.failing_since_after(False, since, now)
    assert schedule.should_disable(since, now)
