"""What benefits writes to employees (hrbpo.core.mail), each in their own
language: a reminder before a window closes, a personal window opening,
coverage ending, a life event turned down. Messages link to the portal and
carry no national ids or dates of birth."""
import logging
import uuid
from datetime import timedelta

import sqlalchemy as sa

from hrbpo.plugin_api import Employee, audit, current_tenant, db, mail
from hrbpo.plugins.benefits import reports, services
from hrbpo.plugins.benefits.models import EnrollmentReminder, Window

log = logging.getLogger(__name__)


def _portal(tenant, path=""):
    return mail.link(f"/t/{tenant.slug}/benefits/{path}")


def _send(employee, template, **context):
    tenant = current_tenant()
    recipient = mail.employee_recipients([employee], tenant)[employee.id]
    mail.send(recipient, template, employee=employee, tenant=tenant, **context)


def window_opened(window: Window, employee: Employee, reason: str):
    """A new-hire, life-event or newly-eligible window opened for `employee`."""
    _send(employee, "benefits/mail/window_opened.txt", window=window, reason=reason,
          url=_portal(current_tenant(), f"enrol/{window.id}"))


def coverage_ending(employee: Employee, ending: list):
    """`ending`: (plan, last day covered) for plans the employee lost eligibility for."""
    _send(employee, "benefits/mail/coverage_ending.txt", ending=ending, url=_portal(current_tenant()))


def life_event_rejected(event):
    _send(event.employee, "benefits/mail/life_event_rejected.txt", event=event, url=_portal(current_tenant()))


def send_reminders(tenant) -> str:
    """Periodic: mail employees who have not enrolled in a window closing soon
    (once per window; again if that mail failed for good)."""
    db.session.execute(sa.delete(EnrollmentReminder).where(mail.all_failed(EnrollmentReminder.mail_group))
                       .execution_options(synchronize_session=False))  # their mail failed: due again
    today = services.tenant_today()
    horizon = today + timedelta(days=services.settings()["reminder_days_before_end"])
    windows = db.session.scalars(sa.select(Window).where(Window.open_on(today), Window.ends_on <= horizon)).all()
    sent = 0
    for window in windows:
        reminded = sa.select(EnrollmentReminder.employee_id).where(EnrollmentReminder.window_id == window.id)
        waiting = db.session.scalars(reports.not_started(window).where(Employee.id.not_in(reminded))).all()
        recipients = mail.employee_recipients(waiting, tenant)
        url = _portal(tenant, f"enrol/{window.id}")
        for employee in waiting:
            reminder = EnrollmentReminder(employee_id=employee.id, window_id=window.id, mail_group=uuid.uuid4())
            db.session.add(reminder)
            db.session.flush()
            audit.record("benefits.reminder", reminder, {"employee_id": employee.id, "window": window.name,
                                                         "ends_on": window.ends_on})
            mail.send(recipients[employee.id], "benefits/mail/reminder.txt", group=reminder.mail_group,
                      employee=employee, window=window, tenant=tenant, url=url)
            log.info("benefits reminder: tenant %s employee %s window %s ends %s", tenant.slug, employee.id,
                     window.id, window.ends_on)
            sent += 1
    return f"{sent} reminder(s)"
