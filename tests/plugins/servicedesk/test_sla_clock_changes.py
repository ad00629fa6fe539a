"""Spans across clock changes (DST) in several zones: a span is real time between its local start
and end, a boundary in a skipped hour is the moment of the change, one in a repeated hour its
earliest instant."""
from datetime import timedelta

import pytest
from sla_helpers import calendar, hours, local, utc

from hrbpo.plugins.servicedesk import sla
from hrbpo.plugins.servicedesk.business_calendar import WEEKDAYS
from hrbpo.plugins.servicedesk.zones import from_micros, to_micros, zone_table


def whole_days(zone):
    return calendar(zone, "00:00-24:00", WEEKDAYS)


@pytest.mark.parametrize("zone, day, length", [
    ("Europe/Oslo", (2026, 3, 29), 23), ("Europe/Oslo", (2026, 10, 25), 25),
    ("America/New_York", (2026, 3, 8), 23), ("America/New_York", (2026, 11, 1), 25),
    ("Australia/Sydney", (2026, 10, 4), 23), ("Australia/Sydney", (2026, 4, 5), 25),  # southern: April is autumn
    ("America/Santiago", (2026, 9, 6), 23), ("America/Santiago", (2026, 4, 4), 25),  # changes at midnight
    ("Australia/Lord_Howe", (2026, 10, 4), 23.5), ("Australia/Lord_Howe", (2026, 4, 5), 24.5),  # half an hour
    ("Asia/Kolkata", (2026, 3, 29), 24), ("Asia/Kolkata", (2026, 10, 25), 24),  # +05:30, no DST
])
def test_a_whole_day_is_as_long_as_the_clock_says(zone, day, length):
    start = local(zone, *day)
    end = local(zone, *(start + timedelta(days=1)).timetuple()[:3])
    assert sla.elapsed(whole_days(zone), start, end) == hours(length)
    assert sla.add(whole_days(zone), start, hours(length)) == end


def test_a_week_with_the_spring_change_is_an_hour_shorter():
    zone = "Europe/Oslo"
    assert sla.elapsed(whole_days(zone), local(zone, 2026, 3, 23), local(zone, 2026, 3, 30)) == hours(167)
    assert sla.elapsed(whole_days(zone), local(zone, 2026, 10, 19), local(zone, 2026, 10, 26)) == hours(169)


class TestOslo:
    zone = "Europe/Oslo"  # 29 March 2026 02:00 → 03:00 (01:00Z); 25 October 03:00 → 02:00 (01:00Z)

    def test_a_span_containing_the_spring_change_is_an_hour_shorter(self):
        cal = calendar(self.zone, days=(), sun="01:00-04:00", mon="09:00-17:00")
        assert sla.elapsed(cal, local(self.zone, 2026, 3, 29), local(self.zone, 2026, 3, 30)) == hours(2)
        assert sla.add(cal, local(self.zone, 2026, 3, 29, 1), hours(2)) == utc(2026, 3, 29, 2)  # 04:00 CEST: the end
        assert sla.add(cal, local(self.zone, 2026, 3, 29, 1), hours(1)) == utc(2026, 3, 29, 1)  # 03:00 CEST
        assert sla.add(cal, local(self.zone, 2026, 3, 29, 1), hours(3)) == local(self.zone, 2026, 3, 30, 10)

    def test_a_boundary_in_the_skipped_hour_is_the_moment_of_the_change(self):
        cal = calendar(self.zone, days=(), sun="02:30-05:00", mon="09:00-17:00")
        assert sla.elapsed(cal, local(self.zone, 2026, 3, 29), local(self.zone, 2026, 3, 30)) == hours(2)
        assert sla.add(cal, local(self.zone, 2026, 3, 29), timedelta(seconds=1)) == utc(2026, 3, 29, 1, 0, 1)
        ends = calendar(self.zone, days=(), sun="00:00-02:30", mon="09:00-17:00")
        assert sla.add(ends, local(self.zone, 2026, 3, 29), hours(2)) == utc(2026, 3, 29, 1)
        assert sla.add(ends, local(self.zone, 2026, 3, 29), hours(2.5)) == local(self.zone, 2026, 3, 30, 9, 30)

    def test_a_span_wholly_in_the_skipped_hour_has_no_time(self):
        cal = calendar(self.zone, days=(), sun="02:00-03:00", mon="09:00-17:00")
        assert sla.elapsed(cal, local(self.zone, 2026, 3, 29), local(self.zone, 2026, 3, 30)) == timedelta(0)
        assert sla.add(cal, local(self.zone, 2026, 3, 29, 0, 30), hours(1)) == local(self.zone, 2026, 3, 30, 10)
        assert sla.elapsed(cal, local(self.zone, 2026, 4, 5), local(self.zone, 2026, 4, 6)) == hours(1)  # a week on

    def test_a_span_containing_the_autumn_change_is_an_hour_longer(self):
        cal = calendar(self.zone, days=(), sun="01:00-04:00")
        assert sla.elapsed(cal, local(self.zone, 2026, 10, 25), local(self.zone, 2026, 10, 26)) == hours(4)
        assert sla.add(cal, local(self.zone, 2026, 10, 25), hours(4)) == utc(2026, 10, 25, 3)

    def test_a_boundary_in_the_repeated_hour_is_its_first_instant(self):
        cal = calendar(self.zone, days=(), sun="02:30-03:30")  # 02:30 CEST (00:30Z) to 03:30 CET (02:30Z)
        assert sla.elapsed(cal, local(self.zone, 2026, 10, 25), local(self.zone, 2026, 10, 26)) == hours(2)
        assert sla.add(cal, local(self.zone, 2026, 10, 25), hours(2)) == utc(2026, 10, 25, 2, 30)
        both = calendar(self.zone, days=(), sun="02:00-02:30")  # the first 02:00–02:30 only
        assert sla.add(both, local(self.zone, 2026, 10, 25), hours(0.5)) == utc(2026, 10, 25, 0, 30)
        assert sla.elapsed(both, utc(2026, 10, 25, 0, 30), utc(2026, 10, 25, 1, 30)) == timedelta(0)
        assert sla.elapsed(both, local(self.zone, 2026, 10, 25, 2, 15, fold=1), local(self.zone, 2026, 10, 26)) == timedelta(0)

    def test_a_case_crossing_the_change_in_working_hours(self):
        cal = calendar(self.zone)  # Friday 27 March 16:00 CET + 2 h: Monday 10:00 CEST
        assert sla.add(cal, local(self.zone, 2026, 3, 27, 16), hours(2)) == utc(2026, 3, 30, 8)


