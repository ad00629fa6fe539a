"""The periodic work: overdue detection, reminders and escalations, and the
next occurrence of recurring templates. Run per tenant by the worker, daily (or `flask hrbpo jobs run`).

Each reminder is a row (once per item and kind), a log line, an audit event
and mail (hrbpo.core.mail), one message per person per run in their
language: the employee hears of their items due soon, every HR admin of the
items that just became overdue. A mailed reminder counts as sent once its
mail is; one whose mail failed for good is due again on the next run.
Operator escalations go to the operator work queue only.
"""
import logging
import uuid
from datetime import date, datetime, timedelta

import sqlalchemy as sa

from hrbpo.plugin_api import Employee, audit, db, mail, module_settings, utcnow
from hrbpo.plugins.compliance import recurrence
from hrbpo.plugins.compliance.models import Checklist, ChecklistItem, ChecklistReminder, ChecklistTemplate
from hrbpo.plugins.compliance.services import assign, items_with_checklist, today_for

log = logging.getLogger(__name__)


def _not_sent(kind):
    return ~sa.select(ChecklistReminder.id).where(ChecklistReminder.item_id == ChecklistItem.id,
                                         ChecklistReminder.tenant_id == ChecklistItem.tenant_id, ChecklistReminder.kind == kind).exists()


def operator_threshold(tenant, today: date) -> date:
    """Items due on or before this day are the BPO operator's problem."""
    return today - timedelta(days=module_settings(tenant, "compliance")["escalate_operator_after_days"])


def run_deadlines(tenant, today: date | None = None) -> str:
    """Mark overdue items and send each reminder/escalation that is due, once."""
    today = today or today_for(tenant)
    settings = module_settings(tenant, "compliance")
    marked = db.session.execute(
        sa.update(ChecklistItem).where(ChecklistItem.status == "open", ChecklistItem.due_on < today)
        .values(status="overdue").execution_options(synchronize_session=False)).rowcount
    unresolved = ChecklistItem.status.in_(("open", "overdue"))
    rules = [
        ("reminder", sa.and_(unresolved, ChecklistItem.owner == "employee", ChecklistItem.due_on >= today,
                             ChecklistItem.due_on <= today + timedelta(days=settings["remind_days_before"]))),
        ("escalation_hr", sa.and_(unresolved, ChecklistItem.due_on < today)),
        ("escalation_operator", sa.and_(unresolved, ChecklistItem.due_on <= operator_threshold(tenant, today))),
    ]
    _forget_undelivered()
    counts, mailed = {}, {}
    now, escalation_group, employee_groups = utcnow(), uuid.uuid4(), {}
    for kind, condition in rules:
        due = db.session.scalars(items_with_checklist().where(condition, _not_sent(kind)).order_by(ChecklistItem.due_on)).unique().all()
        mailed[kind] = due
        for item in due:
            if kind == "reminder":
                recipient = item.checklist.employee.email
                group = employee_groups.setdefault(item.checklist.employee_id, uuid.uuid4())
            elif kind == "escalation_hr":
                recipient, group = "hr_admins", escalation_group
            else:
                recipient, group = "operator work queue", None
            db.session.add(ChecklistReminder(item_id=item.id, kind=kind, recipient=recipient, mail_group=group,
                                             sent_at=None if group else now))
            audit.record(f"compliance.{kind}", item, {"recipient": recipient, "due_on": item.due_on,
                                                      "checklist_id": item.checklist_id})
            log.info("compliance %s for %s (%s, due %s) to %s", kind, item.title, tenant.slug, item.due_on, recipient)
        counts[kind] = len(due)
    db.session.flush()
    _mail(tenant, today, mailed["reminder"], mailed["escalation_hr"], employee_groups, escalation_group)
    return f"{marked} newly overdue, " + ", ".join(f"{n} {k}" for k, n in counts.items())


def _forget_undelivered():
    """A reminder or escalation whose every message failed is due again."""
    db.session.execute(sa.delete(ChecklistReminder).where(mail.all_failed(ChecklistReminder.mail_group))
                       .execution_options(synchronize_session=False))


def _mail(tenant, today: date, reminders: list, escalations: list, employee_groups: dict, escalation_group):
    """One digest per employee (their items due soon) and per HR admin (items just
    overdue), each in the group its reminders point at."""
    url = mail.link(f"/t/{tenant.slug}/compliance/")
    mine = {}
    for item in reminders:
        mine.setdefault(item.checklist.employee_id, []).append(item)
    employees = {items[0].checklist.employee.id: items[0].checklist.employee for items in mine.values()}
    for employee_id, recipient in mail.employee_recipients(employees.values(), tenant).items():
        mail.send(recipient, "compliance/mail/reminder.txt", group=employee_groups[employee_id],
                  employee=employees[employee_id], items=mine[employee_id], tenant=tenant, today=today, url=url)
    if escalations:
        for recipient in mail.hr_admins(tenant):
            mail.send(recipient, "compliance/mail/escalation.txt", group=escalation_group, items=escalations,
                      tenant=tenant, today=today, url=url)


def run_recurrence(tenant, now: datetime | None = None) -> str:
    """Give each active employee in a recurring template's series the latest
    occurrence they do not have yet (a missed run catches up once, not N times)."""
    now = now or utcnow()
    templates = db.session.scalars(sa.select(ChecklistTemplate).where(
        ChecklistTemplate.recurrence.is_not(None), ChecklistTemplate.active.is_(True))).all()
    made = 0
    for template in templates:
        anchor = today_for(tenant, template.created_at)
        occurrence = recurrence.latest_occurrence(template.recurrence, anchor, tenant.timezone or "UTC", now)
        if occurrence is None:
            continue
        behind = db.session.scalars(
            sa.select(Employee).join(Checklist, sa.and_(Checklist.employee_id == Employee.id,
                                                        Checklist.tenant_id == Employee.tenant_id))
            .where(Checklist.template_id == template.id, Employee.status == "active")
            .group_by(Employee.tenant_id, Employee.id)
            .having(sa.func.max(Checklist.occurrence_on) < occurrence)).all()
        made += len(assign(template, behind, occurrence, "recurrence")) if behind else 0
    return f"{made} recurring checklists"


def operator_queue(tenant, limit=200) -> list:
    """Unresolved items overdue long enough to be the operator's to chase."""
    threshold = operator_threshold(tenant, today_for(tenant))
    return db.session.scalars(items_with_checklist().where(ChecklistItem.status.in_(("open", "overdue")),
                                             ChecklistItem.due_on <= threshold)
                              .order_by(ChecklistItem.due_on, ChecklistItem.id).limit(limit)).unique().all()
