"""A tenant's payroll deduction feed: its pay schedule (kept in the module's
settings) and, for one pay date, the coverage in force then, priced per
paycheck and flagged against the previous pay date. The arithmetic and the
flags are payroll.py's; this module finds the coverage.

Coverage in force on a day: per employee and plan, the election of the
submitted (or since terminated) enrolment whose window's coverage started
last on or before that day, unless it is a waiver or its coverage (the
election's own end or the enrolment's) ended before the day. Prices come from
the plan's tiers as they are now, so a new price shows as `changed`.
"""
import csv
import io
from datetime import date

import sqlalchemy as sa

from hrbpo.plugin_api import Employee, Invalid, csv_cell, current_tenant, db
from hrbpo.plugins.benefits import payroll, services
from hrbpo.plugins.benefits.models import Election, Enrollment, Plan, Window

# With no first pay date set, a monthly schedule pays on each month's last day.
MONTH_END = date(2000, 1, 31)
IN_FORCE = ("submitted", "terminated")
COLUMNS = ("employee_id", "first_name", "last_name", "plan_id", "plan_name", "deduction_code", "tier",
           "employee_amount", "employer_amount", "change")


def payroll_settings() -> dict:
    stored = services.settings()
    return {"pay_frequency": stored["pay_frequency"], "first_pay_date": stored["first_pay_date"],
            "deduction_codes": stored["deduction_codes"]}


def update_payroll_settings(data: dict) -> dict:
    """Replace the pay schedule and deduction codes (PUT); codes name this tenant's plans."""
    first = data["first_pay_date"]
    wanted = data.get("deduction_codes") or {}
    known = set(db.session.scalars(sa.select(Plan.id).where(Plan.id.in_(list(wanted))))) if wanted else set()
    unknown = {f"deduction_codes.{plan_id}": ["No such plan."] for plan_id in wanted if plan_id not in known}
    if unknown:
        raise Invalid(unknown, "Deduction codes must name this client's plans.")
    codes = {str(plan_id): code for plan_id, code in wanted.items()}
    services.update_settings({"pay_frequency": data["pay_frequency"],
                              "first_pay_date": first.isoformat() if first else None,
                              "deduction_codes": codes})
    return payroll_settings()


def schedule() -> payroll.PaySchedule:
    chosen = payroll_settings()
    first = chosen["first_pay_date"]
    if first is None and chosen["pay_frequency"] != "monthly":
        raise Invalid({"pay_date": ["Set the first pay date in the payroll settings first."]})
    return payroll.PaySchedule(chosen["pay_frequency"], first or MONTH_END)


def feed(pay_date: date) -> dict:
    """The feed for `pay_date` as the API answers it; 422 off the schedule."""
    chosen, plans, people = payroll_settings(), _plans(), {}
    currency = current_tenant().currency
    try:
        result = payroll.deduction_feed(schedule(), pay_date, lambda day: _coverage_on(day, plans, chosen, people),
                                        currency)
    except payroll.NotAPayDate as exc:
        raise Invalid({"pay_date": [str(exc)]}) from exc
    items = [{"employee_id": item.employee_id, "first_name": people[item.employee_id].first_name,
              "last_name": people[item.employee_id].last_name, "plan_id": item.plan_id,
              "plan_name": plans[item.plan_id].name, "deduction_code": chosen["deduction_codes"].get(str(item.plan_id)),
              "tier": item.tier, "employee_amount": str(item.employee_amount),
              "employer_amount": str(item.employer_amount), "change": item.change} for item in result.items]
    items.sort(key=lambda i: (i["last_name"].casefold(), i["first_name"].casefold(), i["plan_name"], str(i["employee_id"])))
    return {"pay_date": pay_date, "previous_pay_date": result.previous_pay_date, "pay_frequency": result.pay_frequency,
            "currency": currency, "items": items,
            "totals": {"employee_amount": str(result.employee_total), "employer_amount": str(result.employer_total)}}


def feed_csv(result: dict) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for item in result["items"]:
        writer.writerow([csv_cell(item[column]) for column in COLUMNS])
    return out.getvalue()


def _plans() -> dict:
    return {plan.id: plan for plan in db.session.scalars(sa.select(Plan).options(sa.orm.selectinload(Plan.tiers)))}


def _coverage_on(day: date, plans: dict, chosen: dict, people: dict) -> list[payroll.CoverageLine]:
    """The lines in force on `day`; `people` (id → Employee) collects the employees met, for both pay dates."""
    rows = db.session.execute(
        sa.select(Election, Enrollment.employee_id, Enrollment.coverage_ends_on, Window.coverage_starts_on)
        .join(Enrollment, sa.and_(Enrollment.tenant_id == Election.tenant_id, Enrollment.id == Election.enrollment_id))
        .join(Window, sa.and_(Window.tenant_id == Enrollment.tenant_id, Window.id == Enrollment.window_id))
        .where(Enrollment.status.in_(IN_FORCE), Window.coverage_starts_on <= day)
        .order_by(Window.coverage_starts_on, Enrollment.created_at)
        .options(sa.orm.lazyload(Election.plan))
    ).all()
    latest = {}
    for election, employee_id, enrolment_ends, starts in rows:
        latest[(employee_id, election.plan_id)] = (election, enrolment_ends, starts)
    in_force = {key: found for key, found in latest.items()
                if not found[0].waived and all(end is None or end >= day for end in (found[0].coverage_ends_on, found[1]))}
    wanted = {employee_id for employee_id, _ in in_force} - people.keys()
    if wanted:
        people.update((e.id, e) for e in db.session.scalars(sa.select(Employee).where(Employee.id.in_(wanted))))
    return [_priced(election, people[employee_id], plans[plan_id], starts, chosen["pay_frequency"])
            for (employee_id, plan_id), (election, _, starts) in in_force.items()]


def _priced(election: Election, employee, plan: Plan, starts: date, frequency: str) -> payroll.CoverageLine:
    """The line at the tier's price now (its age band on the coverage start, as when enrolled); an
    election whose tier is gone from the plan keeps the per-paycheck cost it was enrolled at."""
    tier = plan.tier(election.tier)
    if tier is None:
        mine, theirs, period = election.employee_cost, election.employer_cost, "paycheck"
    else:
        (mine, theirs), period = services.tier_costs(tier, employee, starts), tier.period
    return payroll.CoverageLine(employee.id, plan.id, election.tier, payroll.per_period(mine, period, frequency, plan.currency),
                                payroll.per_period(theirs, period, frequency, plan.currency))
