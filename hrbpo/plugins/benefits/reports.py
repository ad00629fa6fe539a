"""What benefits tells people: enrolment progress, the cost CSV, coverage,
the confirmation statement (PDF) and reminders before a window closes."""
import csv
import io
import logging
from datetime import timedelta
from decimal import Decimal

import sqlalchemy as sa
from flask import make_response
from fpdf import FPDF

from hrbpo.core import audit
from hrbpo.core.db import db
from hrbpo.core.people.models import Employee
from hrbpo.core.people.services import current_tenant
from hrbpo.plugins.benefits import services
from hrbpo.plugins.benefits.models import Election, Enrollment, EnrollmentReminder, Window

log = logging.getLogger(__name__)
TIER_LABELS = {"employee": "Employee only", "employee_spouse": "Employee + spouse/partner",
               "employee_children": "Employee + children", "family": "Family"}


def eligible_employees(window: Window):
    """Who the window is for: its one employee, or every active employee."""
    query = sa.select(Employee).where(Employee.status == "active")
    if window.employee_id is not None:
        query = query.where(Employee.id == window.employee_id)
    return query


def not_started(window: Window):
    """Eligible employees with no current submission in the window, by name."""
    done = sa.select(Enrollment.employee_id).where(Enrollment.window_id == window.id, Enrollment.status == "submitted")
    return eligible_employees(window).where(Employee.id.not_in(done)).order_by(Employee.last_name, Employee.first_name)


def progress(window: Window) -> dict:
    """Counts of eligible employees who enrolled, waived everything, or have not started."""
    eligible = db.session.scalar(sa.select(sa.func.count()).select_from(eligible_employees(window).subquery()))
    covered = (sa.select(Election.enrollment_id).where(Election.waived.is_(False))
               .where(Election.tenant_id == Enrollment.tenant_id, Election.enrollment_id == Enrollment.id).exists())
    rows = db.session.execute(
        sa.select(covered.label("covered"), sa.func.count())
        .select_from(Enrollment).join(Employee, sa.and_(Employee.tenant_id == Enrollment.tenant_id,
                                                        Employee.id == Enrollment.employee_id))
        .where(Enrollment.window_id == window.id, Enrollment.status == "submitted", Employee.status == "active")
        .group_by(sa.literal_column("covered"))
    ).all()
    counts = {bool(c): n for c, n in rows}
    enrolled, waived = counts.get(True, 0), counts.get(False, 0)
    return {"window_id": window.id, "eligible": eligible, "enrolled": enrolled, "waived": waived,
            "not_started": max(eligible - enrolled - waived, 0)}


