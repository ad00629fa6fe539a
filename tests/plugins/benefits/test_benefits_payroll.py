"""The payroll deduction feed's pure parts: pay schedules, per-paycheck
amounts in each currency's minor unit, and change flags."""
import calendar
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal, localcontext

import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import given
from hypothesis import strategies as st

from hrbpo.plugins.benefits.payroll import (
    FREQUENCIES, CoverageLine, Deduction, NotAPayDate, PaySchedule, compare, deduction_feed, minor_digits,
    per_period, round_money)


def dates(*texts):
    return [date.fromisoformat(t) for t in texts]


def first_dates(schedule, n):
    return [schedule.pay_date(i) for i in range(n)]


# --- schedules ---------------------------------------------------------------------------------

def test_weekly_and_biweekly_step_over_the_year_end_and_leap_day():
    assert first_dates(PaySchedule("weekly", date(2023, 12, 22)), 4) == dates(
        "2023-12-22", "2023-12-29", "2024-01-05", "2024-01-12")
    assert first_dates(PaySchedule("biweekly", date(2024, 2, 16)), 3) == dates("2024-02-16", "2024-03-01",
                                                                                 "2024-03-15")
    assert PaySchedule("biweekly", date(2024, 2, 15)).is_pay_date(date(2024, 2, 29))


def test_monthly_keeps_its_day_and_clamps_at_month_ends():
    assert first_dates(PaySchedule("monthly", date(2024, 1, 31)), 5) == dates(
        "2024-01-31", "2024-02-29", "2024-03-31", "2024-04-30", "2024-05-31")
    assert PaySchedule("monthly", date(2023, 1, 31)).pay_date(1) == date(2023, 2, 28)
    assert first_dates(PaySchedule("monthly", date(2024, 2, 29)), 3) == dates("2024-02-29", "2024-03-29",
                                                                                "2024-04-29")
    assert PaySchedule("monthly", date(2024, 2, 29)).pay_date(12) == date(2025, 2, 28)
    assert PaySchedule("monthly", date(2024, 2, 29)).pay_date(48) == date(2028, 2, 29)
    assert first_dates(PaySchedule("monthly", date(2024, 11, 25)), 3) == dates("2024-11-25", "2024-12-25",
                                                                                 "2025-01-25")


@pytest.mark.parametrize("first, expected", [
    # the 15th or a month's last day: the 15th and the last day
    ("2024-01-15", ["2024-01-15", "2024-01-31", "2024-02-15", "2024-02-29", "2024-03-15", "2024-03-31"]),
    ("2023-01-31", ["2023-01-31", "2023-02-15", "2023-02-28", "2023-03-15", "2023-03-31", "2023-04-15"]),
    ("2024-04-30", ["2024-04-30", "2024-05-15", "2024-05-31", "2024-06-15", "2024-06-30", "2024-07-15"]),
    ("2023-02-28", ["2023-02-28", "2023-03-15", "2023-03-31", "2023-04-15", "2023-04-30", "2023-05-15"]),
    # day d of the first half: d and d + 15
    ("2024-01-01", ["2024-01-01", "2024-01-16", "2024-02-01", "2024-02-16", "2024-03-01", "2024-03-16"]),
    ("2024-01-05", ["2024-01-05", "2024-01-20", "2024-02-05", "2024-02-20", "2024-03-05", "2024-03-20"]),
    ("2023-01-14", ["2023-01-14", "2023-01-29", "2023-02-14", "2023-02-28", "2023-03-14", "2023-03-29"]),
    ("2024-02-14", ["2024-02-14", "2024-02-29", "2024-03-14", "2024-03-29", "2024-04-14", "2024-04-29"]),
    # day d of the second half (not the month's end): d - 15 and d
    ("2024-01-20", ["2024-01-20", "2024-02-05", "2024-02-20", "2024-03-05", "2024-03-20", "2024-04-05"]),
    ("2024-01-16", ["2024-01-16", "2024-02-01", "2024-02-16", "2024-03-01", "2024-03-16", "2024-04-01"]),
    ("2023-01-30", ["2023-01-30", "2023-02-15", "2023-02-28", "2023-03-15", "2023-03-30", "2023-04-15"]),
    ("2024-01-29", ["2024-01-29", "2024-02-14", "2024-02-29", "2024-03-14", "2024-03-29", "2024-04-14"]),
])
def test_semimonthly_rule_follows_the_first_pay_date(first, expected):
    assert first_dates(PaySchedule("semimonthly", date.fromisoformat(first)), 6) == dates(*expected)


