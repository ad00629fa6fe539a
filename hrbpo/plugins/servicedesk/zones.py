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


class ZoneTable:
    """Offsets of one zone over the UTC years asked for so far, grown on demand (thread-safe)."""

    def __init__(self, name: str):
        self.zone = ZoneInfo(name)
        self._lock = threading.Lock()
        # (first year, last year, transition instants, offset from each on, offset before the
        # first, start of the first year, start of the year after the last)
        self._table = None

    def offset_at(self, instant: int) -> int:
        """The zone's UTC offset at an instant (the new offset from a transition's instant on)."""
        times, offsets, initial = self.covering(instant, instant)
        i = bisect_right(times, instant) - 1
        return offsets[i] if i >= 0 else initial

    def to_utc(self, local: int) -> int:
        """The instant a wall-clock time names. Repeated (fall back): the earliest instant, as
        `fold=0`. Skipped (spring forward): the moment of the change."""
        times, offsets, initial = self.covering(local - _REACH, local + _REACH)
        first, last = bisect_left(times, local - _REACH), bisect_right(times, local + _REACH)
        before = offsets[first - 1] if first > 0 else initial
        for k in range(first, last + 1):  # segments in time order: offset before times[first], …
            start = times[k - 1] if k > first else None
            offset = offsets[k - 1] if k > first else before
            end = times[k] if k < last else None
            instant = local - offset
            if (start is None or instant >= start) and (end is None or instant < end):
                return instant
        for k in range(first, last):  # no instant shows this time: it is in a skipped stretch
            previous = offsets[k - 1] if k > first else before
            if local - previous >= times[k] > local - offsets[k]:
                return times[k]
        raise AssertionError("unreachable: a wall-clock time is either shown or skipped")

    def transitions(self, start: int, end: int) -> list[tuple[int, int, int]]:
        """(instant, offset before, offset after) of each change in [start, end)."""
        times, offsets, initial = self.covering(start, end)
        i, j = bisect_left(times, start), bisect_left(times, end)
        return [(times[k], offsets[k - 1] if k else initial, offsets[k]) for k in range(i, j)]

    def covering(self, start: int, end: int):
        """(transition instants, offset from each on, offset before the first) over [start, end]."""
        table = self._table
        if table is None or not table[5] <= start - DAY or not end + DAY < table[6]:
            with self._lock:
                table = self._grow(year_of(start) - 1, year_of(end) + 1)
        return table[2], table[3], table[4]

    def _grow(self, first: int, last: int):
        table = self._table
        if table is not None:
            first, last = min(first, table[0]), max(last, table[1])
            if (first, last) == table[:2]:
                return table
        times, offsets = [], []
        for year in range(first, last + 1):
            if table is not None and table[0] <= year <= table[1]:
                i = bisect_right(table[2], year_start(year))
                j = bisect_right(table[2], year_start(year + 1))
                times += table[2][i:j]
                offsets += table[3][i:j]
            else:
                for instant, offset in self._changes(year):
                    times.append(instant)
                    offsets.append(offset)
        self._table = (first, last, times, offsets, self._offset(year_start(first) // SECOND),
                       year_start(first), year_start(last + 1))
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
