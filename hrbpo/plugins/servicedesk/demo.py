"""Demo records (`flask hrbpo demo`): two categories, an article and, for the
first employee with a login, a case with an HR answer and an internal note."""
import sqlalchemy as sa

from hrbpo.plugin_api import Access, Membership, User, db
from hrbpo.plugins.servicedesk import articles, cases, categories


def seed_demo(tenant):
    payroll = categories.create({"name": "Payroll", "first_response_hours": 4, "resolution_hours": 16,
                                 "targets_by_priority": {"urgent": {"first_response_hours": 1,
                                                                    "resolution_hours": 4}}})
    categories.create({"name": "Contracts", "first_response_hours": 8, "resolution_hours": 40})
    articles.create({"title": "When is payday?", "body": "Salaries are paid on the 25th of each month.",
                     "locale": "en"})
    member = db.session.scalars(sa.select(Membership).where(Membership.tenant_id == tenant.id,
                                                            Membership.employee_id.is_not(None))
                                .order_by(Membership.user_id).limit(1)).first()
    admin = db.session.scalars(sa.select(Membership).where(Membership.tenant_id == tenant.id,
                                                           Membership.role == "hr_admin").limit(1)).first()
    if member is None or admin is None:
        return
    asker = Access(db.session.get(User, member.user_id), "employee", member.employee_id)
    case, _imported = cases.open_case({"subject": "Overtime missing on my payslip", "description":
                                       "My November payslip has no overtime for the 14th.", "category_id": payroll.id,
                                       "priority": "normal", "attachment_ids": []}, asker)
    hr = Access(db.session.get(User, admin.user_id), "hr_admin", None, {cases.MANAGE})
    cases.comment(case.id, {"body": "Ask payroll whether the overtime was approved.", "internal": True,
                            "attachment_ids": []}, hr)
    cases.comment(case.id, {"body": "Thank you, we are checking with payroll.", "internal": False,
                            "attachment_ids": []}, hr)
