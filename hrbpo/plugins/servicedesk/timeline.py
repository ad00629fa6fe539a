"""Business time of a calendar as one running count, and its inverse, without walking the days.

`position(t)` is B(t): the business microseconds from a fixed origin up to instant t; `instant(p)` is
the earliest instant at which B reaches p. Business time between two instants is then a difference,
and "start + x of business time" is `instant(position(start) + x)`.

B(start of local day d) = the nominal count (whole weeks × the week's business time, plus the
weekdays before d) + the sum of the year's *special* days before d, where a special day is a
holiday (its nominal time taken away) or a day near a clock change whose spans, measured in real
time, differ from their nominal length. Special days are few (a few dozen a year) and kept per year
with prefix sums, so B is a few additions and a bisection; its inverse bisects the days of one year.
Days near a clock change are measured exactly, from the zone's table of offsets; every other day
keeps one offset all day, so its spans are plain wall-clock arithmetic.
"""
import threading
from bisect import bisect_left, bisect_right
from datetime import date
from itertools import accumulate
from typing import NamedTuple

from hrbpo.plugins.servicedesk.zones import DAY, EPOCH_ORDINAL, MINUTE, zone_table

HORIZON = date(2200, 1, 1)  # business time is counted up to here: a due time beyond it is "never"
_LAST_DAY = HORIZON.toordinal()


class _Year(NamedTuple):
    number: int
    first: int  # ordinal of Jan 1
    after: int  # ordinal of the next Jan 1
    holidays: frozenset[int]  # ordinals
    changing: frozenset[int]  # ordinals of days measured exactly (near a clock change)
    specials: list[int]  # ordinals of days whose business time is not nominal, sorted
    sums: list[int]  # sums[i]: (actual − nominal) over specials[:i]


