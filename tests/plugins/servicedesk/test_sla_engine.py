"""add / elapsed / target: spans, the 'exactly at the end' rule, outside hours, holidays, leap days."""
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from sla_helpers import calendar, hours, local, utc

from hrbpo.plugins.servicedesk import sla
from hrbpo.plugins.servicedesk.business_calendar import WEEKDAYS

OSLO, KOLKATA = "Europe/Oslo", "Asia/Kolkata"


def due(cal, start, amount):
    return sla.add(cal, start, hours(amount)).astimezone(start.tzinfo)


@pytest.mark.parametrize("value, expected", [
    (8, timedelta(hours=8)), (0.5, timedelta(minutes=30)), (1.25, timedelta(minutes=75)),
    (0.01, timedelta(seconds=36)), (8760, timedelta(hours=8760)), (2.33, timedelta(seconds=8388)),
    (0.1, timedelta(minutes=6)), (1.10, timedelta(minutes=66))])
def test_targets_in_hours_convert_exactly(value, expected):
    assert sla.target(value) == expected
    assert sla.target(Decimal(str(value))) == expected


@pytest.mark.parametrize("value", [0, -1, 1.234, 0.001, float("nan"), float("inf")])
def test_targets_that_are_not_hours_with_two_decimals(value):
    with pytest.raises(ValueError):
        sla.target(value)


@pytest.mark.parametrize("value", [True, "8", None])
def test_targets_that_are_not_numbers(value):
    with pytest.raises(TypeError):
        sla.target(value)


def test_a_target_inside_a_span():
    cal = calendar(OSLO)
    assert due(cal, local(OSLO, 2026, 6, 1, 10), 2) == local(OSLO, 2026, 6, 1, 12)
    assert due(cal, local(OSLO, 2026, 6, 1, 10), 0.5) == local(OSLO, 2026, 6, 1, 10, 30)


def test_the_due_instant_is_utc():
    found = sla.add(calendar(KOLKATA), local(KOLKATA, 2026, 6, 1, 9), hours(8))
    assert found == utc(2026, 6, 1, 11, 30) and found.utcoffset() == timedelta(0)


def test_a_target_met_exactly_at_a_spans_end_is_due_at_that_end():
    cal = calendar(OSLO, "09:00-12:00 13:00-17:00")
    monday = (2026, 6, 1)
    assert due(cal, local(OSLO, *monday, 9), 3) == local(OSLO, *monday, 12)  # not 13:00
    assert due(cal, local(OSLO, *monday, 9), 7) == local(OSLO, *monday, 17)  # not Tuesday 09:00
    assert due(cal, local(OSLO, 2026, 6, 5, 16), 1) == local(OSLO, 2026, 6, 5, 17)  # Friday, not Monday
    assert due(cal, local(OSLO, *monday, 9), 7.01) == local(OSLO, 2026, 6, 2, 9, 0, 36)


def test_a_span_ending_at_midnight_is_due_at_midnight():
    cal = calendar(OSLO, "09:00-24:00")
    assert due(cal, local(OSLO, 2026, 6, 1, 9), 15) == local(OSLO, 2026, 6, 2, 0)  # not Tuesday 09:00
    assert due(cal, local(OSLO, 2026, 6, 1, 23), 1) == local(OSLO, 2026, 6, 2, 0)
    assert due(cal, local(OSLO, 2026, 6, 5, 23), 1) == local(OSLO, 2026, 6, 6, 0)  # Friday's end: Saturday 00:00
    assert due(cal, local(OSLO, 2026, 6, 1, 23), 1.5) == local(OSLO, 2026, 6, 2, 9, 30)


def test_back_to_back_whole_days():
    cal = calendar(KOLKATA, "00:00-24:00", WEEKDAYS)
    monday = local(KOLKATA, 2026, 6, 1)
    assert due(cal, monday, 48) == local(KOLKATA, 2026, 6, 3)
    assert due(cal, monday, 24 * 7) == local(KOLKATA, 2026, 6, 8)
    assert sla.elapsed(cal, monday, local(KOLKATA, 2026, 6, 8)) == timedelta(days=7)
    assert sla.elapsed(cal, monday, local(KOLKATA, 2027, 6, 1)) == timedelta(days=365)
    assert due(cal, local(KOLKATA, 2026, 6, 1, 23, 59, 59), 1 / 3600) == local(KOLKATA, 2026, 6, 2)


def test_opened_before_opening_starts_at_the_opening():
    assert due(calendar(OSLO), local(OSLO, 2026, 6, 1, 7), 1) == local(OSLO, 2026, 6, 1, 10)


