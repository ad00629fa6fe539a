"""Benefits rules: plans, windows, dependants, eligibility, tier rules,
enrolment (with replacement) and life events."""
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import g, has_request_context

from hrbpo.core import audit
from hrbpo.core.db import db, get_or_404, utcnow
from hrbpo.core.errors import Conflict, Invalid, NotFound
from hrbpo.core.people.models import Employee
from hrbpo.core.people.services import current_tenant
from hrbpo.core.tenants.models import TenantModule
from hrbpo.core.tenants.services import module_settings
from hrbpo.plugins.benefits.models import (Dependent, Election, Enrollment, LifeEvent, Plan, PlanTier, Window,
                                           window_plans)
from hrbpo.plugins.benefits.money import PAY_PERIODS, cost

MODULE = "benefits"
# Days to report a life event, and days its window stays open once HR
# approves it (the rule most plans follow): 30, or 60 for a birth or adoption.
LIFE_EVENT_DAYS = {"birth": 60, "adoption": 60}
DEFAULT_LIFE_EVENT_DAYS = 30
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
    before = settings()
    row.settings = {**(row.settings or {}), **changes}
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


# --- Plans


def create_plan(data: dict) -> Plan:
    tiers = data.pop("tiers")
    data.setdefault("currency", None)
    data["currency"] = data["currency"] or current_tenant().currency
    plan = Plan(**data)
    plan.tiers = [PlanTier(position=i, **_tier_fields(t)) for i, t in enumerate(tiers)]
    db.session.add(plan)
    db.session.flush()
    audit.record("benefits.plan.create", plan, {"name": plan.name, "kind": plan.kind, "carrier": plan.carrier,
                                                "tiers": [t["tier"] for t in tiers]})
    return plan


def _tier_fields(tier: dict) -> dict:
    bands = tier.get("age_bands") or None
    if bands:
        bands = sorted(({**b, "employee_cost": str(b["employee_cost"]), "employer_cost": str(b["employer_cost"])}
                        for b in bands), key=lambda b: b["min_age"])
        for band in bands:
            if band["max_age"] < band["min_age"]:
                raise Invalid({"tiers": ["An age band's max_age must not be below its min_age."]})
    return {**tier, "age_bands": bands}


def _price_list(tiers) -> dict:
    """Tier → "employee/employer per period" (what the audit log shows of a price change)."""
    return {t.tier if isinstance(t, PlanTier) else t["tier"]: _price_text(t) for t in tiers}


def _price_text(tier) -> str:
    get = (lambda k: getattr(tier, k)) if isinstance(tier, PlanTier) else tier.get
    text = f"{Decimal(get('employee_cost')):.2f}/{Decimal(get('employer_cost')):.2f} per {get('period')}"
    bands = sorted(get("age_bands") or [], key=lambda b: b["min_age"])
    return text + "".join(f"; age {b['min_age']}-{b['max_age']}: {Decimal(b['employee_cost']):.2f}/"
                          f"{Decimal(b['employer_cost']):.2f}" for b in bands)


def _elected(plan_id, window_id=None) -> int:
    """How many current (submitted) enrolments elect or waive this plan, in one window or any."""
    query = (sa.select(sa.func.count()).select_from(Election)
             .join(Enrollment, sa.and_(Enrollment.tenant_id == Election.tenant_id,
                                       Enrollment.id == Election.enrollment_id))
             .where(Election.plan_id == plan_id, Enrollment.status == "submitted"))
    if window_id is not None:
        query = query.where(Enrollment.window_id == window_id)
    return db.session.scalar(query)


def update_plan(plan: Plan, changes: dict) -> Plan:
    """Apply a PATCH. Sent `tiers` replace the price list; submitted elections
    keep the prices they were priced at, so only later submissions see it."""
    changes = dict(changes)
    if changes.get("kind", plan.kind) != plan.kind:
        raise Invalid({"kind": ["A plan's kind cannot change: archive this plan and add a new one."]})
    changes.pop("kind", None)
    if changes.get("currency", plan.currency) != plan.currency and _elected(plan.id):
        raise Conflict(f"{plan.name} has been elected already, so its currency cannot change: "
                       f"archive it and add a plan in the new currency.")
    starts = changes.get("plan_year_starts_on", plan.plan_year_starts_on)
    ends = changes.get("plan_year_ends_on", plan.plan_year_ends_on)
    if starts and ends and ends < starts:
        raise Invalid({"plan_year_ends_on": ["Must not be before plan_year_starts_on."]})
    tiers = changes.pop("tiers", None)
    diff = {}
    for key, value in changes.items():
        if getattr(plan, key) != value:
            diff[key] = [getattr(plan, key), value]
            setattr(plan, key, value)
    if {"plan_year_starts_on", "plan_year_ends_on"} & set(diff):
        clash = next((w for w in _windows_offering(plan) if not plan.in_plan_year(w.coverage_starts_on)), None)
        if clash is not None:
            raise Conflict(f"{clash.name} offers {plan.name} with coverage starting "
                           f"{clash.coverage_starts_on.isoformat()}, outside the new plan year: change that "
                           f"window first.")
    if tiers is not None and _price_list(plan.tiers) != _price_list(tiers):
        diff["tiers"] = [_price_list(plan.tiers), _price_list(tiers)]
        _replace_tiers(plan, tiers)
    if diff:
        db.session.flush()
        audit.record("benefits.plan.update", plan, diff)
    return plan