def _cell(value) -> str:
    """CSV cells that a spreadsheet would run as a formula are quoted as text."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def cost_rows(window: Window):
    enrollments = db.session.scalars(services.enrollment_query(window_id=window.id, status="submitted")).unique().all()
    yield ["employee_id", "employee", "plan", "kind", "carrier", "tier", "waived", "currency",
           "employee_cost_per_paycheck", "employer_cost_per_paycheck", "employee_cost_per_year",
           "employer_cost_per_year"]
    for enrollment in enrollments:
        for e in enrollment.elections:
            yield [enrollment.employee_id, enrollment.employee.full_name, e.plan.name, e.plan.kind, e.plan.carrier,
                   e.tier or "", "yes" if e.waived else "no", enrollment.currency, e.employee_cost, e.employer_cost,
                   e.employee_cost_per_year, e.employer_cost_per_year]


def cost_csv(window: Window) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    for row in cost_rows(window):
        writer.writerow([_cell(v) for v in row])
    return out.getvalue()


def csv_response(window: Window):
    response = make_response(cost_csv(window))
    response.mimetype = "text/csv"
    response.headers["Content-Disposition"] = f'attachment; filename="benefit-costs-{window.id}.csv"'
    return response


def coverage_summary(employee: Employee) -> dict:
    items = services.coverage(employee)
    total = lambda field: str(sum((getattr(e, field) for e in items), Decimal("0.00")))  # noqa: E731
    currency = next((e.plan.currency for e in items), current_tenant().currency)
    return {"employee_id": employee.id, "currency": currency, "items": items, "total": len(items), "page": 1,
            "per_page": max(len(items), 1), "employee_cost_total": total("employee_cost"),
            "employer_cost_total": total("employer_cost")}


def statement_lines(enrollment: Enrollment) -> list[tuple[str, str, str, str]]:
    """(plan, coverage, employee cost, employer cost) per election, per paycheck."""
    return [(f"{e.plan.name} ({e.plan.kind})", "Waived" if e.waived else TIER_LABELS[e.tier],
             f"{e.employee_cost} {enrollment.currency}", f"{e.employer_cost} {enrollment.currency}")
            for e in enrollment.elections]


def statement_pdf(enrollment: Enrollment) -> bytes:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    pdf.cell(0, 10, _latin("Benefits confirmation statement"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=11)
    window = enrollment.window
    for line in (f"{current_tenant().name}", f"Employee: {enrollment.employee.full_name}",
                 f"Window: {window.name}", f"Coverage starts: {window.coverage_starts_on.isoformat()}",
                 f"Status: {enrollment.status}", f"Submitted: {enrollment.created_at:%Y-%m-%d %H:%M} UTC",
                 f"Reference: {enrollment.id}"):
        pdf.cell(0, 7, _latin(line), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    widths = (70, 50, 35, 35)
    pdf.set_font("Helvetica", "B", 10)
    for width, head in zip(widths, ("Plan", "Coverage", "You pay", "Employer pays")):
        pdf.cell(width, 8, head, border=1)
    pdf.ln()
    pdf.set_font("Helvetica", size=10)
    for row in statement_lines(enrollment):
        for width, value in zip(widths, row):
            pdf.cell(width, 8, _latin(value)[:40], border=1)
        pdf.ln()
    pdf.ln(4)
    pdf.cell(0, 7, _latin(f"Per paycheck ({enrollment.pay_periods} a year): you pay "
                          f"{enrollment.total('employee_cost')} {enrollment.currency}, your employer pays "
                          f"{enrollment.total('employer_cost')} {enrollment.currency}."), new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 7, _latin(f"Per year: you pay {enrollment.total('employee_cost_per_year')} {enrollment.currency}, "
                          f"your employer pays {enrollment.total('employer_cost_per_year')} {enrollment.currency}."),
             new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def _latin(text: str) -> str:
    """The PDF core fonts are Latin-1: other characters become '?'."""
    return text.encode("latin-1", "replace").decode("latin-1")


def statement_pdf_response(enrollment: Enrollment):
    response = make_response(statement_pdf(enrollment))
    response.mimetype = "application/pdf"
    response.headers["Content-Disposition"] = f'attachment; filename="benefits-statement-{enrollment.id}.pdf"'
    return response


def send_reminders(tenant) -> str:
    """Periodic: remind employees who have not enrolled in a window closing soon (once per window)."""
    today = services.tenant_today()
    horizon = today + timedelta(days=services.settings()["reminder_days_before_end"])
    windows = db.session.scalars(sa.select(Window).where(Window.starts_on <= today, Window.ends_on >= today,
                                                         Window.ends_on <= horizon)).all()
    sent = 0
    for window in windows:
        reminded = sa.select(EnrollmentReminder.employee_id).where(EnrollmentReminder.window_id == window.id)
        waiting = db.session.scalars(not_started(window).where(Employee.id.not_in(reminded))).all()
        for employee in waiting:
            reminder = EnrollmentReminder(employee_id=employee.id, window_id=window.id)
            db.session.add(reminder)
            db.session.flush()
            audit.record("benefits.reminder", reminder, {"employee_id": employee.id, "window": window.name,
                                                         "ends_on": window.ends_on})
            log.info("benefits reminder: tenant %s employee %s window %s ends %s", tenant.slug, employee.id,
                     window.id, window.ends_on)
            sent += 1
    return f"{sent} reminder(s)"
