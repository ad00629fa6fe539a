"""Benefits rules: settings and the tenant's calendar, eligibility and tier
rules, dependants, enrolment (with replacement) and coverage. Plans and
windows are in `catalogue.py`, life events in `life_events.py`."""
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import g, has_request_context

from hrbpo.plugin_api import (Conflict, Employee, Invalid, NotFound, TenantModule, audit, current_tenant, db,
                              emit_event, get_or_404, module_settings, utcnow)
from hrbpo.plugins.benefits.models import Dependent, Election, Enrollment, Plan, PlanTier, Window
from hrbpo.plugins.benefits.money import PAY_PERIODS, cost

MODULE = "benefits"
TIER_RULES_TEXT = {
    "employee": "Employee-only coverage cannot include dependants.",
    "employee_spouse": "Employee + spouse coverage needs exactly one spouse or partner and no children.",
    "employee_children": "Employee + children coverage needs at least one child and no spouse or partner.",
    "family": "Family coverage needs one spouse or partner and at least one child.",
}


def settings() -> dict:
    return module_settings(current_tenant(), MODULE)


def update_settings(changes: dict) -> dict:
    row = db.session.scalars(sa.select(TenantModule).where(TenantModule.name == MODULE)).one()
    before = dict(row.settings or {})  # as stored, so the audit compares like with like
    row.settings = {**before, **changes}
    db.session.flush()
    audit.record("benefits.settings.update", target_type="module", target_id=MODULE,
                 changes={k: [before.get(k), v] for k, v in changes.items() if before.get(k) != v})
    return settings()


def pay_periods() -> int:
    return PAY_PERIODS[settings()["pay_frequency"]]


def tenant_today() -> date:
    """Today in the tenant's time zone: windows open and close on its calendar."""
    return datetime.now(ZoneInfo(current_tenant().timezone or "UTC")).date()


def actor_id():
    user = g.get("user") if has_request_context() else None
    return user.id if user is not None else None


# --- Windows


# What a window, an enrolment, is read with: one statement each for what the
# API shows (a window's plans arrive with their tiers; an enrolment's elections
# with their plans, whose tiers and whose window's plans it does not show).
WINDOW_LOADS = (sa.orm.selectinload(Window.plans).joinedload(Plan.tiers),)
ENROLLMENT_LOADS = (sa.orm.defaultload(Enrollment.window).lazyload(Window.plans),
                    sa.orm.selectinload(Enrollment.elections).joinedload(Election.plan).lazyload(Plan.tiers))


def window_query(employee_id=None, kind=None):
    """Windows newest first; for an employee, open enrolment and their own."""
    query = sa.select(Window).order_by(Window.starts_on.desc(), Window.id.desc()).options(*WINDOW_LOADS)
    if employee_id is not None:
        query = query.where(sa.or_(Window.employee_id.is_(None), Window.employee_id == employee_id))
    if kind:
        query = query.where(Window.kind == kind)
    return query


def window_for(window_id, employee_id=None) -> Window:
    """A window the caller may see (an employee: not someone else's personal window)."""
    window = get_or_404(Window, window_id, "Enrolment window not found.", WINDOW_LOADS)
    if employee_id is not None and window.employee_id not in (None, employee_id):
        raise NotFound("Enrolment window not found.")
    return window


# --- Eligibility and tiers


def ineligibility(plan: Plan, employee: Employee, coverage_starts_on: date) -> str | None:
    """Why `employee` may not have `plan` from `coverage_starts_on`, or None."""
    if plan.employment_types and employee.employment_type not in plan.employment_types:
        return f"{plan.name} is not offered to {employee.employment_type.replace('_', '-')} employees."
    if plan.min_hours is not None and (employee.hours_per_week or 0) < plan.min_hours:
        return f"{plan.name} needs at least {plan.min_hours} hours a week."
    eligible_on = employee.hire_date + timedelta(days=plan.waiting_days or 0)
    if eligible_on > coverage_starts_on:
        return f"{plan.name} has a waiting period: coverage can start on {eligible_on.isoformat()} at the earliest."
    return None


