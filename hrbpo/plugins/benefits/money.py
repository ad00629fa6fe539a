"""Cost arithmetic in Decimal: prices per month or per paycheck, turned into
per-paycheck and per-year figures for the tenant's pay frequency."""
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from hrbpo.plugins.benefits.payroll import PERIODS_PER_YEAR as PAY_PERIODS  # noqa: F401  (one table of frequencies)

CENT = Decimal("0.01")


def cents(value) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Cost:
    per_paycheck: Decimal
    per_year: Decimal


def cost(amount: Decimal, period: str, pay_periods: int) -> Cost:
    """A price quoted per `period` ("month" or "paycheck") as what is taken
    from each paycheck and what it comes to over a year, both in cents."""
    amount = Decimal(amount)
    if period == "paycheck":
        return Cost(cents(amount), cents(amount * pay_periods))
    per_year = amount * 12
    return Cost(cents(per_year / pay_periods), cents(per_year))
