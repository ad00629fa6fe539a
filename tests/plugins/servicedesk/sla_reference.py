"""A slow, obviously correct service-level engine to test the real one against.

It reads the contract literally and shares no code with the engine: the package's holidays and
`zoneinfo` directly, every local date walked, business time counted minute by minute. Only for
instants on whole minutes (every span boundary is one, and so is every clock change of the zones
the tests use).
"""
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import holidays

MINUTE = timedelta(minutes=1)


class Reference:
    def __init__(self, calendar):
        self.calendar = calendar
        self.zone = ZoneInfo(calendar.timezone)
        self._days = {}

    def wall(self, instant: datetime) -> datetime:
        return instant.astimezone(self.zone).replace(tzinfo=None)

    def moment(self, day: date, minutes: int) -> datetime:
        """The instant a span boundary names: the earliest instant whose wall clock shows it;
        if the clock skips it, the first instant whose wall clock reads past it (the change)."""
        naive = datetime.combine(day, time()) + timedelta(minutes=minutes)
        candidates = [naive.replace(tzinfo=self.zone, fold=fold).astimezone(timezone.utc) for fold in (0, 1)]
        shown = [c for c in candidates if self.wall(c) == naive]
        if shown:
            return min(shown)
        instant = min(candidates)
        while self.wall(instant) < naive:
            instant += MINUTE
        instant -= MINUTE
        while self.wall(instant) < naive:
            instant += timedelta(seconds=1)
        return instant

    def is_holiday(self, day: date) -> bool:
        calendar = self.calendar
        if day in calendar.holidays:
            return True
        return calendar.country is not None and day in holidays.country_holidays(
            calendar.country, subdiv=calendar.subdivision, years=day.year)

    def spans(self, day: date) -> list[tuple[datetime, datetime]]:
        if day not in self._days:
            self._days[day] = [] if self.is_holiday(day) else [
                (self.moment(day, a), self.moment(day, b)) for a, b in self.calendar.hours[day.weekday()]]
        return self._days[day]

    def intervals(self, first: date, last: date) -> list[tuple[datetime, datetime]]:
        """Every span of the local dates first … last, in time order."""
        days = (first + timedelta(days=k) for k in range((last - first).days + 1))
        return sorted(span for day in days for span in self.spans(day))

    def minutes(self, start: datetime):
        """Whether each minute from `start` on is business time, one minute after another."""
        first, minute, i = self.wall(start).date() - timedelta(days=1), start, 0
        while True:
            spans = self.intervals(first, first + timedelta(days=13))
            window_end = self.moment(first + timedelta(days=13), 0)  # spans before it are all known
            i = 0
            while minute < window_end:
                while i < len(spans) and spans[i][1] <= minute:
                    i += 1
                yield minute, i < len(spans) and spans[i][0] <= minute
                minute += MINUTE
            first += timedelta(days=13)

    def elapsed_minutes(self, start: datetime, end: datetime) -> int:
        count = 0
        for minute, business in self.minutes(start):
            if minute >= end:
                return count
            count += business

    def add_minutes(self, start: datetime, minutes: int) -> datetime:
        if minutes == 0:
            return start
        count = 0
        for minute, business in self.minutes(start):
            count += business
            if count == minutes:
                return minute + MINUTE

    def resolution_due(self, opened_at: datetime, minutes: int, history, stopping=("pending", "resolved", "closed")):
        """The contract's words: the due time moves later by the business time the clock stood still."""
        due, stopped, running = self.add_minutes(opened_at, minutes), None, True
        for at, status in history:
            if running and status in stopping:
                stopped, running = at, False
            elif not running and status not in stopping:
                due = self.add_minutes(due, self.elapsed_minutes(stopped, at))
                stopped, running = None, True
        return due, stopped
