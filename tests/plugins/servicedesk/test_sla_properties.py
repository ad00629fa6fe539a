"""Property tests: the engine against the minute-by-minute reference, and its algebra.

Calendars, zones and instants are drawn around the zones' clock changes, midnights and year ends,
where mistakes live. Derandomized (a fixed sequence of examples), so CI runs what was run here.
"""
from datetime import date, datetime, time, timedelta, timezone

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sla_reference import Reference

from hrbpo.plugins.servicedesk import sla
from hrbpo.plugins.servicedesk.business_calendar import Calendar
from hrbpo.plugins.servicedesk.sla import ResolutionClock
from hrbpo.plugins.servicedesk.zones import DAY, EPOCH_ORDINAL, MINUTE, from_micros, to_micros, zone_table

ZONES = ["Europe/Oslo", "America/New_York", "Australia/Sydney", "Asia/Kolkata", "America/Santiago",
         "Australia/Lord_Howe", "Pacific/Chatham", "America/St_Johns"]
REGIONS = [None, None, ("NO", None), ("US", "CA"), ("IN", None), ("AU", "NSW"), ("CL", None)]
CUTS = [0, 30, 60, 90, 120, 150, 165, 180, 210, 240, 480, 540, 720, 780, 1020, 1380, 1410, 1439, 1440]
ANCHORS = [datetime(2026, 12, 31, 12, tzinfo=timezone.utc), datetime(2028, 2, 28, 12, tzinfo=timezone.utc)]
REFERENCE = settings(max_examples=60, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
ALGEBRA = settings(max_examples=150, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])


def anchors(zone):
    """The zone's clock changes in 2026–2027, a year end and a leap day."""
    table = zone_table(zone)
    changes = table.transitions(to_micros(datetime(2026, 1, 1, tzinfo=timezone.utc)),
                                to_micros(datetime(2028, 1, 1, tzinfo=timezone.utc)))
    return [from_micros(instant) for instant, _, _ in changes] + ANCHORS


day_spans = st.lists(st.one_of(st.sampled_from(CUTS), st.integers(0, 1440)), max_size=6, unique=True).map(
    lambda cuts: tuple(zip(sorted(cuts)[0::2], sorted(cuts)[1::2])))


@st.composite
def calendars(draw):
    hours = draw(st.tuples(*[day_spans] * 7).filter(any))
    region = draw(st.sampled_from(REGIONS)) or (None, None)
    own = draw(st.lists(st.dates(date(2025, 12, 20), date(2028, 3, 10)), max_size=4))
    return Calendar(draw(st.sampled_from(ZONES)), hours, *region, frozenset(own))


def near(calendar, spread_minutes=4 * 1440, micro=False):
    """An instant near one of the zone's anchors: on a whole minute, or anywhere if `micro`."""
    base = st.sampled_from(anchors(calendar.timezone))
    offset = st.integers(-spread_minutes * 60_000_000, spread_minutes * 60_000_000) if micro else \
        st.integers(-spread_minutes, spread_minutes).map(lambda m: m * 60_000_000)
    return st.tuples(base, offset).map(lambda pair: pair[0] + timedelta(microseconds=pair[1]))


def weekly_minutes(calendar):
    return sum(b - a for day in calendar.hours for a, b in day)


@st.composite
def add_cases(draw):
    calendar = draw(calendars())
    minutes = draw(st.integers(1, max(1, min(3 * 1440, 2 * weekly_minutes(calendar)))))
    return calendar, draw(near(calendar)), minutes


@REFERENCE
@given(add_cases())
def test_add_matches_the_reference(case):
    calendar, start, minutes = case
    assert sla.add(calendar, start, timedelta(minutes=minutes)) == Reference(calendar).add_minutes(start, minutes)


@st.composite
def elapsed_cases(draw):
    calendar = draw(calendars())
    start = draw(near(calendar))
    return calendar, start, start + timedelta(minutes=draw(st.integers(0, 6 * 1440)))


@REFERENCE
@given(elapsed_cases())
def test_elapsed_matches_the_reference(case):
    calendar, start, end = case
    assert sla.elapsed(calendar, start, end) == timedelta(minutes=Reference(calendar).elapsed_minutes(start, end))


@REFERENCE
@given(elapsed_cases())
def test_a_target_met_at_a_spans_end_is_due_at_that_end(case):
    calendar, start, end = case  # the business time up to `end` runs out at the last span end before it
    minutes = Reference(calendar).elapsed_minutes(start, end)
    assert sla.add(calendar, start, timedelta(minutes=minutes)) == Reference(calendar).add_minutes(start, minutes)