def _windows_offering(plan: Plan) -> list[Window]:
    """Windows that offer the plan and have not ended."""
    offering = sa.select(window_plans.c.window_id).where(window_plans.c.plan_id == plan.id)
    return db.session.scalars(sa.select(Window).where(Window.id.in_(offering), Window.closed_at.is_(None),
                                                      Window.ends_on >= tenant_today())).all()


def _replace_tiers(plan: Plan, tiers: list[dict]):
    """Update the tier rows in place (one row per tier name, a unique key), add
    new ones, drop the ones no longer sent."""
    rows = {t.tier: t for t in plan.tiers}
    kept = []
    for i, data in enumerate(tiers):
        fields = _tier_fields(data)
        row = rows.pop(fields["tier"], None) or PlanTier(tier=fields["tier"])
        for key, value in {**fields, "position": i}.items():
            setattr(row, key, value)
        kept.append(row)
    for row in rows.values():
        db.session.delete(row)
    db.session.flush()  # the deletes first: a tier name may come back in the same change
    plan.tiers = kept


def set_archived(plan: Plan, archived: bool) -> Plan:
    """Archive (offered in no new window; coverage already chosen stays) or bring back."""
    if (plan.archived_at is not None) == archived:
        raise Conflict(f"{plan.name} is already {plan.status}.")
    plan.archived_at = utcnow() if archived else None
    db.session.flush()
    audit.record("benefits.plan.archive" if archived else "benefits.plan.unarchive", plan, {"name": plan.name})
    return plan


def plan_query(status="active"):
    """Plans by name: `active` (the default), `archived` or `all`."""
    query = sa.select(Plan).order_by(Plan.name, Plan.id)
    if status == "active":
        query = query.where(Plan.archived_at.is_(None))
    elif status == "archived":
        query = query.where(Plan.archived_at.is_not(None))
    return query


def find_plans(ids) -> dict:
    return {p.id: p for p in db.session.scalars(sa.select(Plan).where(Plan.id.in_(list(ids))))}


def offerable(plan_ids, coverage_starts_on: date, already=()) -> dict:
    """The plans `plan_ids` as {id: Plan}, checked: this tenant's, not archived
    (unless `already` offered), their plan year covering `coverage_starts_on`."""
    plans = find_plans(plan_ids)
    errors = []
    for plan_id in plan_ids:
        plan = plans.get(plan_id)
        if plan is None:
            errors.append(f"No plan with id {plan_id} in this tenant.")
        elif plan.archived_at is not None and plan_id not in already:
            errors.append(f"{plan.name} is archived, so no new window can offer it.")
        elif not plan.in_plan_year(coverage_starts_on):
            errors.append(f"{plan.name}'s plan year runs {_plan_year_text(plan)}: coverage starting "
                          f"{coverage_starts_on.isoformat()} falls outside it.")
    if errors:
        raise Invalid({"plan_ids": errors})
    return plans


def _plan_year_text(plan: Plan) -> str:
    starts, ends = plan.plan_year_starts_on, plan.plan_year_ends_on
    return f"from {starts.isoformat() if starts else 'any date'} to {ends.isoformat() if ends else 'any date'}"


# --- Windows


def create_window(data: dict) -> Window:
    plan_ids = data.pop("plan_ids")
    offerable(plan_ids, data["coverage_starts_on"])
    if data.get("employee_id") and db.session.scalars(
            sa.select(Employee.id).where(Employee.id == data["employee_id"])).first() is None:
        raise Invalid({"employee_id": ["No employee with this id in this tenant."]})
    if data["kind"] == "open":
        data["employee_id"] = None
    window = Window(**data)
    db.session.add(window)
    db.session.flush()
    _set_window_plans(window, added=plan_ids)
    audit.record("benefits.window.create", window, {
        "name": window.name, "kind": window.kind, "starts_on": window.starts_on, "ends_on": window.ends_on,
        "plan_ids": [str(p) for p in plan_ids], "employee_id": window.employee_id})
    return window