def test_opened_after_closing_starts_at_the_next_opening():
    cal = calendar(OSLO)
    assert due(cal, local(OSLO, 2026, 6, 1, 18), 1) == local(OSLO, 2026, 6, 2, 10)
    assert due(cal, local(OSLO, 2026, 6, 1, 17), 1) == local(OSLO, 2026, 6, 2, 10)  # at the end is after it
    assert due(cal, local(OSLO, 2026, 6, 1, 9), 1) == local(OSLO, 2026, 6, 1, 10)  # at the start is in it


def test_opened_at_the_weekend_starts_on_monday():
    cal = calendar(OSLO)
    assert due(cal, local(OSLO, 2026, 6, 6, 12), 1) == local(OSLO, 2026, 6, 8, 10)
    assert due(cal, local(OSLO, 2026, 6, 5, 16), 3) == local(OSLO, 2026, 6, 8, 11)


def test_opened_between_two_spans_starts_at_the_second():
    assert due(calendar(OSLO, "09:00-12:00 13:00-17:00"), local(OSLO, 2026, 6, 1, 12, 30), 1) == local(OSLO, 2026, 6, 1, 14)


def test_public_holidays_of_the_country_are_skipped():
    cal = calendar(OSLO, country="NO")
    assert due(cal, local(OSLO, 2026, 5, 1, 10), 1) == local(OSLO, 2026, 5, 4, 10)  # Labour Day, a Friday
    # Easter 2026: Maundy Thursday to Easter Monday closed.
    assert due(cal, local(OSLO, 2026, 4, 1, 16), 2) == local(OSLO, 2026, 4, 7, 10)
    assert sla.elapsed(cal, local(OSLO, 2026, 3, 30), local(OSLO, 2026, 4, 13)) == hours(8 * 7)


def test_a_subdivisions_holidays_are_skipped_there_only():
    zone = "America/Los_Angeles"
    monday = local(zone, 2026, 3, 30, 16)  # Cesar Chavez Day is Tuesday 31 March in California
    assert due(calendar(zone, country="US", subdivision="CA"), monday, 2) == local(zone, 2026, 4, 1, 10)
    assert due(calendar(zone, country="US"), monday, 2) == local(zone, 2026, 3, 31, 10)
    # Independence Day 2026 is a Saturday: observed on Friday 3 July.
    assert due(calendar(zone, country="US"), local(zone, 2026, 7, 2, 16), 2) == local(zone, 2026, 7, 6, 10)


def test_indian_holidays():
    cal = calendar(KOLKATA, country="IN")
    assert due(cal, local(KOLKATA, 2026, 1, 23, 16), 2) == local(KOLKATA, 2026, 1, 27, 10)  # Republic Day, Monday
    assert due(cal, local(KOLKATA, 2026, 1, 23, 16), 2) == utc(2026, 1, 27, 4, 30)


def test_the_tenants_own_dates_are_skipped():
    cal = calendar(OSLO, holidays=["2026-06-02", "2026-06-03"])
    assert due(cal, local(OSLO, 2026, 6, 1, 16), 2) == local(OSLO, 2026, 6, 4, 10)
    assert due(cal, local(OSLO, 2026, 6, 2, 10), 1) == local(OSLO, 2026, 6, 4, 10)  # opened on a holiday


def test_a_holiday_is_a_local_date():
    # 2026-06-02 00:30 in Kolkata is still 1 June in UTC: the holiday counts by the tenant's date.
    cal = calendar(KOLKATA, "00:00-24:00", WEEKDAYS, holidays=["2026-06-02"])
    assert sla.elapsed(cal, utc(2026, 6, 1, 18, 30), utc(2026, 6, 2, 18, 30)) == timedelta(0)
    assert sla.elapsed(cal, utc(2026, 6, 1, 18), utc(2026, 6, 2, 19)) == timedelta(hours=1)


def test_leap_day():
    cal = calendar(OSLO)
    assert date(2028, 2, 29).weekday() == 1
    assert due(cal, local(OSLO, 2028, 2, 28, 16), 2) == local(OSLO, 2028, 2, 29, 10)
    assert due(calendar(OSLO, holidays=["2028-02-29"]), local(OSLO, 2028, 2, 28, 16), 2) == local(OSLO, 2028, 3, 1, 10)
    assert sla.elapsed(cal, local(OSLO, 2028, 2, 1), local(OSLO, 2028, 3, 1)) == hours(21 * 8)
    assert sla.elapsed(cal, local(OSLO, 2027, 2, 1), local(OSLO, 2027, 3, 1)) == hours(20 * 8)
    whole = calendar(KOLKATA, "00:00-24:00", WEEKDAYS)
    assert sla.elapsed(whole, local(KOLKATA, 2028, 1, 1), local(KOLKATA, 2029, 1, 1)) == timedelta(days=366)


