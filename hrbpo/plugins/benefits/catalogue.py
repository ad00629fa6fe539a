"""The plan catalogue and the enrolment windows: adding, changing,
archiving plans; opening, changing, closing windows, new-hire windows."""
from datetime import date, timedelta
from decimal import Decimal

import sqlalchemy as sa

from hrbpo.plugin_api import N_, Conflict, Employee, Invalid, audit, current_tenant, db, lock, utcnow
from hrbpo.plugins.benefits.models import Election, Enrollment, Plan, PlanTier, Window, window_plans
from hrbpo.plugins.benefits.services import ineligibility, settings, tenant_today


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
    if (lock(plan).archived_at is not None) == archived:
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
    refuse_overlap(data["kind"], data.get("employee_id"), data["starts_on"], data["ends_on"], plan_ids)
    window = Window(**data)
    db.session.add(window)
    db.session.flush()
    _set_window_plans(window, added=plan_ids)
    audit.record("benefits.window.create", window, {
        "name": window.name, "kind": window.kind, "starts_on": window.starts_on, "ends_on": window.ends_on,
        "plan_ids": [str(p) for p in plan_ids], "employee_id": window.employee_id})
    return window


def refuse_overlap(kind, employee_id, starts: date, ends: date, plan_ids, window_id=None):
    """Two windows of one kind on the same days would ask the same people for two sets of elections.
    Open enrolment windows may not overlap at all; an employee's own (new-hire, life-event) windows
    only when they offer a plan in common (their own rules open one per coverage start or plan set)."""
    query = (sa.select(Window.name).where(Window.kind == kind, Window.closed_at.is_(None),
                                          Window.starts_on <= ends, Window.ends_on >= starts)
             .order_by(Window.starts_on).limit(1))
    if window_id is not None:
        query = query.where(Window.id != window_id)
    if employee_id is None:
        query = query.where(Window.employee_id.is_(None))
    else:
        query = query.where(Window.employee_id == employee_id, Window.id.in_(
            sa.select(window_plans.c.window_id).where(window_plans.c.plan_id.in_(list(plan_ids)))))
    other = db.session.scalar(query)
    if other is not None:
        raise Invalid({"starts_on": [N_("Another window of this kind is open on some of these days: choose dates "
                                        "outside it.")]},
                      f"The dates overlap {other}, another {kind} window.")


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
    lock(window)
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
    if set(changes) & {"starts_on", "ends_on"} or added:
        refuse_overlap(window.kind, window.employee_id, starts, ends, list(current - removed) + added, window.id)
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
    if lock(window).closed_at is not None:
        raise Conflict(f"{window.name} is already closed.")
    if window.ends_on < today:
        raise Conflict(f"{window.name} already ended on {window.ends_on.isoformat()}.")
    window.closed_at = utcnow()
    db.session.flush()
    audit.record("benefits.window.close", window, {"ends_on": window.ends_on, "enrolled": _submitted_count(window)})
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
