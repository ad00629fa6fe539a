"""Mail to a case's requester, through the outbox, in their language: when it
is opened and on each public staff comment. The subject carries the number;
no comment text ever goes into a message (answers may hold personal data)."""
from hrbpo.plugin_api import User, current_tenant, db, mail


def opened(case):
    _send(case, "servicedesk/mail/opened.txt")


def commented(case):
    _send(case, "servicedesk/mail/commented.txt")


def _send(case, template):
    tenant = current_tenant()
    if case.employee is not None:
        recipient = mail.employee_recipients([case.employee], tenant)[case.employee.id]
    else:
        user = db.session.get(User, case.requester_user_id)
        if user is None:
            return
        recipient = mail.Recipient(user.email, mail.locale_for(user, tenant))
    mail.send(recipient, template, case=case, number=f"HR-{case.number}", tenant=tenant,
              url=mail.link(f"/t/{tenant.slug}/servicedesk/cases/{case.id}"))