def eligible_clause(plan: Plan, coverage_starts_on: date):
    """`ineligibility(plan, employee, coverage_starts_on) is None` as SQL on Employee (keep the two alike)."""
    conditions = [Employee.hire_date <= coverage_starts_on - timedelta(days=plan.waiting_days or 0)]
    if plan.employment_types:
        conditions.append(Employee.employment_type.in_(plan.employment_types))
    if plan.min_hours is not None:
        conditions.append(sa.func.coalesce(Employee.hours_per_week, 0) >= plan.min_hours)
    return sa.and_(*conditions)


def tier_problem(tier: str, dependents: list[Dependent], plan: Plan, on: date) -> str | None:
    """The rule a set of dependants breaks for a tier, in words a person understands."""
    partners = [d for d in dependents if d.relationship in ("spouse", "partner")]
    children = [d for d in dependents if d.relationship == "child"]
    too_old = [c for c in children if c.age_on(on) >= plan.child_age_limit]
    if too_old:
        names = ", ".join(c.full_name for c in too_old)
        return f"{names} will be {plan.child_age_limit} or older when coverage starts, past this plan's age limit " \
               f"for children ({plan.child_age_limit})."
    fits = {
        "employee": not dependents,
        "employee_spouse": len(partners) == 1 and not children,
        "employee_children": len(children) >= 1 and not partners,
        "family": len(partners) == 1 and len(children) >= 1,
    }[tier]
    return None if fits else TIER_RULES_TEXT[tier]


def tier_costs(tier: PlanTier, employee: Employee, on: date) -> tuple[Decimal, Decimal]:
    """The tier's (employee, employer) price, from the age band when it has them."""
    if not tier.age_bands:
        return tier.employee_cost, tier.employer_cost
    if employee.date_of_birth is None:
        raise Invalid({"elections": ["This plan is priced by age: the employee's date of birth is needed first."]})
    age = on.year - employee.date_of_birth.year - ((on.month, on.day) < (employee.date_of_birth.month,
                                                                          employee.date_of_birth.day))
    for band in tier.age_bands:
        if band["min_age"] <= age <= band["max_age"]:
            return Decimal(band["employee_cost"]), Decimal(band["employer_cost"])
    raise Invalid({"elections": [f"This plan has no rate for age {age}."]})


# --- Dependants


def employee_for(employee_id, access) -> Employee:
    """An employee the caller may act for; employees only themselves (others 404)."""
    if not access.can("benefits.manage") and not access.is_self(employee_id):
        raise NotFound("Employee not found.")
    return get_or_404(Employee, employee_id, "Employee not found.")


def add_dependent(employee: Employee, data: dict) -> Dependent:
    national_id = data.pop("national_id", None)
    dependent = Dependent(employee_id=employee.id, national_id=national_id or None,
                          national_id_last4=national_id[-4:] if national_id else None, **data)
    db.session.add(dependent)
    db.session.flush()
    audit.record("benefits.dependent.add", dependent, {
        "employee_id": employee.id, "name": dependent.full_name, "relationship": dependent.relationship,
        "date_of_birth": "***", "national_id": national_id})
    return dependent


def dependent_query(employee_id):
    return sa.select(Dependent).where(Dependent.employee_id == employee_id).order_by(Dependent.created_at, Dependent.id)


# --- Enrolment


def enrollment_target(window_id, employee_id, access) -> tuple[Window, Employee]:
    """The window and employee of a submission, checked: the employee is the
    caller (or HR acts for them), the window is theirs and open today."""
    employee = employee_for(employee_id, access)
    window = window_for(window_id, None if access.can("benefits.manage") else employee.id)
    if window.employee_id not in (None, employee.id):
        raise Invalid({"window_id": ["This window belongs to another employee."]})
    if employee.status == "terminated":
        raise Conflict("A terminated employee cannot enrol.")
    today = tenant_today()
    if window.closed_at is not None:
        raise Conflict(f"The window {window.name!r} was closed early by HR, so elections cannot change.")
    if not window.is_open_on(today):
        raise Conflict(f"The window {window.name!r} is open from {window.starts_on} to {window.ends_on}; "
                       f"today is {today} in the tenant's time zone, so elections cannot change.")
    return window, employee