class TestNewYork:
    zone = "America/New_York"  # 8 March 2026 02:00 → 03:00 (07:00Z); 1 November 02:00 → 01:00 (06:00Z)

    def test_office_hours_are_untouched_by_a_night_change(self):
        cal = calendar(self.zone)
        assert sla.add(cal, local(self.zone, 2026, 3, 6, 16), hours(2)) == utc(2026, 3, 9, 14)  # 10:00 EDT
        assert sla.add(cal, local(self.zone, 2026, 10, 30, 16), hours(2)) == utc(2026, 11, 2, 15)  # 10:00 EST

    def test_spans_around_the_changes(self):
        cal = calendar(self.zone, days=(), sun="02:30-03:30")  # spring: from the change (07:00Z) to 03:30 EDT
        assert sla.elapsed(cal, local(self.zone, 2026, 3, 8), local(self.zone, 2026, 3, 9)) == hours(0.5)
        assert sla.add(cal, local(self.zone, 2026, 3, 8), hours(0.25)) == utc(2026, 3, 8, 7, 15)
        cal = calendar(self.zone, days=(), sun="01:30-02:30")  # autumn: 01:30 EDT (05:30Z) to 02:30 EST (07:30Z)
        assert sla.elapsed(cal, local(self.zone, 2026, 11, 1), local(self.zone, 2026, 11, 2)) == hours(2)
        assert sla.add(cal, local(self.zone, 2026, 11, 1), hours(2)) == utc(2026, 11, 1, 7, 30)


class TestSydney:
    zone = "Australia/Sydney"  # 5 April 2026 03:00 → 02:00 (16:00Z on the 4th); 4 October 02:00 → 03:00

    def test_a_weekend_over_the_autumn_change(self):
        cal = calendar(self.zone, days=(), sat="20:00-24:00", sun="00:00-24:00")
        assert sla.elapsed(cal, local(self.zone, 2026, 4, 4, 12), local(self.zone, 2026, 4, 6)) == hours(29)

    def test_a_southern_summer_new_year(self):
        cal = calendar(self.zone, country="AU", subdivision="NSW")
        assert sla.add(cal, local(self.zone, 2026, 12, 31, 16), hours(2)) == local(self.zone, 2027, 1, 4, 10)
        assert local(self.zone, 2027, 1, 4, 10) == utc(2027, 1, 3, 23)  # +11 in January

    def test_the_spring_change(self):
        cal = calendar(self.zone, days=(), sun="01:00-04:00")  # 01:00 AEST (15:00Z) to 04:00 AEDT (17:00Z)
        assert sla.elapsed(cal, local(self.zone, 2026, 10, 4), local(self.zone, 2026, 10, 5)) == hours(2)
        assert sla.add(cal, local(self.zone, 2026, 10, 4), hours(1)) == utc(2026, 10, 3, 16)


