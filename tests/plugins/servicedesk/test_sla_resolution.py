"""The resolution clock: it stops while pending/resolved/closed, restarts on reopening (its due time
moved later by the business time it stood still), and the contract's breach rules."""
from datetime import timedelta

import pytest
from sla_helpers import calendar, hours, local

from hrbpo.plugins.servicedesk import sla
from hrbpo.plugins.servicedesk.sla import ResolutionClock, ServiceLevels

ZONE = "Europe/Oslo"
CAL = calendar(ZONE)  # Monday to Friday 09:00–17:00
OPENED = local(ZONE, 2026, 6, 1, 9)  # Monday 1 June 2026


def at(day, hour, minute=0):
    return local(ZONE, 2026, 6, day, hour, minute)


def levels(history, now, resolution=16, first_response=4, responded=None, cal=CAL) -> ServiceLevels:
    return sla.service_levels(cal, OPENED, hours(first_response), hours(resolution), history, now, responded)


def replay(history, resolution=16, cal=CAL) -> ResolutionClock:
    clock = ResolutionClock.start(cal, OPENED, hours(resolution))
    for when, status in history:
        clock = clock.on_status(cal, status, when)
    return clock


def test_without_stops_the_due_times_follow_from_opening():
    found = levels([], now=at(1, 10))
    assert found == ServiceLevels(at(1, 13), False, at(2, 17), None, False, False)
    assert found.clock == ResolutionClock(at(2, 17))


def test_a_pause_moves_the_due_time_by_the_business_time_it_stood_still():
    history = [(at(1, 11), "pending"), (at(1, 15), "open")]
    found = levels(history, now=at(1, 16))
    assert found.resolution_due_at == at(3, 13)  # Tuesday 17:00 + 4 h
    assert (found.resolution_stopped_at, found.sla_paused, found.resolution_breached) == (None, False, False)
    assert replay(history) == ResolutionClock(at(3, 13))


def test_while_stopped_the_due_time_keeps_its_last_value():
    found = levels([(at(1, 11), "pending")], now=at(4, 12))
    assert (found.resolution_due_at, found.resolution_stopped_at, found.sla_paused) == (at(2, 17), at(1, 11), True)
    assert not found.resolution_breached  # stopped before the due time, however late now is
    assert found.first_response_breached  # the first-response clock never stops


def test_a_pause_outside_hours_moves_nothing():
    history = [(at(1, 17, 30), "pending"), (at(2, 8), "open")]
    assert levels(history, now=at(2, 9)).resolution_due_at == at(2, 17)
    assert replay(history).due_at == at(2, 17)


def test_a_pause_over_a_weekend_counts_its_business_hours_only():
    history = [(at(5, 16), "pending"), (at(8, 10), "open")]
    assert levels(history, now=at(8, 11), resolution=40).resolution_due_at == at(8, 11)  # Fri 17:00 + 2 h


def test_resolved_stops_the_clock_and_reopening_restarts_it():
    history = [(at(1, 12), "resolved"), (at(2, 12), "open")]
    stopped = levels(history[:1], now=at(1, 13))
    assert (stopped.resolution_stopped_at, stopped.sla_paused) == (at(1, 12), False)  # paused means pending
    assert levels(history, now=at(2, 13)).resolution_due_at == at(3, 17)  # + 8 h


def test_pending_then_resolved_keeps_the_first_stop():
    history = [(at(1, 11), "pending"), (at(1, 13), "resolved"), (at(1, 15), "open")]
    assert levels(history, now=at(1, 16)).resolution_due_at == at(3, 13)
    assert levels(history[:2], now=at(1, 14)).resolution_stopped_at == at(1, 11)
    assert replay(history) == ResolutionClock(at(3, 13))


def test_closing_an_open_case_stops_the_clock_for_good():
    found = levels([(at(3, 10), "closed")], now=at(20, 10))
    assert (found.resolution_stopped_at, found.resolution_breached) == (at(3, 10), True)  # closed after Tue 17:00
    found = levels([(at(2, 10), "closed")], now=at(20, 10))
    assert not found.resolution_breached


