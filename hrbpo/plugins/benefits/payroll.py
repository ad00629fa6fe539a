"""The payroll deduction feed, as plain data: pay schedules, what a monthly
price comes to per paycheck, and what changed since the previous pay date.

Pay schedules start on `first_pay_date` and run forward from it:

- `weekly`, `biweekly`: every 7 or 14 days.
- `monthly`: the day of the month of the first pay date, moved to the last
  day in shorter months (from Jan 31: Feb 28 or 29, Mar 31, Apr 30).
- `semimonthly`: two pay days a month, chosen from the first pay date:
  the 15th and the last day when it falls on either; otherwise its day
  d and d + 15 (from the 1st to the 14th: the 5th gives the 5th and the
  20th) or d − 15 and d (from the 16th to the 30th: the 20th gives the 5th
  and the 20th). The later day moves to the month's last day when the month
  is shorter (the 14th and 29th pay on the 14th and 28th in February 2023).

A price per month becomes `monthly × 12 / periods_per_year` per paycheck, a
price per paycheck is taken as it is; both are rounded half up to the
currency's minor unit (JPY 0 decimals, USD 2, KWD 3), computed exactly
(fractions, never floats).

The feed for a pay date compares the coverage in force then with the
coverage in force on the previous pay date, per employee and plan: `new`,
`changed` (tier or an amount differs), `unchanged`, or `stopped` (in force
before, not now; amounts 0). Totals are the sums of the rounded lines.
"""
import calendar
from collections.abc import Callable, Iterable, Iterator
from dataclasses import astuple, dataclass
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from math import floor

from babel.numbers import get_currency_precision

PERIODS_PER_YEAR = {"weekly": 52, "biweekly": 26, "semimonthly": 24, "monthly": 12}
FREQUENCIES = tuple(PERIODS_PER_YEAR)
PRICE_PERIODS = ("month", "paycheck")
_STEP_DAYS = {"weekly": 7, "biweekly": 14}
_LAST = 31  # a day that every month clamps to its last


class NotAPayDate(ValueError):
    """A date off the schedule; the text is for `errors.pay_date`, with
    `message` and `params` kept apart for translation."""

    def __init__(self, message: str, **params):
        super().__init__(message % params)
        self.message, self.params = message, params


def periods_per_year(frequency: str) -> int:
    try:
        return PERIODS_PER_YEAR[frequency]
    except KeyError:
        raise ValueError(f"pay frequency is one of {', '.join(FREQUENCIES)}") from None


def _clamped(year: int, month: int, day: int) -> date:
    return date(year, month, min(day, calendar.monthrange(year, month)[1]))


def _month_offset(d: date, start: date) -> int:
    return (d.year - start.year) * 12 + d.month - start.month


@dataclass(frozen=True)
class PaySchedule:
    frequency: str
    first_pay_date: date

    def __post_init__(self):
        periods_per_year(self.frequency)

    @property
    def periods_per_year(self) -> int:
        return periods_per_year(self.frequency)

    @property
    def days_of_month(self) -> tuple[int, ...]:
        """Monthly and semimonthly: the pay days of a month before clamping
        (31 stands for the last day)."""
        first = self.first_pay_date
        day = first.day
        month_end = day == calendar.monthrange(first.year, first.month)[1]
        if self.frequency == "monthly":
            return (day,)
        if self.frequency == "semimonthly":
            if day == 15 or month_end:
                return (15, _LAST)
            return (day, day + 15) if day < 15 else (day - 15, day)
        raise ValueError("weekly and biweekly schedules count days, not days of the month")

    def _slot(self) -> int:
        """Which of its month's pay days the first pay date is."""
        days = self.days_of_month
        first = self.first_pay_date
        return next(i for i, day in enumerate(days) if _clamped(first.year, first.month, day) == first)

    def pay_date(self, n: int) -> date:
        """The n-th pay date, 0 being `first_pay_date`."""
        if n < 0:
            raise ValueError("pay dates are counted from the first, 0")
        first = self.first_pay_date
        if self.frequency in _STEP_DAYS:
            return first + timedelta(days=n * _STEP_DAYS[self.frequency])
        days = self.days_of_month
        month, slot = divmod(self._slot() + n, len(days))
        year, month0 = divmod(first.year * 12 + first.month - 1 + month, 12)
        return _clamped(year, month0 + 1, days[slot])

    def count_before(self, d: date) -> int:
        """How many pay dates come before `d`."""
        first = self.first_pay_date
        if d <= first:
            return 0
        if self.frequency in _STEP_DAYS:
            step = _STEP_DAYS[self.frequency]
            return ((d - first).days + step - 1) // step
        per_month = len(self.days_of_month)
        # all pay dates of the months before d's month (from the first on), then those of its month before d
        start = per_month * _month_offset(d, first) - self._slot()
        return max(start, 0) + sum(1 for n in range(max(start, 0), start + per_month) if self.pay_date(n) < d)

    def is_pay_date(self, d: date) -> bool:
        return self.pay_date(self.count_before(d)) == d

    def previous_pay_date(self, d: date) -> date | None:
        """The last pay date before `d`, None before the first."""
        n = self.count_before(d)
        return self.pay_date(n - 1) if n else None

    def next_pay_date(self, d: date) -> date:
        """The first pay date after `d`."""
        return self.pay_date(self.count_before(d + timedelta(days=1)))

    def pay_dates(self, start: date | None = None, end: date | None = None) -> Iterator[date]:
        """The pay dates from `start` (default: the first) through `end`
        (default: without end), in order."""
        n = self.count_before(start) if start else 0
        while True:
            d = self.pay_date(n)
            if end is not None and d > end:
                return
            yield d
            n += 1

    def check(self, d: date):
        """Raise NotAPayDate unless `d` is on the schedule."""
        if self.is_pay_date(d):
            return
        if d < self.first_pay_date:
            raise NotAPayDate("%(date)s is before the first pay date, %(first)s.", date=d.isoformat(),
                              first=self.first_pay_date.isoformat())
        raise NotAPayDate("%(date)s is not a pay date; the nearest are %(before)s and %(after)s.",
                          date=d.isoformat(), before=self.previous_pay_date(d).isoformat(),
                          after=self.next_pay_date(d).isoformat())


