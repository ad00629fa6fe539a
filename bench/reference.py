"""The references the app is measured against, served by the same gunicorn.

`bare_wsgi`: the floor of the server itself (S1).
`flask_app`: a bare Flask + psycopg endpoint running the employee list's
indexed SQL as the same non-owner role under the same RLS (S2): no auth, no
ORM, no schema layer, one connection per thread.
"""
import os
import threading

import psycopg
from flask import Flask, jsonify, request

BODY = b'{"status":"ok"}\n'


def bare_wsgi(environ, start_response):
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(BODY)))])
    return [BODY]


COLUMNS = ("id", "first_name", "last_name", "email", "hire_date", "date_of_birth", "national_id_last4",
           "employment_type", "hours_per_week", "department", "job_title", "phone", "status", "termination_date",
           "created_at")
PAGE_SQL = (f"SELECT {', '.join(COLUMNS)} FROM employees WHERE tenant_id = %s"
            " ORDER BY last_name, first_name, id LIMIT %s OFFSET %s")
flask_app = Flask("bench_reference")
_local = threading.local()


def _connection() -> psycopg.Connection:
    if getattr(_local, "conn", None) is None or _local.conn.closed:
        _local.conn = psycopg.connect(os.environ["HRBPO_BENCH_REF_DSN"])
    return _local.conn


@flask_app.get("/healthz")
def healthz():
    return {"status": "ok"}


@flask_app.get("/api/v1/tenants/<slug>/employees")
def employees(slug):
    page, per_page = int(request.args.get("page", 1)), min(int(request.args.get("per_page", 50)), 200)
    conn = _connection()
    with conn.transaction():
        row = conn.execute("SELECT id FROM tenants WHERE slug = %s", (slug,)).fetchone()
        if row is None:
            return {"detail": "No such tenant."}, 404
        tenant_id = row[0]
        conn.execute("SELECT set_config('hrbpo.tenant_id', %s, true), set_config('hrbpo.all_tenants', '', true)",
                     (str(tenant_id),))
        total = conn.execute("SELECT count(*) FROM employees WHERE tenant_id = %s", (tenant_id,)).fetchone()[0]
        rows = conn.execute(PAGE_SQL, (tenant_id, per_page, (page - 1) * per_page)).fetchall()
    items = [{k: (v.isoformat() if hasattr(v, "isoformat") else str(v) if k == "id" else v)
              for k, v in zip(COLUMNS, r)} for r in rows]
    return jsonify(items=items, total=total, page=page, per_page=per_page)