def test_before_the_first_pay_date_there_is_nothing():
    schedule = PaySchedule("biweekly", date(2024, 1, 5))
    assert not schedule.is_pay_date(date(2023, 12, 22))
    assert schedule.previous_pay_date(date(2024, 1, 5)) is None
    assert schedule.previous_pay_date(date(2020, 1, 1)) is None
    assert schedule.next_pay_date(date(2020, 1, 1)) == date(2024, 1, 5)
    assert schedule.count_before(date(2020, 1, 1)) == 0


def test_previous_and_next_from_any_day():
    schedule = PaySchedule("semimonthly", date(2024, 1, 15))
    assert schedule.previous_pay_date(date(2024, 2, 20)) == date(2024, 2, 15)
    assert schedule.previous_pay_date(date(2024, 2, 15)) == date(2024, 1, 31)
    assert schedule.next_pay_date(date(2024, 2, 15)) == date(2024, 2, 29)
    assert schedule.next_pay_date(date(2024, 2, 16)) == date(2024, 2, 29)


def test_pay_dates_lists_a_range():
    schedule = PaySchedule("monthly", date(2024, 1, 31))
    assert list(schedule.pay_dates(date(2024, 3, 1), date(2024, 6, 30))) == dates(
        "2024-03-31", "2024-04-30", "2024-05-31", "2024-06-30")
    assert list(schedule.pay_dates(end=date(2024, 2, 29))) == dates("2024-01-31", "2024-02-29")
    assert list(schedule.pay_dates(date(2024, 4, 30), date(2024, 4, 30))) == [date(2024, 4, 30)]
    assert list(schedule.pay_dates(date(2024, 4, 1), date(2024, 4, 29))) == []
    endless = schedule.pay_dates(date(2030, 1, 1))
    assert [next(endless) for _ in range(2)] == dates("2030-01-31", "2030-02-28")


@pytest.mark.parametrize("frequency, periods", [("weekly", 52), ("biweekly", 26), ("semimonthly", 24),
                                                ("monthly", 12)])
def test_periods_per_year(frequency, periods):
    assert PaySchedule(frequency, date(2024, 1, 1)).periods_per_year == periods


def test_unknown_frequencies_are_refused():
    with pytest.raises(ValueError, match="weekly, biweekly, semimonthly, monthly"):
        PaySchedule("daily", date(2024, 1, 1))
    with pytest.raises(ValueError):
        PaySchedule("weekly", date(2024, 1, 1)).days_of_month
    with pytest.raises(ValueError):
        PaySchedule("weekly", date(2024, 1, 1)).pay_date(-1)


def test_an_off_schedule_date_says_which_dates_are_near():
    schedule = PaySchedule("biweekly", date(2024, 1, 5))
    with pytest.raises(NotAPayDate) as caught:
        schedule.check(date(2024, 1, 10))
    assert str(caught.value) == "2024-01-10 is not a pay date; the nearest are 2024-01-05 and 2024-01-19."
    assert caught.value.params == {"date": "2024-01-10", "before": "2024-01-05", "after": "2024-01-19"}
    with pytest.raises(NotAPayDate, match="before the first pay date, 2024-01-05"):
        schedule.check(date(2023, 12, 29))
    schedule.check(date(2024, 1, 19))  # on the schedule: no error


schedules = st.builds(PaySchedule, st.sampled_from(FREQUENCIES), st.dates(date(1990, 1, 1), date(2090, 12, 31)))


@given(schedules, st.integers(0, 600))
def test_pay_dates_strictly_increase_and_each_is_found_again(schedule, n):
    d, following = schedule.pay_date(n), schedule.pay_date(n + 1)
    assert d < following
    assert schedule.is_pay_date(d) and schedule.count_before(d) == n
    assert schedule.next_pay_date(d) == following
    assert schedule.previous_pay_date(schedule.next_pay_date(d)) == d
    assert schedule.previous_pay_date(following) == d
    assert not any(schedule.is_pay_date(d + timedelta(days=k)) for k in range(1, (following - d).days))


@given(schedules, st.integers(-400, 40_000))
def test_any_day_lies_between_its_previous_and_next_pay_date(schedule, offset):
    day = schedule.first_pay_date + timedelta(days=offset)
    before, after = schedule.previous_pay_date(day), schedule.next_pay_date(day)
    assert day < after and schedule.is_pay_date(after)
    if before is None:
        assert day <= schedule.first_pay_date
    else:
        assert before < day and schedule.is_pay_date(before) and schedule.next_pay_date(before) >= day
    assert schedule.is_pay_date(day) == (schedule.next_pay_date(before or day - timedelta(days=1)) == day
                                         and day >= schedule.first_pay_date)