class Timeline:
    """The running count of one calendar, its yearly tables built on first use (thread-safe)."""

    def __init__(self, calendar):
        self._calendar = calendar
        self._zone = zone_table(calendar.timezone)
        self._spans = [[(a * MINUTE, b * MINUTE) for a, b in day] for day in calendar.hours]
        self._starts = [[a for a, _ in day] for day in self._spans]
        self._before = [[0, *accumulate(b - a for a, b in day)] for day in self._spans]  # per weekday
        self._nominal = [before[-1] for before in self._before]
        self._week = sum(self._nominal)
        self._weekdays_before = [0, *accumulate(self._nominal)]
        self._lock = threading.RLock()
        self._years: dict[int, _Year] = {}
        self._offsets: dict[int, int] = {}  # year → Σ (actual − nominal) before its Jan 1, from the first one made
        self._exact: dict[int, tuple[list[tuple[int, int]], int]] = {}
        self._recent = None

    def position(self, instant: int) -> int:
        return self.positions([instant])[0]

    def positions(self, instants: list[int]) -> list[int]:
        """`position` of many instants at once (the hot path of a long history: locals hoisted)."""
        times, offsets = self._zone.covering(min(instants), max(instants))
        week, weekdays_before, starts, spans, before = (
            self._week, self._weekdays_before, self._starts, self._spans, self._before)
        found, first, after = [], 0, 0
        for instant in instants:
            local = instant + offsets[bisect_right(times, instant)]
            day, clock = divmod(local, DAY)
            day += EPOCH_ORDINAL
            if not first <= day < after:
                year = self._year_of(day)
                first, after, holidays, changing, specials, sums = (
                    year.first, year.after, year.holidays, year.changing, year.specials, year.sums)
                year_offset = self._offsets_before(year)
            if day in changing:
                found.append(self._changing_position(instant, day, year))
                continue
            weeks, weekday = divmod(day - 1, 7)  # ordinal 1 is a Monday
            position = weeks * week + weekdays_before[weekday] + year_offset + sums[bisect_left(specials, day)]
            if day not in holidays:
                k = bisect_right(starts[weekday], clock) - 1
                if k >= 0:
                    start, end = spans[weekday][k]
                    position += before[weekday][k] + min(clock, end) - start
            found.append(position)
        return found

    def _changing_position(self, instant: int, day: int, year: _Year) -> int:
        if instant >= self._exact_day(day)[1]:
            day += 1  # a repeated hour that straddles midnight: the instant is in the next day
            year = self._year_of(day)
        within = 0
        if day not in year.holidays:
            within = sum(min(max(instant - start, 0), end - start) for start, end in self._exact_day(day)[0])
        return self._day_start(day, year) + within

    def instant(self, position: int, first_day: int) -> int | None:
        """The earliest instant at which the count reaches `position`, which lies beyond the
        start of local day `first_day`; None if not before HORIZON."""
        low, year = first_day, self._year_of(first_day)
        while self._day_start(year.after, self._year_of(year.after)) < position:
            if year.after >= _LAST_DAY:
                return None
            low, year = year.after, self._year_of(year.after)
        high = year.after  # the day holding the instant is the last one starting below `position`
        while high - low > 1:
            middle = (low + high) // 2
            if self._day_start(middle, year) < position:
                low = middle
            else:
                high = middle
        rest = position - self._day_start(low, year)
        if low in year.changing:
            for start, end in self._exact_day(low)[0]:
                if rest <= end - start:
                    return start + rest
                rest -= end - start
            raise AssertionError("a day holds the business time its start and the next one's differ by")
        weekday = (low - 1) % 7
        i = bisect_left(self._before[weekday], rest) - 1
        midnight = (low - EPOCH_ORDINAL) * DAY
        local = midnight + self._starts[weekday][i] + rest - self._before[weekday][i]
        noon = midnight + DAY // 2  # one offset all day (not a changing day): any instant of it tells
        return local - self._zone.offset_at(noon - self._zone.offset_at(noon))

    def local_day(self, instant: int) -> int:
        """The ordinal of the local day an instant falls in."""
        return (instant + self._zone.offset_at(instant)) // DAY + EPOCH_ORDINAL

    def _day_start(self, day: int, year: _Year) -> int:
        weeks, weekday = divmod(day - 1, 7)  # ordinal 1 is a Monday
        return (weeks * self._week + self._weekdays_before[weekday] + self._offsets_before(year)
                + year.sums[bisect_left(year.specials, day)])

    def _exact_day(self, day: int) -> tuple[list[tuple[int, int]], int]:
        """A day's spans as instants, and the instant the next day starts."""
        found = self._exact.get(day)
        if found is None:
            midnight, to_utc = (day - EPOCH_ORDINAL) * DAY, self._zone.to_utc
            found = ([(to_utc(midnight + a), to_utc(midnight + b)) for a, b in self._spans[(day - 1) % 7]],
                     to_utc(midnight + DAY))
            self._exact[day] = found
        return found

    def _year_of(self, day: int) -> _Year:
        recent = self._recent
        if recent is not None and recent.first <= day < recent.after:
            return recent
        self._recent = found = self._year(date.fromordinal(day).year)
        return found

    def _make_year(self, number: int) -> _Year:
        with self._lock:
            if number in self._years:
                return self._years[number]
            first, after = date(number, 1, 1).toordinal(), date(number + 1, 1, 1).toordinal()
            holidays = frozenset(d.toordinal() for d in self._calendar.holiday_dates(number))
            changing = set()
            start, end = (first - EPOCH_ORDINAL - 2) * DAY, (after - EPOCH_ORDINAL + 2) * DAY
            for instant, before, after_change in self._zone.transitions(start, end):
                # The change can only touch the local days of the wall-clock times on either side of
                # it; their neighbours are measured exactly too, as a margin.
                for offset in (before, after_change):
                    day = (instant + offset) // DAY + EPOCH_ORDINAL
                    changing.update(d for d in (day - 1, day, day + 1) if first <= d < after)
            extra = {d: -self._nominal[(d - 1) % 7] for d in holidays}
            for d in changing - holidays:
                extra[d] = sum(end - start for start, end in self._exact_day(d)[0]) - self._nominal[(d - 1) % 7]
            specials = sorted(d for d, amount in extra.items() if amount)
            year = _Year(number, first, after, holidays, frozenset(changing), specials,
                         [0, *accumulate(extra[d] for d in specials)])
            self._years[number] = year
            return year

    def _offsets_before(self, year: _Year) -> int:
        number = year.number
        found = self._offsets.get(number)
        if found is not None:
            return found
        with self._lock:
            if not self._offsets:
                self._offsets[number] = 0
            known = sorted(self._offsets)
            for k in range(known[-1], number):  # forwards from the last known year …
                self._offsets[k + 1] = self._offsets[k] + self._year(k).sums[-1]
            for k in range(known[0] - 1, number - 1, -1):  # … or backwards from the first
                self._offsets[k] = self._offsets[k + 1] - self._year(k).sums[-1]
            return self._offsets[number]

    def _year(self, number: int) -> _Year:
        return self._years.get(number) or self._make_year(number)