def _set_window_plans(window: Window, added=(), removed=()):
    if removed:
        db.session.execute(sa.delete(window_plans).where(window_plans.c.tenant_id == window.tenant_id,
                                                         window_plans.c.window_id == window.id,
                                                         window_plans.c.plan_id.in_(list(removed))))
    if added:
        db.session.execute(window_plans.insert(), [
            {"tenant_id": window.tenant_id, "window_id": window.id, "plan_id": pid} for pid in added])
    db.session.expire(window, ["plans"])


def _submitted_count(window: Window) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Enrollment).where(
        Enrollment.window_id == window.id, Enrollment.status == "submitted"))


def update_window(window: Window, changes: dict) -> Window:
    """Apply a PATCH (name, dates, coverage start, plan set), refusing what
    would contradict enrolments already made in it."""
    changes = dict(changes)
    plan_ids = changes.pop("plan_ids", None)
    changes = {k: v for k, v in changes.items() if getattr(window, k) != v}
    for fixed in ("kind", "employee_id"):
        if fixed in changes:
            raise Invalid({fixed: [f"A window's {fixed.replace('_', ' ')} cannot change: open a new window."]})
    current = set(window.plan_ids)
    added = [p for p in plan_ids if p not in current] if plan_ids is not None else []
    removed = current - set(plan_ids) if plan_ids is not None else set()
    if window.closed_at is not None and (set(changes) - {"name"} or added or removed):
        raise Conflict(f"{window.name} was closed early, so only its name can change: open a new window instead.")
    starts = changes.get("starts_on", window.starts_on)
    ends = changes.get("ends_on", window.ends_on)
    if ends < starts:
        raise Invalid({"ends_on": ["Must be on or after starts_on."]})
    enrolled = _submitted_count(window) if set(changes) & {"starts_on", "coverage_starts_on"} or removed else 0
    if "coverage_starts_on" in changes and enrolled:
        raise Conflict(f"{enrolled} employee(s) have enrolled in this window already; their prices and dependants "
                       f"were checked for coverage starting {window.coverage_starts_on.isoformat()}, so that date "
                       f"can no longer change. Close this window and open a new one.")
    if "starts_on" in changes and enrolled and starts > tenant_today():
        raise Conflict(f"{enrolled} employee(s) have enrolled in this window already, so it cannot start later "
                       f"than today.")
    for plan_id in removed:
        count = _elected(plan_id, window.id)
        if count:
            plan = find_plans([plan_id])[plan_id]
            raise Conflict(f"{plan.name} cannot be removed from this window: {count} employee(s) have elected "
                           f"or waived it here. They would have to change their elections first.")
    if "coverage_starts_on" in changes:  # every plan must suit the new date
        offerable(list(current - removed) + added, changes["coverage_starts_on"], already=current)
    elif added:
        offerable(added, window.coverage_starts_on)
    diff = {k: [getattr(window, k), v] for k, v in changes.items()}
    for key, value in changes.items():
        setattr(window, key, value)
    if added or removed:
        diff["plan_ids"] = [sorted(str(p) for p in current), sorted(str(p) for p in plan_ids)]
        _set_window_plans(window, added, removed)
    if diff:
        db.session.flush()
        audit.record("benefits.window.update", window, diff)
    return window


def close_window(window: Window) -> Window:
    """Close a window before its end date: from now on nobody can change elections in it."""
    today = tenant_today()
    if window.closed_at is not None:
        raise Conflict(f"{window.name} is already closed.")
    if window.ends_on < today:
        raise Conflict(f"{window.name} already ended on {window.ends_on.isoformat()}.")
    window.closed_at = utcnow()
    db.session.flush()
    audit.record("benefits.window.close", window, {"ends_on": window.ends_on, "enrolled": _submitted_count(window)})
    return window


def window_query(employee_id=None, kind=None):
    """Windows newest first; for an employee, open enrolment and their own."""
    query = sa.select(Window).order_by(Window.starts_on.desc(), Window.id.desc())
    if employee_id is not None:
        query = query.where(sa.or_(Window.employee_id.is_(None), Window.employee_id == employee_id))
    if kind:
        query = query.where(Window.kind == kind)
    return query


def window_for(window_id, employee_id=None) -> Window:
    """A window the caller may see (an employee: not someone else's personal window)."""
    window = get_or_404(Window, window_id, "Enrolment window not found.")
    if employee_id is not None and window.employee_id not in (None, employee_id):
        raise NotFound("Enrolment window not found.")
    return window


def open_personal_window(employee: Employee, kind: str, name: str, days: int, coverage_starts_on: date,
                         exclude=()) -> Window | None:
    """A new-hire or life-event window for one employee with every plan they
    may have (less `exclude`, plan ids offered elsewhere)."""
    today = tenant_today()
    plans = [p for p in db.session.scalars(plan_query()) if p.id not in exclude and p.in_plan_year(coverage_starts_on)
             and not ineligibility(p, employee, coverage_starts_on)]
    if not plans:
        return None
    return create_window({"name": name, "kind": kind, "starts_on": today, "ends_on": today + timedelta(days=days),
                          "coverage_starts_on": coverage_starts_on, "employee_id": employee.id,
                          "plan_ids": [p.id for p in plans]})