def price_elections(window: Window, employee: Employee, elections: list[dict]) -> tuple[list[Election], str]:
    """The elections checked against the window, eligibility and tier rules,
    with their costs (unsaved), and their currency; or Invalid."""
    periods = pay_periods()
    offered = {p.id: p for p in window.plans}
    dependents = {d.id: d for d in db.session.scalars(dependent_query(employee.id))}
    errors, rows, currencies = {}, [], set()
    for i, choice in enumerate(elections):
        plan = offered.get(choice["plan_id"])
        if plan is None:
            errors[f"elections.{i}.plan_id"] = ["This plan is not offered in this window."]
            continue
        problem = ineligibility(plan, employee, window.coverage_starts_on)
        if problem:
            errors[f"elections.{i}.plan_id"] = [problem]
            continue
        if choice.get("waive"):
            zero = Decimal("0.00")
            rows.append(Election(plan_id=plan.id, plan=plan, position=i, waived=True,
                                 waive_reason=choice.get("waive_reason"), dependent_ids=[], employee_cost=zero,
                                 employer_cost=zero, employee_cost_per_year=zero, employer_cost_per_year=zero))
            continue
        tier = plan.tier(choice["tier"])
        if tier is None:
            errors[f"elections.{i}.tier"] = [f"{plan.name} does not offer the {choice['tier']} tier."]
            continue
        unknown = [str(d) for d in choice["dependent_ids"] if d not in dependents]
        if unknown:
            errors[f"elections.{i}.dependent_ids"] = [f"{d} is not one of this employee's dependants." for d in unknown]
            continue
        problem = tier_problem(tier.tier, [dependents[d] for d in choice["dependent_ids"]], plan,
                               window.coverage_starts_on)
        if problem:
            errors[f"elections.{i}.dependent_ids"] = [problem]
            continue
        employee_price, employer_price = tier_costs(tier, employee, window.coverage_starts_on)
        mine, theirs = cost(employee_price, tier.period, periods), cost(employer_price, tier.period, periods)
        currencies.add(plan.currency)
        rows.append(Election(plan_id=plan.id, plan=plan, position=i, tier=tier.tier,
                             dependent_ids=[str(d) for d in choice["dependent_ids"]],
                             employee_cost=mine.per_paycheck, employer_cost=theirs.per_paycheck,
                             employee_cost_per_year=mine.per_year, employer_cost_per_year=theirs.per_year))
    if len(currencies) > 1:
        errors["elections"] = [f"The elected plans are priced in different currencies ({', '.join(sorted(currencies))})."]
    if errors:
        raise Invalid(errors, "Some elections cannot be accepted; see errors.")
    return rows, currencies.pop() if currencies else current_tenant().currency


def submit_enrollment(window_id, employee_id, elections: list[dict], access) -> Enrollment:
    """Record an employee's elections for a window, replacing their previous
    submission in it. The caller retries on IntegrityError (a concurrent twin)."""
    window, employee = enrollment_target(window_id, employee_id, access)
    rows, currency = price_elections(window, employee, elections)
    previous = current_enrollment(employee.id, window.id)
    if previous is not None:
        # Conditional on the status, so two concurrent submissions cannot both replace it.
        db.session.execute(sa.update(Enrollment).where(Enrollment.id == previous.id, Enrollment.status == "submitted")
                           .values(status="replaced", ended_at=utcnow()).execution_options(synchronize_session=False))
    enrollment = Enrollment(employee_id=employee.id, window_id=window.id, status="submitted",
                            currency=currency, pay_periods=pay_periods(), submitted_by=actor_id(),
                            replaces_id=previous.id if previous else None, elections=rows)
    db.session.add(enrollment)
    db.session.flush()
    on_behalf = not access.is_self(employee.id)
    audit.record("benefits.enrollment.replace" if previous else "benefits.enrollment.submit", enrollment, {
        "employee_id": employee.id, "window_id": window.id, "on_behalf": on_behalf,
        "replaces_id": previous.id if previous else None,
        "elections": [f"{r.plan_id}:{'waived' if r.waived else r.tier}" for r in rows],
        "employee_cost_total": enrollment.total("employee_cost")})
    emit_event("enrollment.submitted", {
        "id": enrollment.id, "employee_id": employee.id, "window_id": window.id, "status": enrollment.status,
        "replaces_id": enrollment.replaces_id, "currency": currency, "on_behalf": on_behalf,
        "elections": [{"plan_id": r.plan_id, "tier": None if r.waived else r.tier, "waived": r.waived} for r in rows]},
        resource=f"enrollment:{employee.id}:{window.id}")
    return enrollment