@given(st.dates(date(1990, 1, 1), date(2090, 12, 31)), st.integers(0, 600))
def test_monthly_agrees_with_dateutil(first, n):
    assert PaySchedule("monthly", first).pay_date(n) == first + relativedelta(months=n)


@given(st.dates(date(1990, 1, 1), date(2090, 12, 31)), st.integers(1, 300))
def test_semimonthly_has_two_pay_days_in_every_later_month(first, months):
    schedule = PaySchedule("semimonthly", first)
    month = first + relativedelta(day=1, months=months)
    last = calendar.monthrange(month.year, month.month)[1]
    paid = [d for d in schedule.pay_dates(month, month.replace(day=last))]
    assert len(paid) == 2
    early, late = schedule.days_of_month
    assert paid == [month.replace(day=min(early, last)), month.replace(day=min(late, last))]
    assert 12 <= (paid[1] - paid[0]).days <= 16


@given(st.sampled_from(["weekly", "biweekly"]), st.dates(date(1990, 1, 1), date(2090, 12, 31)),
       st.integers(0, 3000))
def test_weekly_and_biweekly_dates_are_whole_steps_from_the_first(frequency, first, offset):
    day = first + timedelta(days=offset)
    step = 7 if frequency == "weekly" else 14
    assert PaySchedule(frequency, first).is_pay_date(day) == (offset % step == 0)


@given(schedules)
def test_a_year_has_about_periods_per_year_pay_dates(schedule):
    start = schedule.first_pay_date
    count = len(list(schedule.pay_dates(start, start + relativedelta(years=1) - timedelta(days=1))))
    assert count in (schedule.periods_per_year, schedule.periods_per_year + 1)  # 53 Fridays in some years


# --- amounts -----------------------------------------------------------------------------------

@pytest.mark.parametrize("amount, period, frequency, currency, expected", [
    ("100.00", "month", "monthly", "USD", "100.00"),
    ("100.00", "month", "semimonthly", "USD", "50.00"),
    ("100.00", "month", "biweekly", "USD", "46.15"),
    ("100.00", "month", "weekly", "USD", "23.08"),
    ("0.13", "month", "semimonthly", "USD", "0.07"),  # 0.065: half up, not to even
    ("0.11", "month", "semimonthly", "USD", "0.06"),  # 0.055
    ("350.25", "month", "biweekly", "EUR", "161.65"),  # 161.6538…
    ("10000", "month", "weekly", "JPY", "2308"),  # 2307.69…
    ("1", "month", "semimonthly", "JPY", "1"),  # 0.5
    ("5000", "month", "biweekly", "JPY", "2308"),
    ("12.345", "month", "biweekly", "KWD", "5.698"),  # 5.69769…
    ("0.001", "month", "semimonthly", "BHD", "0.001"),  # 0.0005
    ("1000", "month", "weekly", "KWD", "230.769"),
    ("46.15", "paycheck", "biweekly", "USD", "46.15"),  # taken as it is
    ("1000.00", "paycheck", "weekly", "JPY", "1000"),
    ("7.5", "paycheck", "weekly", "KWD", "7.500"),
    ("0", "month", "weekly", "USD", "0.00"),
    ("999999.99", "month", "weekly", "USD", "230769.23"),
])
def test_per_period_amounts(amount, period, frequency, currency, expected):
    result = per_period(Decimal(amount), period, frequency, currency)
    assert isinstance(result, Decimal) and str(result) == expected


def test_currency_minor_units_come_from_cldr():
    assert [minor_digits(c) for c in ("JPY", "USD", "KWD", "BHD", "INR", "NOK", "PKR")] == [0, 2, 3, 3, 2, 2, 2]
    assert str(round_money(0, "JPY")) == "0" and str(round_money(0, "KWD")) == "0.000"
    assert str(round_money("2.675", "USD")) == "2.68" and str(round_money("-2.675", "USD")) == "-2.68"


