"""S13: the operators' cross-tenant service desk queue vs the employee list (S2's request).

    python -m bench.bench_queue [--quick] [--tenants 300] [--cases 100000] [--requests 600]

On a throw-away PostgreSQL database (bench.bench_mail.production_like): `--tenants` clients with
the service desk on and `--cases` unsolved cases between them (due times spread over a month,
some already breached), and one 500-person client whose employee list is S2's request
(`GET …/employees?per_page=50`). In process, one operator token, alternating rounds of the
queue's first page (`GET /api/v1/servicedesk/queue?per_page=50`) and the employee list; the
p95 of each and their ratio. Goal (issue 21, there called S11): ratio ≤ 2. Reported, never
asserted. What makes it so: the partial index `ix_servicedesk_cases_next_due` on
(next_due_at, tenant_id) over unsolved cases gives the page in due order without sorting the
100,000 rows; the page's total is a count over that same index.
"""
import argparse
import json
import random
import statistics
import time
import uuid
from datetime import date, timedelta

import sqlalchemy as sa

from bench.bench_mail import production_like
from bench.database import scratch_app
from hrbpo.core import tenancy
from hrbpo.core.auth.services import create_operator
from hrbpo.core.db import db, utcnow
from hrbpo.core.people.models import Employee
from hrbpo.core.tenants.services import create_tenant
from hrbpo.plugins.servicedesk.models import UNSOLVED, Case, Category

GOAL = 2.0
PER_PAGE = 50
LIST_EMPLOYEES = 500
OPERATOR = ("ops@bench-queue.test", "bench-password-1234")


def seed(tenants: int, cases: int, seed_: int = 13) -> None:
    """The clients, their cases (numbers 1… per client) and the 500-person client of the list."""
    rng, now = random.Random(seed_), utcnow()
    per_tenant = [cases // tenants + (1 if i < cases % tenants else 0) for i in range(tenants)]
    for i, count in enumerate(per_tenant):
        tenant = create_tenant(f"queue-{i:03d}", f"Queue client {i}", modules=("servicedesk",))
        with tenancy.tenant_context(tenant):
            category = Category(name="Payroll", name_key="payroll", first_response_hours=8, resolution_hours=40)
            db.session.add(category)
            db.session.flush()
            rows = []
            for n in range(1, count + 1):
                due = now + timedelta(minutes=rng.randint(-2 * 24 * 60, 30 * 24 * 60))
                rows.append({"tenant_id": tenant.id, "id": uuid.uuid4(), "number": n, "subject": f"Case {n}",
                             "description": "A question.", "status": rng.choice(UNSOLVED),
                             "priority": "normal", "category_id": category.id, "opened_at": now,
                             "first_response_due_at": due, "resolution_due_at": due + timedelta(days=3),
                             "next_due_at": due, "last_entry_at": now, "attachment_ids": []})
            if rows:
                db.session.execute(sa.insert(Case), rows)
            db.session.commit()
    listed = create_tenant("queue-list", "The list's client")
    with tenancy.tenant_context(listed):
        db.session.execute(sa.insert(Employee), [
            {"tenant_id": listed.id, "id": uuid.uuid4(), "first_name": f"Person{k}", "last_name": f"Surname{k:04d}",
             "name_key": f"person{k} surname{k:04d}", "email": f"p{k}@list.test", "hire_date": date(2020, 1, 1),
             "employment_type": "full_time", "hours_per_week": 40, "status": "active"}
            for k in range(LIST_EMPLOYEES)])
        listed.employee_count = LIST_EMPLOYEES
        db.session.commit()
    create_operator(*OPERATOR)
    db.session.commit()
    # Statistics and the visibility map, as autovacuum would have them by now (index-only scans need the map).
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(sa.text("VACUUM ANALYZE"))


def _p95(samples):
    return statistics.quantiles(samples, n=100)[94]


def s13(app, requests: int) -> dict:
    client = app.test_client()
    token = client.post("/api/v1/auth/token", json={"email": OPERATOR[0], "password": OPERATOR[1]}).get_json()["token"]
    auth = {"Authorization": f"Bearer {token}"}
    paths = {"queue": f"/api/v1/servicedesk/queue?per_page={PER_PAGE}",
             "list": f"/api/v1/tenants/queue-list/employees?per_page={PER_PAGE}"}

    def timed(kind, n):
        out = []
        for _ in range(n):
            start = time.perf_counter()
            r = client.get(paths[kind], headers=auth)
            out.append(time.perf_counter() - start)
            assert r.status_code == 200 and len(r.get_json()["items"]) == PER_PAGE, r.get_data(as_text=True)[:300]
        return out

    timed("queue", 20), timed("list", 20)  # warm both paths
    samples, per = {"queue": [], "list": []}, max(10, requests // 12)
    for i in range(6):  # alternating rounds: both share the machine's swings
        for kind in (("queue", "list") if i % 2 == 0 else ("list", "queue")):
            samples[kind] += timed(kind, per)
    p95 = {k: _p95(v) for k, v in samples.items()}
    ratio = p95["queue"] / p95["list"]
    return {"id": "S13", "p95_ratio": round(ratio, 3), "goal": f"≤ {GOAL}", "ok": ratio <= GOAL,
            "p95_ms": {k: round(v * 1000, 2) for k, v in p95.items()},
            "median_ms": {k: round(statistics.median(v) * 1000, 2) for k, v in samples.items()},
            "requests_each": len(samples["list"])}


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench.bench_queue")
    parser.add_argument("--quick", action="store_true", help="300 tenants, 20,000 cases, 240 requests each")
    parser.add_argument("--tenants", type=int, default=300)
    parser.add_argument("--cases", type=int)
    parser.add_argument("--requests", type=int)
    args = parser.parse_args(argv)
    cases = args.cases or (20_000 if args.quick else 100_000)
    requests = args.requests or (240 if args.quick else 600)
    with production_like(), scratch_app("queue") as app:
        started = time.perf_counter()
        seed(args.tenants, cases)
        result = {**s13(app, requests), "tenants": args.tenants, "cases": cases,
                  "seed_s": round(time.perf_counter() - started, 1)}
        db.session.remove()
        db.engine.dispose()  # before production_like drops the database
    print(json.dumps(result), flush=True)
    return result


if __name__ == "__main__":
    main()