def test_several_pauses_add_up():
    history = [(at(1, 10), "pending"), (at(1, 11), "open"), (at(1, 12), "pending"), (at(1, 14), "open"),
               (at(2, 16), "resolved"), (at(3, 9, 30), "open")]
    assert levels(history, now=at(3, 10)).resolution_due_at == at(3, 13, 30)  # 1 + 2 + 1.5 h after Tue 17:00
    assert replay(history).due_at == at(3, 13, 30)


@pytest.mark.parametrize("now, breached", [(at(2, 16, 59), False), (at(2, 17), False), (at(2, 17, 0) + timedelta(seconds=1), True)])
def test_a_running_clock_is_breached_once_now_is_later_than_the_due_time(now, breached):
    assert levels([], now=now).resolution_breached is breached
    assert ResolutionClock(at(2, 17)).breached(now) is breached


def test_a_stopped_clock_is_breached_if_it_stopped_after_the_due_time():
    assert levels([(at(2, 17), "pending")], now=at(9, 9)).resolution_breached is False  # at the due time: met
    assert levels([(at(3, 9, 1), "pending")], now=at(9, 9)).resolution_breached is True


def test_a_breach_before_a_stop_stays_after_the_restart():
    history = [(at(3, 12), "pending"), (at(3, 14), "open")]  # breached Tue 17:00, stopped Wed 12:00
    found = levels(history, now=at(3, 15))
    assert found.resolution_due_at == at(3, 9) + timedelta(hours=2)  # moved later by 2 h: still in the past
    assert found.resolution_breached


def test_first_response_breach():
    assert not levels([], now=at(1, 13)).first_response_breached
    assert levels([], now=at(1, 13, 1)).first_response_breached
    assert not levels([], now=at(5, 9), responded=at(1, 13)).first_response_breached  # exactly at the due time
    assert levels([], now=at(1, 14), responded=at(1, 13, 1)).first_response_breached
    assert sla.first_response_breached(at(1, 13), None, at(1, 12)) is False


def test_a_case_opened_outside_hours_starts_both_clocks_at_the_next_opening():
    found = sla.service_levels(CAL, at(6, 12), hours(4), hours(16), [], at(6, 13))
    assert (found.first_response_due_at, found.resolution_due_at) == (at(8, 13), at(9, 17))


def test_the_calendar_in_force_at_the_restart_measures_the_stop():
    clock = ResolutionClock.start(CAL, OPENED, hours(16)).on_status(CAL, "pending", at(5, 16))
    weekend = calendar(ZONE, sat="10:00-14:00")  # the tenant opened on Saturdays meanwhile
    # Stopped Friday 16:00 to Monday 09:00: 1 h on Friday, and 4 h on Saturday in the new calendar.
    assert clock.on_status(weekend, "open", at(8, 9)).due_at == at(3, 14)
    assert clock.on_status(CAL, "open", at(8, 9)).due_at == at(3, 10)
    assert sla.restarted_due(weekend, at(2, 17), at(5, 16), at(8, 9)) == at(3, 14)


def test_a_clock_ignores_changes_that_keep_it_as_it_is():
    clock = ResolutionClock(at(2, 17))
    assert clock.on_status(CAL, "open", at(1, 10)) is clock
    stopped = clock.on_status(CAL, "pending", at(1, 10))
    assert stopped.on_status(CAL, "resolved", at(1, 11)) is stopped and not stopped.running


def test_bad_histories():
    with pytest.raises(ValueError):
        levels([(at(1, 12), "pending"), (at(1, 11), "open")], now=at(1, 13))
    with pytest.raises(ValueError):
        levels([(at(1, 8), "pending")], now=at(1, 13))  # before opening
    with pytest.raises(ValueError):
        levels([(at(1, 12), "waiting")], now=at(1, 13))
    with pytest.raises(ValueError):
        ResolutionClock(at(2, 17)).on_status(CAL, "reopened", at(1, 12))
    with pytest.raises(ValueError):
        sla.restarted_due(CAL, at(2, 17), at(1, 12), at(1, 11))