def test_money_is_never_a_float():
    with pytest.raises(TypeError):
        per_period(100.0, "month", "weekly", "USD")
    with pytest.raises(ValueError):
        round_money(Decimal("NaN"), "USD")
    with pytest.raises(ValueError):
        round_money("Infinity", "USD")
    with pytest.raises(ValueError):
        per_period("1", "year", "weekly", "USD")
    with pytest.raises(ValueError):
        per_period("1", "month", "daily", "USD")


amounts = st.decimals(min_value=0, max_value=1_000_000, places=3, allow_nan=False, allow_infinity=False)
currencies = st.sampled_from(["JPY", "USD", "EUR", "KWD", "BHD", "INR"])


@given(amounts, st.sampled_from(FREQUENCIES), currencies)
def test_per_period_rounds_half_up_to_the_minor_unit(amount, frequency, currency):
    result = per_period(amount, "month", frequency, currency)
    unit = Decimal(1).scaleb(-minor_digits(currency))
    with localcontext(prec=60):
        exact = amount * 12 / {"weekly": 52, "biweekly": 26, "semimonthly": 24, "monthly": 12}[frequency]
        assert result == exact.quantize(unit, rounding=ROUND_HALF_UP)
        assert abs(result - exact) <= unit / 2
    assert result.as_tuple().exponent == unit.as_tuple().exponent
    assert "E" not in str(result)


@given(amounts, st.sampled_from(FREQUENCIES), currencies)
def test_per_paycheck_prices_are_kept(amount, frequency, currency):
    result = per_period(amount, "paycheck", frequency, currency)
    assert abs(result - amount) <= Decimal(1).scaleb(-minor_digits(currency)) / 2


# --- change flags ------------------------------------------------------------------------------

def line(employee, plan, tier="employee", employee_amount="10.00", employer_amount="40.00"):
    return CoverageLine(employee, plan, tier, Decimal(employee_amount), Decimal(employer_amount))


def test_each_line_is_flagged_against_the_previous_pay_date():
    previous = [line("e1", "medical"), line("e1", "dental", employee_amount="3.00"), line("e2", "medical"),
                line("e3", "vision", "family"), line("e4", "medical", employer_amount="40.00")]
    current = [line("e1", "medical"),  # unchanged
               line("e1", "dental", employee_amount="3.50"),  # price changed
               line("e2", "medical", "family"),  # tier changed (a marriage, a birth)
               line("e4", "medical", employer_amount="45.00"),  # only the employer's share changed
               line("e5", "medical")]  # a new hire
    rows = compare(current, previous, "USD")
    assert [(r.employee_id, r.plan_id, r.change) for r in rows] == [
        ("e1", "medical", "unchanged"), ("e1", "dental", "changed"), ("e2", "medical", "changed"),
        ("e4", "medical", "changed"), ("e5", "medical", "new"), ("e3", "vision", "stopped")]
    stopped = rows[-1]
    assert stopped == Deduction("e3", "vision", "family", Decimal("0.00"), Decimal("0.00"), "stopped")
    assert str(stopped.employee_amount) == "0.00"
    assert rows[0] == Deduction("e1", "medical", "employee", Decimal("10.00"), Decimal("40.00"), "unchanged")


def test_equal_amounts_written_differently_are_unchanged():
    assert compare([line("e1", "m", employee_amount="10.0")], [line("e1", "m", employee_amount="10.00")],
                   "USD")[0].change == "unchanged"


def test_stopped_rows_carry_zero_in_the_currencys_minor_unit():
    assert str(compare([], [line("e1", "m", employee_amount="100")], "JPY")[0].employee_amount) == "0"
    assert str(compare([], [line("e1", "m", employee_amount="1.000")], "KWD")[0].employer_amount) == "0.000"


def test_two_lines_for_one_employee_and_plan_are_refused():
    with pytest.raises(ValueError, match="two lines"):
        compare([line("e1", "m"), line("e1", "m", "family")], [], "USD")


keys = st.tuples(st.sampled_from(["e1", "e2", "e3", "e4"]), st.sampled_from(["medical", "dental", "vision"]))
money = st.decimals(min_value=0, max_value=10_000, places=2, allow_nan=False, allow_infinity=False)
line_sets = st.dictionaries(keys, st.tuples(st.sampled_from(["employee", "family"]), money, money), max_size=12)


def _lines(table):
    return [CoverageLine(e, p, tier, a, b) for (e, p), (tier, a, b) in table.items()]


