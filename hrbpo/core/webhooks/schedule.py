"""When to try a delivery again, when to give up on it, and when to switch
an endpoint off.

A failed attempt is retried 5 s, 30 s, 2 min, 10 min and 1 h after the
previous failure, then every 6 h, as long as the retry would still fall
within 3 days of the delivery's first attempt: 17 attempts in all, the last
about 67 hours in. After that the delivery is `failed`. (A manual
redelivery is a new run of attempts; the event keeps its id.)

An endpoint is switched off (`active: false`) when every attempt has failed
for 5 days: `failing_since` is the time of the first failure after its last
success (or since it was created or switched on again), and is cleared by any
success.
"""
from datetime import datetime, timedelta
from typing import NamedTuple

BACKOFF = (timedelta(seconds=5), timedelta(seconds=30), timedelta(minutes=2), timedelta(minutes=10),
           timedelta(hours=1))
STEADY = timedelta(hours=6)
RETRY_FOR = timedelta(days=3)
DISABLE_AFTER = timedelta(days=5)


def retry_delay(attempts: int) -> timedelta:
    """The wait after the `attempts`-th failed attempt (counting from 1)."""
    if attempts < 1:
        raise ValueError("A retry follows at least one attempt.")
    return BACKOFF[attempts - 1] if attempts <= len(BACKOFF) else STEADY


def next_attempt_at(attempts: int, first_attempt_at: datetime, now: datetime) -> datetime | None:
    """When to try again after the `attempts`-th attempt failed at `now`;
    None when that would be more than `RETRY_FOR` after the first attempt
    (the delivery has failed)."""
    at = now + retry_delay(attempts)
    return at if at <= first_attempt_at + RETRY_FOR else None


class Next(NamedTuple):
    status: str  # delivered | pending | failed, as the deliveries API shows it
    next_attempt_at: datetime | None


def after_attempt(delivered: bool, attempts: int, first_attempt_at: datetime, now: datetime) -> Next:
    """A delivery's state after its `attempts`-th attempt ended at `now`."""
    if delivered:
        return Next("delivered", None)
    at = next_attempt_at(attempts, first_attempt_at, now)
    return Next("pending", at) if at else Next("failed", None)


def failing_since_after(delivered: bool, failing_since: datetime | None, now: datetime) -> datetime | None:
    """An endpoint's `failing_since` after an attempt ended at `now`."""
    if delivered:
        return None
    return failing_since or now


def should_disable(failing_since: datetime | None, now: datetime) -> bool:
    """After a failed attempt: has the endpoint failed every attempt for
    `DISABLE_AFTER`?"""
    return failing_since is not None and now - failing_since >= DISABLE_AFTER