def minor_digits(currency: str) -> int:
    """Decimals of the currency's minor unit (CLDR, through babel)."""
    return get_currency_precision(currency)


def _exact(value) -> Fraction:
    if isinstance(value, Fraction):
        return value
    if isinstance(value, float):
        raise TypeError("money is a Decimal, a string or an int, never a float")
    value = Decimal(value)
    if not value.is_finite():
        raise ValueError("money is a finite number")
    return Fraction(value)


def round_money(value, currency: str) -> Decimal:
    """`value` rounded half up (.5 away from zero) to the currency's minor
    unit, as a Decimal with exactly that many decimals."""
    digits = minor_digits(currency)
    scaled = _exact(value) * 10 ** digits
    units = floor(abs(scaled) + Fraction(1, 2))
    return Decimal(-units if scaled < 0 else units).scaleb(-digits)


def per_period(amount, period: str, frequency: str, currency: str) -> Decimal:
    """What one paycheck carries of a price given per `period`."""
    if period not in PRICE_PERIODS:
        raise ValueError(f"a price is per {' or per '.join(PRICE_PERIODS)}")
    periods = periods_per_year(frequency)
    if period == "paycheck":
        return round_money(amount, currency)
    return round_money(_exact(amount) * 12 / periods, currency)


@dataclass(frozen=True)
class CoverageLine:
    """One plan an employee is covered by on a pay date, with the amounts
    per paycheck (see `per_period`)."""

    employee_id: str
    plan_id: str
    tier: str
    employee_amount: Decimal
    employer_amount: Decimal


@dataclass(frozen=True)
class Deduction(CoverageLine):
    change: str


@dataclass(frozen=True)
class DeductionFeed:
    pay_date: date
    previous_pay_date: date | None
    pay_frequency: str
    currency: str
    items: tuple[Deduction, ...]
    employee_total: Decimal
    employer_total: Decimal


def _by_employee_and_plan(lines: Iterable[CoverageLine]) -> dict[tuple[str, str], CoverageLine]:
    found = {}
    for line in lines:
        key = (line.employee_id, line.plan_id)
        if key in found:
            raise ValueError(f"employee {line.employee_id} has two lines for plan {line.plan_id}")
        found[key] = line
    return found


def compare(current: Iterable[CoverageLine], previous: Iterable[CoverageLine], currency: str) -> list[Deduction]:
    """The current lines flagged against the previous pay date's, in their
    order, then a `stopped` line (amounts 0) for each previous one gone."""
    now, before = _by_employee_and_plan(current), _by_employee_and_plan(previous)
    rows = []
    for key, line in now.items():
        old = before.get(key)
        if old is None:
            change = "new"
        elif (old.tier, old.employee_amount, old.employer_amount) == (line.tier, line.employee_amount,
                                                                      line.employer_amount):
            change = "unchanged"
        else:
            change = "changed"
        rows.append(Deduction(*astuple(line), change=change))
    zero = round_money(0, currency)
    rows += [Deduction(old.employee_id, old.plan_id, old.tier, zero, zero, "stopped")
             for key, old in before.items() if key not in now]
    return rows


def deduction_feed(schedule: PaySchedule, pay_date: date, coverage_on: Callable[[date], Iterable[CoverageLine]],
                   currency: str) -> DeductionFeed:
    """The feed for `pay_date` (NotAPayDate if it is off the schedule);
    `coverage_on(day)` gives the lines in force on a day."""
    schedule.check(pay_date)
    previous = schedule.previous_pay_date(pay_date)
    items = compare(coverage_on(pay_date), coverage_on(previous) if previous else (), currency)
    zero = round_money(0, currency)
    return DeductionFeed(pay_date, previous, schedule.frequency, currency, tuple(items),
                         sum((i.employee_amount for i in items), zero),
                         sum((i.employer_amount for i in items), zero))

