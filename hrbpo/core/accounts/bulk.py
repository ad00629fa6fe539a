"""Inviting a tenant's employees in bulk (from the employee list or after an
import): a job, since a workforce can be thousands of mails."""
import sqlalchemy as sa

from hrbpo.core.accounts import invitations
from hrbpo.core.accounts.models import Invitation
from hrbpo.core.auth.models import Membership, User
from hrbpo.core.db import db, utcnow
from hrbpo.core.jobs import job_kind, submit
from hrbpo.core.people.models import Employee

KIND = "accounts.invite_employees"


def uninvited_employees():
    """Active employees of the current tenant with an address, no login here
    and no pending invitation (the same statement counts and selects them)."""
    linked = sa.select(Membership.employee_id).where(Membership.employee_id.is_not(None))
    member_emails = sa.select(User.email).join(Membership, Membership.user_id == User.id)
    operators = sa.select(User.email).where(User.is_operator.is_(True))
    pending = sa.select(Invitation.email).where(Invitation.tenant_id == Employee.tenant_id,
                                                Invitation.stored_status == "pending", Invitation.expires_at > utcnow())
    return (sa.select(Employee).where(Employee.status == "active", Employee.email.is_not(None),
                                      Employee.id.not_in(linked), sa.func.lower(Employee.email).not_in(member_emails),
                                      sa.func.lower(Employee.email).not_in(operators),
                                      sa.func.lower(Employee.email).not_in(pending))
            .order_by(Employee.last_name, Employee.first_name))


def count_uninvited():
    return sa.select(sa.func.count()).select_from(uninvited_employees().subquery())


def submit_bulk(tenant, inviter, base: str):
    """Queue the invitations of every uninvited employee: (job, how many)."""
    count = db.session.scalar(count_uninvited())
    return submit(KIND, {"base": base}, tenant=tenant, created_by=inviter.id, total=count), count


@job_kind(KIND, retries=1, permission="users.manage")
def invite_employees(run) -> dict:
    inviter = db.session.get(User, run.created_by) if run.created_by else None
    employees = db.session.scalars(uninvited_employees()).all()
    for done, employee in enumerate(employees, 1):
        invitations.invite(run.tenant, employee.email, "employee", employee.id, inviter, run.params["base"])
        run.progress(done, len(employees))
    return {"invited": len(employees), "summary": f"{len(employees)} employee(s) invited"}
