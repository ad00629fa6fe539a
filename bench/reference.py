"""The references the app is measured against, served by the same gunicorn.

`bare_wsgi`: the floor of the server itself (S1).
`flask_app`: a bare Flask + psycopg endpoint doing what the app's employee
list does, with the same indexed SQL, as the same non-owner role under the
same RLS (S2): look the bearer token up by its hash (with its user), the
tenant by slug with the caller's membership (across tenants, as the app does),
then the page with its total. No ORM, no schema layer, no extensions, one
connection per thread. What S2 measures is therefore the cost of hrbpo's
stack (Flask extensions, SQLAlchemy ORM, marshmallow, webargs), not of work
the reference leaves out.
"""
import hashlib
import os
import threading
from datetime import datetime, timezone

import psycopg
from flask import Flask, jsonify, request

BODY = b'{"status":"ok"}\n'


def bare_wsgi(environ, start_response):
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(BODY)))])
    return [BODY]


COLUMNS = ("id", "first_name", "last_name", "email", "hire_date", "date_of_birth", "national_id_last4",
           "employment_type", "hours_per_week", "department", "job_title", "phone", "status", "termination_date",
           "created_at")
TOKEN_SQL = ("SELECT api_tokens.tenant_id, api_tokens.expires_at, api_tokens.revoked_at, users.id, users.active"
             " FROM api_tokens JOIN users ON users.id = api_tokens.user_id WHERE api_tokens.token_hash = %s")
TENANT_SQL = ("SELECT tenants.id, memberships.role FROM tenants LEFT OUTER JOIN memberships"
              " ON memberships.tenant_id = tenants.id AND memberships.user_id = %s WHERE tenants.slug = %s")
PAGE_SQL = (f"SELECT {', '.join(COLUMNS)}, (SELECT count(*) FROM employees WHERE tenant_id = %s)"
            " FROM employees WHERE tenant_id = %s ORDER BY last_name, first_name, id LIMIT %s OFFSET %s")
RLS_SQL = "SELECT set_config('hrbpo.tenant_id', %s, true), set_config('hrbpo.all_tenants', %s, true)"
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
    raw = request.headers.get("Authorization", "").removeprefix("Bearer ")
    conn = _connection()
    with conn.transaction():
        token = conn.execute(TOKEN_SQL, (hashlib.sha256(raw.encode()).hexdigest(),)).fetchone()
        if token is None or token[2] is not None or token[1] <= datetime.now(timezone.utc) or not token[4]:
            return {"detail": "Bad token."}, 401
        conn.execute(RLS_SQL, ("", "1"))
        row = conn.execute(TENANT_SQL, (token[3], slug)).fetchone()
        if row is None or row[1] is None or token[0] not in (None, row[0]):
            return {"detail": "No such tenant."}, 404
        tenant_id = row[0]
        conn.execute(RLS_SQL, (str(tenant_id), ""))
        rows = conn.execute(PAGE_SQL, (tenant_id, tenant_id, per_page, (page - 1) * per_page)).fetchall()
        total = rows[0][-1] if rows else conn.execute(
            "SELECT count(*) FROM employees WHERE tenant_id = %s", (tenant_id,)).fetchone()[0]
    items = [{k: (v.isoformat() if hasattr(v, "isoformat") else str(v) if k == "id" else v)
              for k, v in zip(COLUMNS, r)} for r in rows]
    return jsonify(items=items, total=total, page=page, per_page=per_page)