def current_enrollment(employee_id, window_id) -> Enrollment | None:
    return db.session.scalars(sa.select(Enrollment).where(
        Enrollment.employee_id == employee_id, Enrollment.window_id == window_id,
        Enrollment.status == "submitted")).first()


def enrollment_query(window_id=None, employee_id=None, status=None):
    query = sa.select(Enrollment).order_by(Enrollment.created_at.desc(), Enrollment.id.desc()).options(*ENROLLMENT_LOADS)
    if window_id is not None:
        query = query.where(Enrollment.window_id == window_id)
    if employee_id is not None:
        query = query.where(Enrollment.employee_id == employee_id)
    if status:
        query = query.where(Enrollment.status == status)
    return query


def enrollment_for(enrollment_id, access) -> Enrollment:
    enrollment = get_or_404(Enrollment, enrollment_id, "Enrolment not found.", ENROLLMENT_LOADS)
    if not access.can("benefits.manage") and not access.is_self(enrollment.employee_id):
        raise NotFound("Enrolment not found.")
    return enrollment


def coverage(employee: Employee) -> list[Election]:
    """The elections in force or about to start: per plan, the one from the
    submitted enrolment whose coverage starts last, leaving out plans whose
    coverage has ended (or was cancelled before it started)."""
    rows = db.session.execute(
        sa.select(Election, Enrollment, Window)
        .join(Enrollment, sa.and_(Enrollment.tenant_id == Election.tenant_id, Enrollment.id == Election.enrollment_id))
        .join(Window, sa.and_(Window.tenant_id == Enrollment.tenant_id, Window.id == Enrollment.window_id))
        .where(Enrollment.employee_id == employee.id, Enrollment.status == "submitted")
        .order_by(Window.coverage_starts_on, Enrollment.created_at)
        # The rows are all it needs: none of the eager loads these entities have elsewhere.
        .options(sa.orm.lazyload(Enrollment.elections), sa.orm.lazyload(Enrollment.window),
                 sa.orm.lazyload(Enrollment.employee), sa.orm.lazyload(Window.plans),
                 sa.orm.defaultload(Election.plan).lazyload(Plan.tiers))
    ).unique().all()
    today = tenant_today()
    latest = {}
    for election, enrollment, window in rows:
        ends = election.coverage_ends_on
        if ends is None or ends >= max(today, window.coverage_starts_on):
            latest[election.plan_id] = (election, enrollment, window)
    items = []
    for election, enrollment, window in latest.values():
        if election.waived:
            continue
        election.coverage_starts_on = window.coverage_starts_on
        election.in_force = window.coverage_starts_on <= today
        election.window_id = window.id
        items.append(election)
    return items


def end_coverage(employee: Employee):
    """employee_terminated: submitted enrolments end on the termination date
    (the next change file reports them as terminations)."""
    ends_on = employee.termination_date or tenant_today()
    for enrollment in db.session.scalars(enrollment_query(employee_id=employee.id, status="submitted")):
        enrollment.status, enrollment.ended_at, enrollment.coverage_ends_on = "terminated", utcnow(), ends_on
        audit.record("benefits.enrollment.terminate", enrollment, {"coverage_ends_on": ends_on})
    db.session.flush()
