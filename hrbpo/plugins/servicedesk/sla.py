"""The service-level engine: due times and breaches in a tenant's business calendar.

Pure (no database, no request): the plugin stores what these functions return and calls them when
a case opens, when its status changes, and when it shows a case. Instants are aware datetimes (any
offset in, UTC out), durations of business time are `timedelta`s; both exact to the microsecond.
Supported instants: from `EARLIEST` to `END_OF_TIME` (ValueError outside); a target the calendar
cannot reach before `END_OF_TIME` is due at `END_OF_TIME`. docs/servicedesk-sla.md has the model.
"""
from dataclasses import dataclass, replace
from datetime import datetime, time, timedelta, timezone
from decimal import Decimal
from typing import Iterable

from hrbpo.plugins.servicedesk.business_calendar import Calendar
from hrbpo.plugins.servicedesk.timeline import HORIZON
from hrbpo.plugins.servicedesk.zones import EPOCH, from_micros, to_micros

EARLIEST = datetime(1900, 1, 1, tzinfo=timezone.utc)
END_OF_TIME = datetime.combine(HORIZON, time(), timezone.utc)  # the due time of a target never reached
RUNNING = frozenset({"new", "open"})  # the resolution clock runs
STOPPED = frozenset({"pending", "resolved", "closed"})  # … and stands still
STATUSES = RUNNING | STOPPED
_EARLIEST, _END = to_micros(EARLIEST), to_micros(END_OF_TIME)
_MICROSECOND = timedelta(microseconds=1)


def target(hours: int | float | Decimal) -> timedelta:
    """A target in hours (> 0, at most two decimals: 0.5 is 30 minutes) as exact business time."""
    if isinstance(hours, bool) or not isinstance(hours, (int, float, Decimal)):
        raise TypeError("hours must be a number")
    amount = Decimal(str(hours)) if isinstance(hours, float) else Decimal(hours)
    if not amount.is_finite() or amount <= 0 or (amount * 100) % 1:
        raise ValueError("hours must be a number above 0 with at most two decimals")
    return timedelta(seconds=int(amount * 3600))


def add(calendar: Calendar, start: datetime, duration: timedelta) -> datetime:
    """The instant `duration` of business time after `start`: the clocks of a case opened outside
    hours start at the next span, and a target met exactly at a span's end is due at that end."""
    instant = _instant(start)
    return _after(calendar.timeline, instant, _amount(duration))


def elapsed(calendar: Calendar, start: datetime, end: datetime) -> timedelta:
    """Business time from `start` to `end` (negative if `end` is earlier)."""
    timeline = calendar.timeline
    return timedelta(microseconds=timeline.position(_instant(end)) - timeline.position(_instant(start)))


def restarted_due(calendar: Calendar, due_at: datetime, stopped_at: datetime, restarted_at: datetime) -> datetime:
    """A stopped resolution clock runs again: its due time moves later by the business time it
    stood still, measured in the calendar in force now."""
    if restarted_at < stopped_at:
        raise ValueError("a clock restarts after it stopped")
    return add(calendar, due_at, elapsed(calendar, stopped_at, restarted_at))


def first_response_breached(due_at: datetime, responded_at: datetime | None, now: datetime) -> bool:
    """Answered after the due time, or not yet answered and now is past it."""
    return (responded_at if responded_at is not None else now) > due_at


@dataclass(frozen=True)
class ResolutionClock:
    """What the plugin stores of a case's resolution clock: its due time, and while the clock
    stands still (pending, resolved, closed) the instant it last stopped."""
    due_at: datetime
    stopped_at: datetime | None = None

    @classmethod
    def start(cls, calendar: Calendar, opened_at: datetime, resolution: timedelta) -> "ResolutionClock":
        return cls(add(calendar, opened_at, resolution))

    @property
    def running(self) -> bool:
        return self.stopped_at is None

    def on_status(self, calendar: Calendar, status: str, at: datetime) -> "ResolutionClock":
        """The clock after the case moved to `status` at `at`: it stops on pending, resolved or
        closed (a change between those keeps the first stop), and restarts on open."""
        if status not in STATUSES:
            raise ValueError(f"unknown status {status!r}")
        if self.running and status in STOPPED:
            return replace(self, stopped_at=from_micros(_instant(at)))
        if not self.running and status in RUNNING:
            return ResolutionClock(restarted_due(calendar, self.due_at, self.stopped_at, at))
        return self

    def breached(self, now: datetime) -> bool:
        """The clock went past the due time while running."""
        return (now if self.running else self.stopped_at) > self.due_at


@dataclass(frozen=True)
class ServiceLevels:
    first_response_due_at: datetime
    first_response_breached: bool
    resolution_due_at: datetime
    resolution_stopped_at: datetime | None
    resolution_breached: bool
    sla_paused: bool

    @property
    def clock(self) -> ResolutionClock:
        return ResolutionClock(self.resolution_due_at, self.resolution_stopped_at)


def service_levels(calendar: Calendar, opened_at: datetime, first_response: timedelta, resolution: timedelta,
                   history: Iterable[tuple[datetime, str]], now: datetime,
                   first_responded_at: datetime | None = None) -> ServiceLevels:
    """A case's service levels at `now` from its whole status history, oldest first ((instant, new
    status) of each change; the case starts `new` at `opened_at`), in one calendar: what replaying
    `ResolutionClock.on_status` over the history gives, computed in one pass (B(due) grows by each
    stop's business time, and only the final due time is looked up)."""
    timeline = calendar.timeline
    opened = _instant(opened_at)
    stops, restarts, status, last = [], [], "new", opened
    for at, new in history:
        instant = (at - EPOCH) // _MICROSECOND  # checked below, all at once: a long history is the hot path
        if instant < last:
            raise ValueError("the history must be in time order, from opened_at on")
        if new not in STATUSES:
            raise ValueError(f"unknown status {new!r}")
        if status in RUNNING and new in STOPPED:
            stops.append(instant)
        elif status in STOPPED and new in RUNNING:
            restarts.append(instant)
        status, last = new, instant
    _instant(from_micros(last))
    paused = sum(timeline.positions(restarts)) - sum(timeline.positions(stops[:len(restarts)])) if restarts else 0
    stopped = stops[-1] if len(stops) > len(restarts) else None
    first_due = add(calendar, opened_at, first_response)
    clock = ResolutionClock(_after(timeline, opened, _amount(resolution) + paused),
                            None if stopped is None else from_micros(stopped))
    return ServiceLevels(first_due, first_response_breached(first_due, first_responded_at, now),
                         clock.due_at, clock.stopped_at, clock.breached(now), status == "pending")


def _after(timeline, instant: int, amount: int) -> datetime:
    """The earliest instant at which `amount` of business time has run since `instant`."""
    if amount == 0:
        return from_micros(instant)
    found = timeline.instant(timeline.position(instant) + amount, timeline.local_day(instant))
    return END_OF_TIME if found is None or found >= _END else from_micros(found)


def _instant(when: datetime) -> int:
    instant = to_micros(when)
    if not _EARLIEST <= instant <= _END:
        raise ValueError(f"instants from {EARLIEST.isoformat()} to {END_OF_TIME.isoformat()} only")
    return instant


def _amount(duration: timedelta) -> int:
    if duration < timedelta(0):
        raise ValueError("business time cannot be negative")
    return duration // _MICROSECOND