@ALGEBRA
@given(calendars().flatmap(lambda c: st.tuples(st.just(c), near(c, micro=True), near(c, micro=True))))
def test_the_due_time_of_the_business_time_up_to_an_instant_is_at_or_before_it(case):
    calendar, (start, end) = case[0], sorted(case[1:])
    due = sla.add(calendar, start, sla.elapsed(calendar, start, end))
    assert start <= due <= end and sla.elapsed(calendar, due, end) == timedelta(0)


@st.composite
def histories(draw, micro=False, changes=6, gap_minutes=2 * 1440):
    calendar = draw(calendars())
    opened = draw(near(calendar, micro=micro))
    target = timedelta(minutes=draw(st.integers(1, max(1, min(3 * 1440, 2 * weekly_minutes(calendar))))))
    history, at = [], opened
    for status in draw(st.lists(st.sampled_from(["open", "pending", "resolved", "closed"]), max_size=changes)):
        at += timedelta(microseconds=draw(st.integers(0, gap_minutes * 60_000_000)) if micro else
                        60_000_000 * draw(st.integers(0, gap_minutes)))
        history.append((at, status))
        if status == "closed":
            break
    return calendar, opened, target, history


@REFERENCE
@given(histories())
def test_the_resolution_clock_matches_the_reference(case):
    calendar, opened, target, history = case
    found = sla.service_levels(calendar, opened, target, target, history, opened)
    due, stopped = Reference(calendar).resolution_due(opened, target // timedelta(minutes=1), history)
    assert (found.resolution_due_at, found.resolution_stopped_at) == (due, stopped)


@ALGEBRA
@given(histories(micro=True, changes=30))
def test_one_pass_over_a_history_is_replaying_it_change_by_change(case):
    calendar, opened, target, history = case
    clock = ResolutionClock.start(calendar, opened, target)
    for at, status in history:
        clock = clock.on_status(calendar, status, at)
    assert sla.service_levels(calendar, opened, target, target, history, opened).clock == clock


@st.composite
def instants_and_amounts(draw):
    calendar = draw(calendars())
    week = weekly_minutes(calendar) * 60_000_000
    amounts = st.integers(0, 20 * week).map(lambda us: timedelta(microseconds=us))
    return calendar, draw(near(calendar, micro=True)), draw(amounts), draw(amounts)


@ALGEBRA
@given(instants_and_amounts())
def test_add_then_elapsed_gives_the_time_back_at_the_earliest_instant(case):
    calendar, start, amount, _ = case
    due = sla.add(calendar, start, amount)
    assert due >= start
    assert sla.elapsed(calendar, start, due) == amount
    if amount:
        assert sla.elapsed(calendar, start, due - timedelta(microseconds=1)) < amount


@ALGEBRA
@given(instants_and_amounts())
def test_adding_twice_is_adding_the_sum(case):
    calendar, start, first, second = case
    if second:
        assert sla.add(calendar, sla.add(calendar, start, first), second) == sla.add(calendar, start, first + second)


@ALGEBRA
@given(instants_and_amounts(), st.integers(0, 3 * 24 * 3600 * 1_000_000))
def test_add_is_monotonic(case, later_by):
    calendar, start, first, second = case
    small, large = sorted((first, second))
    assert sla.add(calendar, start, small) <= sla.add(calendar, start, large)
    assert sla.add(calendar, start, small) <= sla.add(calendar, start + timedelta(microseconds=later_by), small)


@ALGEBRA
@given(calendars().flatmap(lambda c: st.tuples(st.just(c), near(c, micro=True), near(c, micro=True), near(c, micro=True))))
def test_elapsed_is_additive_and_monotonic(case):
    calendar, a, b, c = case
    assert sla.elapsed(calendar, a, b) + sla.elapsed(calendar, b, c) == sla.elapsed(calendar, a, c)
    first, middle, last = sorted((a, b, c))
    assert timedelta(0) <= sla.elapsed(calendar, first, middle) <= sla.elapsed(calendar, first, last)


@ALGEBRA
@given(st.sampled_from(ZONES).flatmap(lambda zone: st.tuples(
    st.just(zone), st.sampled_from(anchors(zone)), st.integers(-2 * 1440, 2 * 1440))))
def test_the_zone_table_names_wall_clock_times_as_the_contract_reads_them(case):
    zone, anchor, minutes = case
    table = zone_table(zone)
    local = anchor.astimezone(table.zone).replace(tzinfo=None) + timedelta(minutes=minutes)
    day, clock = local.date(), local - datetime.combine(local.date(), time())
    calendar = Calendar(zone, ((),) * 7)
    wall = (day.toordinal() - EPOCH_ORDINAL) * DAY + clock // timedelta(minutes=1) * MINUTE
    assert from_micros(table.to_utc(wall)) == Reference(calendar).moment(day, clock // timedelta(minutes=1))