def test_a_year_boundary():
    cal = calendar(OSLO, country="NO")
    assert due(cal, local(OSLO, 2026, 12, 31, 16), 2) == local(OSLO, 2027, 1, 4, 10)  # 1 Jan is a Friday
    midnight = calendar(OSLO, "18:00-24:00", WEEKDAYS)
    assert due(midnight, local(OSLO, 2026, 12, 31, 23), 1) == local(OSLO, 2027, 1, 1)
    assert due(midnight, local(OSLO, 2026, 12, 31, 23), 2) == local(OSLO, 2027, 1, 1, 19)
    assert sla.elapsed(midnight, local(OSLO, 2026, 12, 31, 12), local(OSLO, 2027, 1, 1, 20)) == hours(8)


def test_a_target_of_many_weeks_skips_them_exactly():
    cal = calendar(OSLO, country="NO")
    start = local(OSLO, 2026, 1, 5, 9)
    found = sla.add(cal, start, hours(8760))
    assert sla.elapsed(cal, start, found) == hours(8760)
    assert sla.elapsed(cal, start, found - timedelta(microseconds=1)) < hours(8760)
    assert found.astimezone(start.tzinfo).year == 2030


def test_microseconds_are_kept():
    cal = calendar(OSLO)
    start = local(OSLO, 2026, 6, 1, 10, 0, 0, 123456)
    assert due(cal, start, 1) == local(OSLO, 2026, 6, 1, 11, 0, 0, 123456)
    assert due(cal, local(OSLO, 2026, 6, 1, 18, 0, 0, 5), 1) == local(OSLO, 2026, 6, 2, 10)
    assert sla.elapsed(cal, start, local(OSLO, 2026, 6, 1, 10, 0, 1)) == timedelta(microseconds=876544)


def test_elapsed_business_time():
    cal = calendar(OSLO)
    assert sla.elapsed(cal, local(OSLO, 2026, 6, 1, 10), local(OSLO, 2026, 6, 1, 11, 30)) == hours(1.5)
    assert sla.elapsed(cal, local(OSLO, 2026, 6, 5, 16), local(OSLO, 2026, 6, 8, 10)) == hours(2)
    assert sla.elapsed(cal, local(OSLO, 2026, 6, 6, 10), local(OSLO, 2026, 6, 7, 10)) == timedelta(0)
    assert sla.elapsed(cal, local(OSLO, 2026, 6, 8, 10), local(OSLO, 2026, 6, 5, 16)) == -hours(2)
    assert sla.elapsed(cal, local(OSLO, 2026, 6, 1), local(OSLO, 2026, 6, 29)) == hours(160)


def test_a_zero_duration_is_the_start_itself():
    start = local(OSLO, 2026, 6, 6, 12)  # a Saturday
    assert sla.add(calendar(OSLO), start, timedelta(0)) == start


def test_a_target_no_calendar_reaches_in_time_is_due_at_the_end_of_time():
    cal = calendar(KOLKATA, "00:00-00:01", ("mon",))
    assert sla.add(cal, local(KOLKATA, 2026, 6, 1), hours(8760)) == sla.END_OF_TIME
    assert sla.add(cal, sla.END_OF_TIME, hours(1)) == sla.END_OF_TIME


@pytest.mark.parametrize("start", [
    datetime(2026, 6, 1, 10), utc(1899, 12, 31), utc(2200, 1, 1, 0, 0, 1)])
def test_instants_must_be_aware_and_in_range(start):
    with pytest.raises(ValueError):
        sla.add(calendar(OSLO), start, hours(1))
    with pytest.raises(ValueError):
        sla.elapsed(calendar(OSLO), utc(2026, 1, 1), start)


def test_business_time_cannot_be_negative():
    with pytest.raises(ValueError):
        sla.add(calendar(OSLO), utc(2026, 1, 1), -hours(1))


def test_a_calendar_shared_by_threads_gives_the_same_answers():
    from concurrent.futures import ThreadPoolExecutor
    starts = [local(OSLO, 2026 + k % 9, 1 + k % 12, 1 + k % 28, k % 24) for k in range(60)]
    expected = [sla.add(calendar(OSLO, country="NO"), start, hours(500)) for start in starts]
    shared = calendar(OSLO, country="NO")  # its yearly tables are built by whichever thread comes first
    with ThreadPoolExecutor(4) as pool:
        assert list(pool.map(lambda start: sla.add(shared, start, hours(500)), starts)) == expected