class TestKolkata:
    zone = "Asia/Kolkata"  # +05:30 all year

    def test_half_hour_offset(self):
        cal = calendar(self.zone)
        assert sla.add(cal, local(self.zone, 2026, 1, 19, 8), hours(8)) == utc(2026, 1, 19, 11, 30)
        assert sla.elapsed(cal, utc(2026, 1, 19, 3, 30), utc(2026, 1, 19, 11, 30)) == hours(8)

    def test_a_year_of_weeks(self):
        cal = calendar(self.zone)  # 2026 has 261 weekdays
        assert sla.elapsed(cal, local(self.zone, 2026, 1, 1), local(self.zone, 2027, 1, 1)) == hours(261 * 8)


class TestSantiago:
    zone = "America/Santiago"  # clocks change at midnight: 5 April 2026 00:00 → Sat 23:00; 6 September 00:00 → 01:00

    def test_a_span_ending_at_midnight_before_the_autumn_change_gets_the_repeated_hour(self):
        cal = calendar(self.zone, days=(), sat="22:00-24:00")  # 22:00 -03 (01:00Z) to Sunday 00:00 -04 (04:00Z)
        assert sla.elapsed(cal, local(self.zone, 2026, 4, 4), local(self.zone, 2026, 4, 6)) == hours(3)
        assert sla.add(cal, local(self.zone, 2026, 4, 4, 22), hours(3)) == utc(2026, 4, 5, 4)
        first = calendar(self.zone, days=(), sat="23:00-23:30")  # only the first 23:00–23:30
        assert sla.elapsed(first, local(self.zone, 2026, 4, 4), local(self.zone, 2026, 4, 6)) == hours(0.5)
        assert sla.add(first, local(self.zone, 2026, 4, 4), hours(0.5)) == utc(2026, 4, 5, 2, 30)

    def test_midnight_skipped_in_spring(self):
        cal = calendar(self.zone, days=(), sat="20:00-24:00", sun="00:00-09:00")
        saturday = local(self.zone, 2026, 9, 5)
        assert sla.elapsed(cal, saturday, local(self.zone, 2026, 9, 6, 12)) == hours(4 + 8)
        assert sla.add(cal, local(self.zone, 2026, 9, 5, 23), hours(1)) == utc(2026, 9, 6, 4)  # Saturday's end: the change
        assert sla.add(cal, local(self.zone, 2026, 9, 5, 23), hours(2)) == utc(2026, 9, 6, 5)  # Sunday 02:00 -03
        empty = calendar(self.zone, days=(), sun="00:00-01:00", mon="09:00-17:00")
        assert sla.elapsed(empty, saturday, local(self.zone, 2026, 9, 7)) == timedelta(0)


class TestLordHowe:
    zone = "Australia/Lord_Howe"  # +10:30 / +11: the clock moves half an hour at 02:00

    def test_half_hour_changes(self):
        cal = calendar(self.zone, days=(), sun="01:00-03:00")
        assert sla.elapsed(cal, local(self.zone, 2026, 4, 5), local(self.zone, 2026, 4, 6)) == hours(2.5)
        assert sla.elapsed(cal, local(self.zone, 2026, 10, 4), local(self.zone, 2026, 10, 5)) == hours(1.5)


@pytest.mark.parametrize("zone", ["Europe/Oslo", "America/Santiago", "Australia/Lord_Howe", "Asia/Kolkata",
                                  "America/St_Johns", "Pacific/Chatham", "Africa/Casablanca", "Europe/London"])
def test_the_zone_table_agrees_with_zoneinfo(zone):
    from zoneinfo import ZoneInfo
    table, tz = zone_table(zone), ZoneInfo(zone)
    instant = to_micros(utc(2025, 12, 1))
    for _ in range(24 * 4 * 500):  # every quarter hour for 500 days, a second off the hour
        when = from_micros(instant)
        assert table.offset_at(instant) == when.astimezone(tz).utcoffset() // timedelta(microseconds=1)
        instant += 900_000_001
    for transition, before, after in table.transitions(to_micros(utc(2026, 1, 1)), to_micros(utc(2027, 1, 1))):
        assert from_micros(transition - 1).astimezone(tz).utcoffset() == timedelta(microseconds=before)
        assert from_micros(transition).astimezone(tz).utcoffset() == timedelta(microseconds=after)
