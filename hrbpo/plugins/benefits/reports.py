"""What benefits tells people: enrolment progress, the cost CSV, coverage
and the confirmation statement (PDF). Mail is in `notices.py`."""
import csv
import io
from decimal import Decimal

import sqlalchemy as sa
from flask import make_response
from flask_babel import force_locale, format_currency, format_date, format_datetime, get_locale
from flask_babel import gettext as _
from fpdf import FPDF

from hrbpo.plugin_api import Employee, Membership, User, csv_cell, current_tenant, db
from hrbpo.plugins.benefits import pdf_fonts, services
from hrbpo.plugins.benefits.labels import label
from hrbpo.plugins.benefits.models import Election, Enrollment, Window



def eligible_employees(window: Window):
    """Who the window is for: its one employee, or every active employee
    eligible for at least one of its plans."""
    query = sa.select(Employee).where(Employee.status == "active")
    if window.employee_id is not None:
        return query.where(Employee.id == window.employee_id)
    return query.where(sa.or_(sa.false(), *(services.eligible_clause(p, window.coverage_starts_on)
                                            for p in window.plans)))


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


def totals(elections) -> dict:
    """Per paycheck and per year, for the employee and the employer."""
    return {f: sum((getattr(e, f) for e in elections), Decimal("0.00")) for f in
            ("employee_cost", "employer_cost", "employee_cost_per_year", "employer_cost_per_year")}


def cost_rows(window: Window):
    enrollments = db.session.scalars(services.enrollment_query(window_id=window.id, status="submitted")).unique().all()
    own = {}  # employee id → their own logins: a submission by anyone else was made on their behalf
    for employee_id, user_id in db.session.execute(sa.select(Membership.employee_id, Membership.user_id).where(
            Membership.employee_id.in_({e.employee_id for e in enrollments}))):
        own.setdefault(employee_id, set()).add(user_id)
    yield ["employee_id", "employee", "plan", "kind", "carrier", "tier", "waived", "currency",
           "employee_cost_per_paycheck", "employer_cost_per_paycheck", "employee_cost_per_year",
           "employer_cost_per_year", "coverage_starts_on", "coverage_ends_on", "submitted_on_behalf"]
    for enrollment in enrollments:
        on_behalf = "yes" if enrollment.submitted_by is not None and \
            enrollment.submitted_by not in own.get(enrollment.employee_id, ()) else "no"
        for e in enrollment.elections:
            ends = e.coverage_ends_on or enrollment.coverage_ends_on
            yield [enrollment.employee_id, enrollment.employee.full_name, e.plan.name, e.plan.kind, e.plan.carrier,
                   e.tier or "", "yes" if e.waived else "no", enrollment.currency, e.employee_cost, e.employer_cost,
                   e.employee_cost_per_year, e.employer_cost_per_year, window.coverage_starts_on.isoformat(),
                   ends.isoformat() if ends else "", on_behalf]


def cost_csv(window: Window) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    for row in cost_rows(window):
        writer.writerow([csv_cell(v) for v in row])
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


# Characters Babel's formats use that Latin-1 lacks, as their nearest Latin-1 kin (core fonts only).
_LATIN_KIN = str.maketrans({"\u202f": "\u00a0", "\u2009": " ", "\u2212": "-", "\u2013": "-", "\u2019": "'"})


def submitted_on_behalf(enrollment: Enrollment):
    """The user who enrolled someone else (HR, an operator), or None."""
    if enrollment.submitted_by is None:
        return None
    own = db.session.scalar(sa.select(Membership.id).where(Membership.user_id == enrollment.submitted_by,
                                                           Membership.employee_id == enrollment.employee_id))
    return None if own else db.session.get(User, enrollment.submitted_by)


def statement_pdf(enrollment: Enrollment) -> bytes:
    """The confirmation statement, in the reader's language, dates and money
    (English where the fonts for the language are not installed)."""
    locale = str(get_locale() or "en")
    language = locale.split("_")[0]
    if not pdf_fonts.writable(language):
        locale = language = "en"
    with force_locale(locale):
        return _statement_pdf(enrollment, language)


def _statement_pdf(enrollment: Enrollment, language: str) -> bytes:
    pdf = FPDF()
    face = pdf_fonts.prepare(pdf, language)
    shown = str if face.embedded else _latin
    # Right to left: columns run from the right, and each cell's text sits at its right edge.
    ordered = (lambda cells: list(reversed(cells))) if face.rtl else list

    def line(text, height=7, style="", size=11):
        face.use(pdf, style, size)
        pdf.multi_cell(0, height, shown(text), align=face.align, new_x="LMARGIN", new_y="NEXT")

    def row(cells, widths, height=7, style="", size=10, border=0):
        for width, value in ordered(list(zip(widths, cells))):
            face.use(pdf, style, size)
            pdf.cell(width, height, shown(value)[:40], border=border, align=face.align)
        pdf.ln()

    pdf.add_page()
    line(_("Benefits confirmation statement"), 10, "B", 16)
    line(current_tenant().name, 8)
    window, money = enrollment.window, (lambda amount: format_currency(amount, enrollment.currency))
    helper = submitted_on_behalf(enrollment)
    facts = [(_("Employee"), enrollment.employee.full_name), (_("Window"), window.name),
             (_("Coverage starts"), format_date(window.coverage_starts_on, "long")),
             (_("Status"), label(enrollment.status)),
             (_("Submitted"), format_datetime(enrollment.created_at, "medium")),
             (_("Reference"), str(enrollment.id))]
    if enrollment.coverage_ends_on:
        facts.insert(3, (_("Coverage ends"), format_date(enrollment.coverage_ends_on, "long")))
    if helper is not None:
        facts.append((_("Submitted by"), _("%(who)s, on the employee's behalf", who=helper.email)))
    for name, value in facts:
        row((name, value), (45, 145), size=11)
    pdf.ln(4)
    widths = (70, 50, 35, 35)
    row((_("Plan"), _("Coverage"), _("You pay / paycheck"), _("Employer / paycheck")), widths, 8, "B", border=1)
    for e in enrollment.elections:
        coverage = _("Waived") if e.waived else label(e.tier)
        if e.coverage_ends_on:
            coverage = _("%(coverage)s, ends %(day)s", coverage=coverage, day=format_date(e.coverage_ends_on))
        row((f"{e.plan.name} ({label(e.plan.kind)})", coverage, money(e.employee_cost), money(e.employer_cost)),
            widths, 8, border=1)
    pdf.ln(4)
    sums = totals(enrollment.elections)
    line(_("Per paycheck (%(n)s a year): you pay %(mine)s, the employer pays %(theirs)s.", n=enrollment.pay_periods,
           mine=money(sums["employee_cost"]), theirs=money(sums["employer_cost"])))
    line(_("Per year: you pay %(mine)s, the employer pays %(theirs)s.", mine=money(sums["employee_cost_per_year"]),
           theirs=money(sums["employer_cost_per_year"])))
    return bytes(pdf.output())


def _latin(text: str) -> str:
    """The PDF core fonts are Latin-1: near kin for typographic spaces, '?' for the rest."""
    return str(text).translate(_LATIN_KIN).encode("latin-1", "replace").decode("latin-1")


def statement_pdf_response(enrollment: Enrollment):
    response = make_response(statement_pdf(enrollment))
    response.mimetype = "application/pdf"
    response.headers["Content-Disposition"] = f'attachment; filename="benefits-statement-{enrollment.id}.pdf"'
    return response
