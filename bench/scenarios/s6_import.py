"""S6 CSV import through hrbpo.core.people.importer (parse, then validate and
insert batch by batch, commit; as the app role under RLS) vs PostgreSQL COPY of the same rows (as
the owner: COPY FROM is refused on tables where RLS binds the caller).
Rounds interleave (import, COPY, import, …), each into fresh tenants; the
figure is the median of the rounds' ratios."""
import io
import random
import statistics
import time

from bench import data
from bench.database import owner_connection
from bench.seed import EMPLOYEE_COLUMNS

GOAL = 0.5


def run(bench):
    cfg = bench.cfg
    rows = list(data.people(random.Random(cfg.seed + 6), cfg.import_rows, "import.example"))
    body = data.csv_bytes(rows)
    rounds = []
    for n in range(cfg.rounds):
        app_tenant = bench.new_tenant(f"import-app-{n}", token=False)
        copy_tenant = bench.new_tenant(f"import-copy-{n}", token=False)
        phases = import_with_app(bench.app, app_tenant.id, body)
        copy_seconds = copy_rows(bench, copy_tenant.id, rows)
        rounds.append({"ratio": copy_seconds / phases["total"], "app_seconds": {k: round(v, 3) for k, v in phases.items()},
                       "copy_seconds": round(copy_seconds, 3)})
    middle = sorted(rounds, key=lambda r: r["ratio"])[len(rounds) // 2]
    ratio = statistics.median(r["ratio"] for r in rounds)
    bench.add("S6", f"CSV import of {cfg.import_rows:,} employees vs COPY (rows/s)", round(ratio, 3), f"≥ {GOAL}",
              ratio >= GOAL, app_rows_per_s=round(cfg.import_rows / middle["app_seconds"]["total"]),
              copy_rows_per_s=round(cfg.import_rows / middle["copy_seconds"]),
              app_seconds=middle["app_seconds"], copy_seconds=middle["copy_seconds"], rounds=rounds)


def import_with_app(app, tenant_id, body: bytes) -> dict:
    from hrbpo.core import tenancy
    from hrbpo.core.db import db
    from hrbpo.core.people import importer

    phases = {}
    with app.app_context(), tenancy.tenant_context(tenant_id):
        start = time.perf_counter()
        rows = importer.read_rows(io.BytesIO(body))
        phases["parse"] = time.perf_counter() - start
        importer.import_rows(rows)
        db.session.commit()
        phases["validate_insert"] = time.perf_counter() - start - phases["parse"]
        phases["total"] = time.perf_counter() - start
        db.session.remove()
    return phases


def copy_rows(bench, tenant_id, rows) -> float:
    ids, now = bench.seeder.ids, data.BASE_TIME
    with owner_connection() as conn:
        start = time.perf_counter()
        with conn.cursor().copy(f"COPY employees ({', '.join(EMPLOYEE_COLUMNS)}) FROM STDIN") as copy:
            for r in rows:
                copy.write_row((tenant_id, ids(), r["first_name"], r["last_name"], r["email"], r["hire_date"],
                                "full_time", 40, r["department"], r["job_title"], "active", now))
        conn.commit()
        return time.perf_counter() - start
