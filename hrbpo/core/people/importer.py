"""All-or-nothing CSV import of employees.

Every row is validated before anything is written; any bad row means nothing
is imported and every problem is reported by its line number (the header is
line 1). Rows are then inserted in batches (one INSERT per batch).
"""
import csv
import io

import marshmallow as ma
import sqlalchemy as sa

from hrbpo.core import audit, tenancy
from hrbpo.core.db import db, new_id, utcnow
from hrbpo.core.errors import Invalid
from hrbpo.core.people.models import Employee
from hrbpo.core.people.schemas import EmployeeSchema

REQUIRED = ("first_name", "last_name", "email", "hire_date")
OPTIONAL = ("date_of_birth", "national_id", "employment_type", "hours_per_week", "department", "job_title", "phone")
BATCH = 2000


def read_rows(stream) -> tuple[list[str], list[tuple[int, dict]]]:
    """Decode and parse the CSV; raise Invalid for an unusable file or header."""
    raw = stream.read()
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise Invalid({"file": ["The file is not UTF-8 text."]})
    reader = csv.DictReader(io.StringIO(raw, newline=""))
    header = [h.strip() for h in reader.fieldnames or []]
    missing = [c for c in REQUIRED if c not in header]
    unknown = [c for c in header if c not in REQUIRED + OPTIONAL]
    if missing or unknown:
        problems = []
        if missing:
            problems.append(f"Missing column(s): {', '.join(missing)}.")
        if unknown:
            problems.append(f"Unknown column(s): {', '.join(unknown)}; allowed: {', '.join(REQUIRED + OPTIONAL)}.")
        raise Invalid({"1": problems}, "The CSV header is not usable.")
    reader.fieldnames = header
    rows = []
    for row in reader:
        if None in row:
            rows.append((reader.line_num, {None: row[None]}))
            continue
        if not any((v or "").strip() for v in row.values()):
            continue  # blank line
        rows.append((reader.line_num, {k: (v or "").strip() for k, v in row.items() if (v or "").strip()}))
    return header, rows


def validate(rows) -> list[dict]:
    schema = EmployeeSchema()
    errors, clean, seen = {}, [], {}
    for line, row in rows:
        if None in row:
            errors[str(line)] = ["The row has more fields than the header."]
            continue
        try:
            data = schema.load(row)
        except ma.ValidationError as exc:
            errors[str(line)] = [f"{field}: {' '.join(msgs)}" for field, msgs in exc.messages.items()]
            continue
        data["email"] = data["email"].strip().lower()
        if data["email"] in seen:
            errors[str(line)] = [f"email: {data['email']} also appears on line {seen[data['email']]}."]
            continue
        seen[data["email"]] = line
        clean.append((line, data))
    if seen:
        existing = set()
        emails = list(seen)
        for i in range(0, len(emails), 1000):
            existing.update(db.session.scalars(sa.select(Employee.email).where(Employee.email.in_(emails[i:i + 1000]))))
        for email in existing:
            errors[str(seen[email])] = [f"email: an employee with {email} already exists in this tenant."]
    if errors:
        ordered = dict(sorted(errors.items(), key=lambda kv: int(kv[0])))
        raise Invalid(ordered, f"{len(errors)} row(s) have errors; nothing was imported.")
    return [data for _, data in clean]


def import_employees(stream) -> int:
    """Import a CSV into the current tenant; returns the number of employees."""
    _, rows = read_rows(stream)
    return insert(validate(rows))


def insert(records: list[dict], progress=None) -> int:
    tenant_id, now = tenancy.require_tenant_id(), utcnow()
    for start in range(0, len(records), BATCH):
        batch = []
        for data in records[start:start + BATCH]:
            national_id = data.pop("national_id", None)
            batch.append({
                "tenant_id": tenant_id, "id": new_id(), "employment_type": "full_time", "hours_per_week": 40,
                "status": "active", "date_of_birth": None, "department": None, "job_title": None, "phone": None,
                **data, "national_id": national_id, "national_id_last4": national_id[-4:] if national_id else None,
                "created_at": now,
            })
        db.session.execute(sa.insert(Employee), batch)
        if progress:
            progress(len(batch))
    audit.record("employee.import", target_type="Employee", target_id=None, changes={"imported": len(records)})
    return len(records)
