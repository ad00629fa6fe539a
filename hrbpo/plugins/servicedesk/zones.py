"""An IANA time zone's UTC offsets as a table of transitions, for exact local ↔ UTC arithmetic.

Instants are integer microseconds since 1970-01-01T00:00Z; local wall-clock times are integer
microseconds since 1970-01-01T00:00 on the zone's clock. The table is read from `zoneinfo` one UTC
year at a time (the offset at every day's start, then the exact second of each change between two
days that differ), so an offset that changes and changes back within one day would be missed:
no zone in the tz database does that.
"""
import threading
from bisect import bisect_left, bisect_right
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache
from typing import NamedTuple
from zoneinfo import ZoneInfo

SECOND = 1_000_000
MINUTE = 60 * SECOND
HOUR = 60 * MINUTE
DAY = 24 * HOUR
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
_MICROSECOND = timedelta(microseconds=1)
_REACH = 30 * HOUR  # farther than any UTC offset (±26 h)


def year_of(instant: int) -> int:
    return date.fromordinal(EPOCH_ORDINAL + instant // DAY).year


def year_start(year: int) -> int:
    return (date(year, 1, 1).toordinal() - EPOCH_ORDINAL) * DAY


class _Table(NamedTuple):
    first: int  # UTC years covered, first …
    last: int  # … to last
    start: int  # start of the first year
    end: int  # start of the year after the last
    times: list[int]  # the transitions' instants, in order
    offsets: list[int]  # offsets[k]: the offset from times[k - 1] to times[k] (offsets[0]: before times[0])


class ZoneTable:
    """Offsets of one zone over the UTC years asked for so far, grown on demand (thread-safe).
    The offset at an instant is `offsets[bisect_right(times, instant)]` of `covering`."""

    def __init__(self, name: str):
        self.zone = ZoneInfo(name)
        self._lock = threading.Lock()
        self._table: _Table | None = None

    def offset_at(self, instant: int) -> int:
        """The zone's UTC offset at an instant (the new offset from a transition's instant on)."""
        times, offsets = self.covering(instant, instant)
        return offsets[bisect_right(times, instant)]

    def to_utc(self, local: int) -> int:
        """The instant a wall-clock time names. Repeated (fall back): the earliest instant, as
        `fold=0`. Skipped (spring forward): the moment of the change."""
        times, offsets = self.covering(local - _REACH, local + _REACH)
        first, last = bisect_left(times, local - _REACH), bisect_right(times, local + _REACH)
        for k in range(first, last + 1):  # the stretches of one offset in the window, in time order
            instant = local - offsets[k]
            if (k == first or instant >= times[k - 1]) and (k == last or instant < times[k]):
                return instant
        for k in range(first, last):  # no instant shows this time: it is in a skipped stretch
            if local - offsets[k] >= times[k] > local - offsets[k + 1]:
                return times[k]
        raise AssertionError("unreachable: a wall-clock time is either shown or skipped")

    def transitions(self, start: int, end: int) -> list[tuple[int, int, int]]:
        """(instant, offset before, offset after) of each change in [start, end)."""
        times, offsets = self.covering(start, end)
        return [(times[k], offsets[k], offsets[k + 1])
                for k in range(bisect_left(times, start), bisect_left(times, end))]

    def covering(self, start: int, end: int) -> tuple[list[int], list[int]]:
        """(times, offsets) covering [start, end] with a day to spare."""
        table = self._table
        if table is None or not table.start <= start - DAY or not end + DAY < table.end:
            with self._lock:
                table = self._grow(year_of(start) - 1, year_of(end) + 1)
        return table.times, table.offsets

    def _grow(self, first: int, last: int) -> _Table:
        table = self._table
        if table is not None:
            first, last = min(first, table.first), max(last, table.last)
            if (first, last) == (table.first, table.last):
                return table
        times, offsets = [], [self._offset(year_start(first) // SECOND)]
        for year in range(first, last + 1):
            if table is not None and table.first <= year <= table.last:
                i = bisect_right(table.times, year_start(year))
                j = bisect_right(table.times, year_start(year + 1))
                changes = zip(table.times[i:j], table.offsets[i + 1:j + 1])
            else:
                changes = self._changes(year)
            for instant, offset in changes:
                times.append(instant)
                offsets.append(offset)
        self._table = _Table(first, last, year_start(first), year_start(last + 1), times, offsets)
        return self._table

    def _changes(self, year: int):
        """Each change in (Jan 1, next Jan 1] of a UTC year, to the second."""
        day = year_start(year)
        previous = self._offset(day // SECOND)
        for _ in range((year_start(year + 1) - day) // DAY):
            offset = self._offset((day + DAY) // SECOND)
            if offset != previous:
                low, high = day // SECOND, (day + DAY) // SECOND  # offset(low) old, offset(high) new
                while high - low > 1:
                    middle = (low + high) // 2
                    if self._offset(middle) == previous:
                        low = middle
                    else:
                        high = middle
                yield high * SECOND, offset
                previous = offset
            day += DAY

    def _offset(self, second: int) -> int:
        return datetime.fromtimestamp(second, self.zone).utcoffset() // _MICROSECOND


@lru_cache(maxsize=None)
def zone_table(name: str) -> ZoneTable:
    """The shared table of a zone (one per process: it only grows, and grows under a lock)."""
    return ZoneTable(name)


def to_micros(when: datetime) -> int:
    """An aware datetime as microseconds since the epoch."""
    if when.tzinfo is None or when.utcoffset() is None:
        raise ValueError("an aware datetime (with a UTC offset) is needed")
    return (when - EPOCH) // _MICROSECOND


def from_micros(instant: int) -> datetime:
    """Microseconds since the epoch as an aware UTC datetime."""
    return EPOCH + timedelta(microseconds=instant)