def first_of_next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def open_new_hire_windows(employee: Employee) -> list[Window]:
    """New-hire windows, open from today: coverage starts on the first of the
    month after the later of hire date and today or, for a plan with a waiting
    period, after the period ends; one window per such start date."""
    today, days = tenant_today(), settings()["new_hire_window_days"]
    starts = sorted({first_of_next_month(max(today, employee.hire_date + timedelta(days=p.waiting_days or 0)))
                     for p in db.session.scalars(plan_query())})
    windows = []
    for i, coverage_starts_on in enumerate(starts):
        name = f"New hire enrolment: {employee.full_name}" + (f" (from {coverage_starts_on.isoformat()})" if i else "")
        window = open_personal_window(employee, "new_hire", name, days, coverage_starts_on,
                                      exclude=[p for w in windows for p in w.plan_ids])
        windows += [window] if window is not None else []
    return windows


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
    return enrollment


def current_enrollment(employee_id, window_id) -> Enrollment | None:
    return db.session.scalars(sa.select(Enrollment).where(
        Enrollment.employee_id == employee_id, Enrollment.window_id == window_id,
        Enrollment.status == "submitted")).first()


def enrollment_query(window_id=None, employee_id=None, status=None):
    query = sa.select(Enrollment).order_by(Enrollment.created_at.desc(), Enrollment.id.desc())
    if window_id is not None:
        query = query.where(Enrollment.window_id == window_id)
    if employee_id is not None:
        query = query.where(Enrollment.employee_id == employee_id)
    if status:
        query = query.where(Enrollment.status == status)
    return query


def enrollment_for(enrollment_id, access) -> Enrollment:
    enrollment = get_or_404(Enrollment, enrollment_id, "Enrolment not found.")
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


# --- Life events


def life_event_days(kind: str) -> int:
    return LIFE_EVENT_DAYS.get(kind, DEFAULT_LIFE_EVENT_DAYS)


def report_life_event(employee: Employee, data: dict, evidence=None) -> LifeEvent:
    today = tenant_today()
    if data["event_date"] > today + timedelta(days=90):
        raise Invalid({"event_date": ["Report an event at most 90 days ahead."]})
    limit, ago = life_event_days(data["kind"]), (today - data["event_date"]).days
    if ago > limit:
        raise Invalid({"event_date": [
            f"Too late: a {'birth or adoption' if limit > DEFAULT_LIFE_EVENT_DAYS else 'life event like this'} must "
            f"be reported within {limit} days, and this one was {ago} days ago ({data['event_date'].isoformat()}). "
            f"You can change your benefits at the next open enrolment; ask HR if you think an exception applies."]})
    event = LifeEvent(employee_id=employee.id, kind=data["kind"], event_date=data["event_date"],
                      note=data.get("note"), evidence_file_id=evidence.id if evidence else None)
    db.session.add(event)
    db.session.flush()
    audit.record("benefits.life_event.report", event, {"employee_id": employee.id, "kind": event.kind,
                                                       "event_date": event.event_date})
    return event


def life_event_query(employee_id=None, status=None):
    query = sa.select(LifeEvent).order_by(LifeEvent.created_at.desc(), LifeEvent.id.desc())
    if employee_id is not None:
        query = query.where(LifeEvent.employee_id == employee_id)
    if status:
        query = query.where(LifeEvent.status == status)
    return query


def decide_life_event(event: LifeEvent, approve: bool, note=None) -> LifeEvent:
    """Approve (opening the employee's window) or reject a pending life event."""
    if event.status != "pending":
        raise Conflict(f"This life event was already {event.status}.")
    if approve:
        days = life_event_days(event.kind)
        # Newborns and adopted children are covered from the day; other events from next month.
        starts = event.event_date if event.kind in LIFE_EVENT_DAYS else first_of_next_month(tenant_today())
        label = event.kind.replace("_", " ")
        window = open_personal_window(event.employee, "life_event", f"Life event ({label}): {event.employee.full_name}",
                                      days, starts)
        if window is None:
            raise Conflict("There are no plans this employee is eligible for: add plans first.")
        event.window_id = window.id
    event.status, event.decided_by, event.decided_at = ("approved" if approve else "rejected"), actor_id(), utcnow()
    event.note = note or event.note
    db.session.flush()
    audit.record(f"benefits.life_event.{event.status}", event, {"window_id": event.window_id, "note": note})
    from hrbpo.plugins.benefits import notices  # notices builds on this module

    if approve:
        notices.window_opened(window, event.employee, "life_event")
    else:
        notices.life_event_rejected(event)
    return event
