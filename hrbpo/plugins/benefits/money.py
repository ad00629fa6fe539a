"""Cost arithmetic in Decimal: prices per month or per paycheck, turned into
per-paycheck and per-year figures for the tenant's pay frequency."""
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
PAY_PERIODS = {"weekly": 52, "biweekly": 26, "semimonthly": 24, "monthly": 12}


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
