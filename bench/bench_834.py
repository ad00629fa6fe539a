"""Time the X12 834 for a window with N enrolled employees.

    python -m bench.bench_834 [--employees 10000] [--validate]

Runs in process against a throw-away SQLite database (or HRBPO_DATABASE_URL
if set: it must be empty or disposable). Seeds one tenant with a medical and
a dental plan, N employees each with a spouse, and N enrolments, then times a
full 834 and a change file. `--validate` also runs pyx12 over the full file.
"""
import argparse
import io
import time
from datetime import date, timedelta
from decimal import Decimal

from bench.database import scratch_app


def seed(n: int):
    from hrbpo.core.db import db
    from hrbpo.core.people.models import Employee
    from hrbpo.core.tenants.services import create_tenant
    from hrbpo.plugins.benefits import catalogue
    from hrbpo.plugins.benefits.models import Dependent, Election, Enrollment

    tenant = create_tenant("bench-834", "Bench 834 Inc", modules=("benefits",))
    from hrbpo.core import tenancy

    with tenancy.tenant_context(tenant):
        tiers = [{"tier": t, "employee_cost": Decimal("120.00"), "employer_cost": Decimal("380.00"), "period": "month"}
                 for t in ("employee", "employee_spouse")]
        medical = catalogue.create_plan({"name": "Bench PPO", "kind": "medical", "carrier": "Bench Health",
                                        "carrier_id": "123456789", "tiers": tiers})
        dental = catalogue.create_plan({"name": "Bench Dental", "kind": "dental", "carrier": "Bench Health",
                                       "carrier_id": "123456789", "tiers": tiers})
        today = date.today()
        window = catalogue.create_window({"name": "Bench OE", "kind": "open", "starts_on": today - timedelta(days=1),
                                         "ends_on": today + timedelta(days=30),
                                         "coverage_starts_on": today + timedelta(days=40),
                                         "plan_ids": [medical.id, dental.id]})
        for start in range(0, n, 1000):
            for i in range(start, min(n, start + 1000)):
                employee = Employee(first_name=f"First{i}", last_name=f"Last{i}", email=f"e{i}@bench.test",
                                    hire_date=date(2020, 1, 1), date_of_birth=date(1980, 1, 1) + timedelta(days=i % 7000))
                employee.set_national_id(f"{100000000 + i}")
                db.session.add(employee)
                db.session.flush()
                spouse = Dependent(employee_id=employee.id, first_name=f"Spouse{i}", last_name=f"Last{i}",
                                   relationship="spouse", date_of_birth=date(1982, 2, 2))
                db.session.add(spouse)
                db.session.flush()
                elections = [Election(plan_id=p.id, position=k, tier="employee_spouse", dependent_ids=[str(spouse.id)],
                                      employee_cost=Decimal("120.00"), employer_cost=Decimal("380.00"),
                                      employee_cost_per_year=Decimal("1440.00"),
                                      employer_cost_per_year=Decimal("4560.00"))
                             for k, p in enumerate((medical, dental))]
                db.session.add(Enrollment(employee_id=employee.id, window_id=window.id, status="submitted",
                                          currency="USD", pay_periods=12, elections=elections))
            db.session.commit()
    return tenant, window


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench.bench_834")
    parser.add_argument("--employees", type=int, default=10_000)
    parser.add_argument("--validate", action="store_true", help="validate the full file with pyx12 (slow)")
    args = parser.parse_args(argv)

    from hrbpo.core import tenancy
    from hrbpo.core.db import db
    from hrbpo.plugins.benefits import x12

    with scratch_app("834"):
        began = time.perf_counter()
        tenant, window = seed(args.employees)
        print(f"seeded {args.employees} enrolments in {time.perf_counter() - began:.1f}s")
        with tenancy.tenant_context(tenant):
            began = time.perf_counter()
            text = x12.export_834(window, "full")
            db.session.commit()
            full_seconds = time.perf_counter() - began
            began = time.perf_counter()
            try:
                x12.export_834(window, "change")
            except Exception as exc:  # nothing changed: a 409, which is the expected answer here
                print(f"change file: {exc}")
            change_seconds = time.perf_counter() - began
        print(f"834 full file: {args.employees} subscribers, {text.count('~')} segments, "
              f"{len(text) / 1e6:.1f} MB in {full_seconds:.2f}s")
        print(f"834 change file (no changes) in {change_seconds:.2f}s")
        if args.validate:
            import pyx12.params
            import pyx12.x12n_document

            began = time.perf_counter()
            ok = pyx12.x12n_document.x12n_document(pyx12.params.params(), io.StringIO(text), None, None)
            print(f"pyx12 says {'valid' if ok else 'INVALID'} in {time.perf_counter() - began:.1f}s")
    return full_seconds


if __name__ == "__main__":
    main()