@given(line_sets, line_sets)
def test_change_flags_partition_both_pay_dates(current, previous):
    rows = compare(_lines(current), _lines(previous), "USD")
    by_key = {(r.employee_id, r.plan_id): r for r in rows}
    assert len(by_key) == len(rows) == len(set(current) | set(previous))
    for key, row in by_key.items():
        if key not in previous:
            assert row.change == "new"
        elif key not in current:
            assert row.change == "stopped" and row.employee_amount == row.employer_amount == 0
            assert row.tier == previous[key][0]
        else:
            assert row.change == ("unchanged" if current[key] == previous[key] else "changed")
        if key in current:
            assert (row.tier, row.employee_amount, row.employer_amount) == current[key]


# --- the feed ----------------------------------------------------------------------------------

SCHEDULE = PaySchedule("semimonthly", date(2024, 1, 15))


def _coverage(elections):
    """coverage_on(day) over elections (employee, plan, tier, monthly price, starts, ends)."""
    def coverage_on(day):
        return [CoverageLine(e, p, tier, per_period(price, "month", "semimonthly", "USD"),
                             per_period(price * 3, "month", "semimonthly", "USD"))
                for e, p, tier, price, starts, ends in elections if starts <= day and (ends is None or day <= ends)]
    return coverage_on


def test_the_feed_compares_with_the_previous_pay_date_and_totals_the_rounded_lines():
    elections = [
        ("ann", "medical", "employee", Decimal("100.01"), date(2024, 1, 1), date(2024, 2, 9)),
        ("ann", "medical", "family", Decimal("250.01"), date(2024, 2, 10), None),  # a birth: new tier
        ("bob", "dental", "employee", Decimal("20.00"), date(2024, 1, 1), date(2024, 2, 5)),  # terminated
        ("cat", "medical", "employee", Decimal("100.01"), date(2024, 2, 1), None),  # new hire
        ("dan", "medical", "employee", Decimal("100.01"), date(2024, 1, 1), None),
    ]  # a waived plan has no election in force: it never shows
    feed = deduction_feed(SCHEDULE, date(2024, 2, 15), _coverage(elections), "USD")
    assert feed.previous_pay_date == date(2024, 1, 31) and feed.pay_frequency == "semimonthly"
    assert [(i.employee_id, i.tier, str(i.employee_amount), i.change) for i in feed.items] == [
        ("ann", "family", "125.01", "changed"),  # 250.01 / 2 = 125.005 → 125.01
        ("cat", "employee", "50.01", "new"),
        ("dan", "employee", "50.01", "unchanged"),
        ("bob", "employee", "0.00", "stopped"),
    ]
    assert str(feed.employee_total) == "225.03" and feed.employee_total == sum(i.employee_amount for i in feed.items)
    assert feed.employer_total == sum(i.employer_amount for i in feed.items)


def test_the_first_pay_date_has_only_new_lines():
    asked = []

    def coverage_on(day):
        asked.append(day)
        return [line("e1", "medical")]

    feed = deduction_feed(SCHEDULE, date(2024, 1, 15), coverage_on, "USD")
    assert feed.previous_pay_date is None and [i.change for i in feed.items] == ["new"]
    assert asked == [date(2024, 1, 15)]


def test_an_empty_feed_totals_zero_in_the_minor_unit():
    feed = deduction_feed(PaySchedule("monthly", date(2024, 1, 25)), date(2024, 3, 25), lambda day: [], "JPY")
    assert feed.items == () and str(feed.employee_total) == "0" and str(feed.employer_total) == "0"


def test_the_feed_refuses_a_date_off_the_schedule():
    with pytest.raises(NotAPayDate, match="2024-02-14 is not a pay date; the nearest are 2024-01-31 and 2024-02-15"):
        deduction_feed(SCHEDULE, date(2024, 2, 14), lambda day: [], "USD")


@given(line_sets, line_sets, currencies)
def test_totals_are_the_sums_of_the_rounded_lines(current, previous, currency):
    schedule = PaySchedule("monthly", date(2024, 1, 31))
    rounded = {k: (t, round_money(a, currency), round_money(b, currency)) for k, (t, a, b) in current.items()}
    feed = deduction_feed(schedule, date(2024, 2, 29),
                          lambda day: _lines(rounded if day == date(2024, 2, 29) else previous), currency)
    assert feed.employee_total == sum(a for _t, a, _b in rounded.values())
    assert feed.employer_total == sum(b for _t, _a, b in rounded.values())
    digits = minor_digits(currency)
    assert all(-i.employee_amount.as_tuple().exponent == digits for i in feed.items)
    assert -feed.employee_total.as_tuple().exponent == digits
