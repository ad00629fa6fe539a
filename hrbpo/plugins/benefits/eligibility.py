"""Eligibility that follows the employee record.

When `employee_updated` changes hours, employment type or hire date, every
active plan is judged again, before and after, for coverage starting on the
first of next month:

- newly eligible: a personal window (kind `life_event`: a change in
  employment status is a qualifying event) opens for those plans for the
  tenant's `new_hire_window_days`, unless a window open to the employee
  already offers them;
- no longer eligible: the plan's coverage ends on the last day of this month
  (or is cancelled if it had not started), the next 834 change file tells the
  carrier, and the change waits in HR's review list (dashboard, operator work
  queue).

A rehire (status back to active) gets new-hire windows. The employee is told
by mail; every change is audited.
"""
from datetime import date, timedelta
from types import SimpleNamespace

import sqlalchemy as sa

from hrbpo.plugin_api import Conflict, Employee, audit, db, get_or_404, lock, utcnow
from hrbpo.plugins.benefits import catalogue, notices, services
from hrbpo.plugins.benefits.models import EligibilityChange, Election, Enrollment, Window

FIELDS = ("employment_type", "hours_per_week", "hire_date")


def employee_changed(employee: Employee, changes: dict):
    """The `employee_updated` handler."""
    if changes.get("status") == ["terminated", "active"]:
        for window in catalogue.open_new_hire_windows(employee):
            notices.window_opened(window, employee, "new_hire")
        return
    fields = [f for f in FIELDS if f in changes]
    if not fields or employee.status != "active":
        return
    before = SimpleNamespace(**{f: getattr(employee, f) for f in FIELDS})
    for field in fields:
        setattr(before, field, changes[field][0])
    starts = catalogue.first_of_next_month(max(services.tenant_today(), employee.hire_date))
    gained, lost = [], []
    for plan in db.session.scalars(catalogue.plan_query()):
        was_eligible = services.ineligibility(plan, before, starts) is None
        problem = services.ineligibility(plan, employee, starts)
        if was_eligible and problem:
            lost.append((plan, problem))
        elif not was_eligible and problem is None and plan.in_plan_year(starts):
            gained.append(plan)
    if lost:
        _end_coverage(employee, lost, fields)
    if gained:
        _offer(employee, gained, fields, starts)


def last_day_of_month(day: date) -> date:
    return catalogue.first_of_next_month(day) - timedelta(days=1)


def _end_coverage(employee: Employee, lost: list, fields: list):
    """End the employee's coverage under plans they are no longer eligible for."""
    ends = last_day_of_month(services.tenant_today())
    rows = db.session.execute(
        sa.select(Election, Window.coverage_starts_on)
        .join(Enrollment, sa.and_(Enrollment.tenant_id == Election.tenant_id, Enrollment.id == Election.enrollment_id))
        .join(Window, sa.and_(Window.tenant_id == Enrollment.tenant_id, Window.id == Enrollment.window_id))
        .where(Enrollment.employee_id == employee.id, Enrollment.status == "submitted",
               Election.plan_id.in_([plan.id for plan, _ in lost]), Election.waived.is_(False),
               Election.coverage_ends_on.is_(None))).all()
    now, last_day = utcnow(), {}
    for election, coverage_starts_on in rows:
        # Coverage that had not started by then never starts: it ends the day before.
        election.coverage_ends_on = ends if ends >= coverage_starts_on else coverage_starts_on - timedelta(days=1)
        election.ended_at = now
        last_day[election.plan_id] = max(last_day.get(election.plan_id, election.coverage_ends_on),
                                         election.coverage_ends_on)
    ending = []
    for plan, reason in lost:
        if plan.id not in last_day:
            continue  # not covered: nothing to end
        change = EligibilityChange(employee_id=employee.id, plan_id=plan.id, change="lost", reason=reason[:300],
                                   fields=fields, effective_on=last_day[plan.id])
        db.session.add(change)
        db.session.flush()
        audit.record("benefits.eligibility.lost", change, {
            "employee_id": employee.id, "plan": plan.name, "coverage_ends_on": last_day[plan.id], "fields": fields})
        ending.append((plan, last_day[plan.id]))
    if ending:
        notices.coverage_ending(employee, ending)


def _offer(employee: Employee, gained: list, fields: list, starts: date):
    """Open a window for newly eligible plans that no open window offers the employee yet."""
    offered = {}
    today = services.tenant_today()
    for window in db.session.scalars(services.window_query(employee.id).where(Window.open_on(today))):
        for plan in window.plans:
            offered.setdefault(plan.id, window)
    fresh = [p for p in gained if p.id not in offered]
    window = None
    if fresh:
        window = catalogue.create_window({
            "name": f"Newly eligible: {employee.full_name}", "kind": "life_event", "starts_on": today,
            "ends_on": today + timedelta(days=services.settings()["new_hire_window_days"]),
            "coverage_starts_on": starts, "employee_id": employee.id, "plan_ids": [p.id for p in fresh]})
    told = {}
    for plan in gained:
        where = offered.get(plan.id, window)
        change = EligibilityChange(employee_id=employee.id, plan_id=plan.id, change="gained", fields=fields,
                                   reason=f"Eligible for coverage starting {starts.isoformat()}.",
                                   effective_on=starts, window_id=where.id)
        db.session.add(change)
        db.session.flush()
        audit.record("benefits.eligibility.gained", change, {
            "employee_id": employee.id, "plan": plan.name, "window_id": where.id, "fields": fields})
        told[where.id] = where
    for where in told.values():
        notices.window_opened(where, employee, "eligibility")


# --- HR's review list


def change_query(change=None, reviewed=None, employee_id=None):
    query = sa.select(EligibilityChange).order_by(EligibilityChange.created_at.desc(), EligibilityChange.id.desc())
    if change:
        query = query.where(EligibilityChange.change == change)
    if reviewed is not None:
        query = query.where(EligibilityChange.reviewed_at.is_not(None) if reviewed
                            else EligibilityChange.reviewed_at.is_(None))
    if employee_id is not None:
        query = query.where(EligibilityChange.employee_id == employee_id)
    return query


def to_review():
    """Lost eligibility HR has not looked at yet."""
    return change_query(change="lost", reviewed=False)


def review(change_id) -> EligibilityChange:
    """HR has seen the change (and, say, told the employee about continuation cover)."""
    change = lock(get_or_404(EligibilityChange, change_id, "Eligibility change not found."))
    if change.reviewed_at is not None:
        raise Conflict("This eligibility change was already reviewed.")
    change.reviewed_at, change.reviewed_by = utcnow(), services.actor_id()
    db.session.flush()
    audit.record("benefits.eligibility.review", change, {"employee_id": change.employee_id,
                                                         "change": change.change})
    return change
