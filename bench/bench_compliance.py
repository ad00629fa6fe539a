"""Time the compliance report (completion per template and employee) for N employees.

    python -m bench.bench_compliance [--employees 10000]

Runs in process against a throw-away SQLite database (or HRBPO_DATABASE_URL
if set: it must be empty or disposable). Seeds one tenant with the compliance
module, N employees, an onboarding template (6 items, assigned 10 days ago so
3 are past due) and a yearly training template (3 items, assigned today), both
assigned to every employee through the service; employee i then completes the
first i % 7 onboarding and i % 4 training items (as an operator would), so the
report mixes done, open and overdue. Then times the report as
GET /compliance/report builds it, as JSON and as CSV.
"""
import argparse
import json
import time
from datetime import date, timedelta

from bench.database import scratch_app

BATCH = 500
ONBOARDING = {"name": "Onboarding", "assign_on": "hire", "items": [
    {"title": "Return the signed contract", "due_days": 3},
    {"title": "Submit tax and bank details", "due_days": 5},
    {"title": "Verify identity documents", "due_days": 7, "owner": "hr_admin"},
    {"title": "Set up payroll", "due_days": 10, "owner": "operator"},
    {"title": "Complete the security briefing", "due_days": 14},
    {"title": "Meet your buddy", "due_days": 30}]}
TRAINING = {"name": "Yearly training", "recurrence": "FREQ=YEARLY", "items": [
    {"title": "Complete the anti-harassment course", "due_days": 30},
    {"title": "Complete the data protection course", "due_days": 30},
    {"title": "Acknowledge the code of conduct", "due_days": 30}]}


def seed(n: int):
    import sqlalchemy as sa

    from hrbpo.core import tenancy
    from hrbpo.core.auth.permissions import Access
    from hrbpo.core.auth.services import create_operator
    from hrbpo.core.db import db
    from hrbpo.core.people import importer
    from hrbpo.core.people.models import Employee
    from hrbpo.core.tenants.services import create_tenant
    from hrbpo.plugins.compliance import services

    tenant = create_tenant("bench-compliance", "Bench Compliance Inc", modules=("compliance",))
    operator = Access(user=create_operator("ops@bench.test", "bench-password-1234"), role="operator")
    with tenancy.tenant_context(tenant):
        importer.import_rows([(i + 2, {"first_name": f"First{i}", "last_name": f"Last{i:06d}", "email": f"e{i}@bench.test",
                                       "hire_date": (date(2020, 1, 1) + timedelta(days=i % 1500)).isoformat()})
                              for i in range(n)])
        onboarding, training = services.create_template(ONBOARDING), services.create_template(TRAINING)
        db.session.commit()
        today = services.today_for(tenant)
        ids = db.session.scalars(sa.select(Employee.id).order_by(Employee.last_name)).all()
        for start in range(0, n, BATCH):
            staff = db.session.scalars(sa.select(Employee).where(Employee.id.in_(ids[start:start + BATCH]))
                                       .order_by(Employee.last_name)).all()
            lists = zip(services.assign(onboarding, staff, today - timedelta(days=10), "hire"),
                        services.assign(training, staff, today))
            for i, (first, second) in enumerate(lists, start):
                for checklist, k in ((first, i % 7), (second, i % 4)):
                    for item in checklist.items[:k]:
                        services.complete_item(operator, checklist, item)
            db.session.commit()
            db.session.expunge_all()
    return tenant


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench.bench_compliance")
    parser.add_argument("--employees", type=int, default=10_000)
    args = parser.parse_args(argv)

    from hrbpo.core import tenancy
    from hrbpo.core.db import utcnow
    from hrbpo.plugins.compliance import reports, services
    from hrbpo.plugins.compliance.schemas import ReportSchema

    with scratch_app("compliance"):
        began = time.perf_counter()
        tenant = seed(args.employees)
        print(f"seeded {args.employees} employees, {2 * args.employees} checklists "
              f"in {time.perf_counter() - began:.1f}s")
        with tenancy.tenant_context(tenant):
            today = services.today_for(tenant)
            began = time.perf_counter()  # what the endpoint does: the rows, then ReportSchema as JSON
            rows = reports.completion(today)
            body = json.dumps(ReportSchema().dump({"items": rows, "generated_at": utcnow()}))
            json_seconds = time.perf_counter() - began
            began = time.perf_counter()
            text = reports.to_csv(reports.completion(today))
            csv_seconds = time.perf_counter() - began
        checklists = sum(r["checklists"] for r in rows)
        employees = len({r["employee_id"] for r in rows})
        print(f"report: {employees} employees, {checklists} checklists in {json_seconds:.2f}s")
        print(f"report (csv): {text.count(chr(10)) - 1} rows, {len(text) / 1e6:.1f} MB in {csv_seconds:.2f}s "
              f"(json {len(body) / 1e6:.1f} MB)")
    return json_seconds


if __name__ == "__main__":
    main()
