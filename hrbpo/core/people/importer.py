"""All-or-nothing CSV import of employees.

Every row is validated; any bad row means nothing is imported and every
problem is reported by its line number (the header is line 1). Clean rows are
written in batches as validation goes, inside a savepoint that a bad row rolls
back: on PostgreSQL one `INSERT … SELECT FROM unnest(arrays)` per batch (COPY
is refused where row-level security binds the app role; the policy's WITH
CHECK still applies to every row), sent in pipeline mode so the server
inserts one batch while Python validates the next; elsewhere one multi-row
executemany per batch.
"""
import contextlib
import csv
import io

import marshmallow as ma
import psycopg
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from hrbpo.core import audit, tenancy
from hrbpo.core.db import db, new_ids, utcnow
from hrbpo.core.errors import Invalid
from hrbpo.core.people.models import Employee
from hrbpo.core.people.names import name_key
from hrbpo.core.people.schemas import EmployeeSchema
from hrbpo.core.text import is_safe

REQUIRED = ("first_name", "last_name", "email", "hire_date")
OPTIONAL = ("date_of_birth", "national_id", "employment_type", "hours_per_week", "department", "location", "job_title",
            "phone")
BATCH = 2000
NOT_UTF8 = "The file is not UTF-8 text."


def _text(stream):
    """A text view of a binary or text file (the binary one is left open)."""
    if isinstance(stream, io.TextIOBase):
        return contextlib.nullcontext(stream)
    return _detaching(io.TextIOWrapper(stream, encoding="utf-8-sig", newline=""))


@contextlib.contextmanager
def _detaching(wrapper):
    try:
        yield wrapper
    finally:
        wrapper.detach()  # closing the wrapper would close the caller's file


def iter_rows(stream):
    """(line, values) for each non-blank row of a CSV, streamed: the header is
    checked first (Invalid for an unusable file or header)."""
    with _text(stream) as text:
        reader = csv.reader(text)
        try:
            header = _header(next(reader, []))
            width = len(header)
            for fields in reader:
                if len(fields) > width:
                    yield reader.line_num, {None: fields[width:]}
                    continue
                values = [v.strip() for v in fields]
                if any(values):  # else a blank line
                    yield reader.line_num, {k: v for k, v in zip(header, values) if v}
        except UnicodeDecodeError:
            raise Invalid({"file": [NOT_UTF8]})
        except csv.Error as exc:
            raise Invalid({str(reader.line_num): [f"The CSV cannot be read here: {exc}."]}, "The CSV is malformed.")


def _header(names) -> list[str]:
    header = [h.strip() for h in names]
    missing = [c for c in REQUIRED if c not in header]
    unknown = [c for c in header if c not in REQUIRED + OPTIONAL]
    if missing or unknown:
        problems = []
        if missing:
            problems.append(f"Missing column(s): {', '.join(missing)}.")
        if unknown:
            problems.append(f"Unknown column(s): {', '.join(unknown)}; allowed: {', '.join(REQUIRED + OPTIONAL)}.")
        raise Invalid({"1": problems}, "The CSV header is not usable.")
    return header


def read_rows(stream) -> list[tuple[int, dict]]:
    """Every row of a small CSV, in memory (tests and benchmarks)."""
    return list(iter_rows(stream))


def import_employees(stream, progress=None) -> int:
    """Import a CSV file (binary or text, seekable) into the current tenant,
    streamed: a first pass counts the rows and notes where each email first
    appears, the second validates and writes batch by batch, so memory grows
    with the number of distinct emails, not with the file. `progress(done,
    total)` is called as batches go."""
    total, first_lines = 0, {}
    for line, row in iter_rows(stream):
        total += 1
        email = row.get("email")
        if email:
            first_lines.setdefault(email.lower(), line)
    stream.seek(0)
    return import_rows(iter_rows(stream), progress, first_lines, total)


def import_rows(rows, progress=None, first_lines=None, total=None) -> int:
    """Validate and write `rows` ((line, values), as iter_rows gives): all or none.

    `first_lines` (email → first line it appears on) comes from a first pass
    over the file; without it `rows` is read into memory to make it. Raises
    Invalid with every bad row's problems; the rows written before the first
    bad one are rolled back with the savepoint. `progress(done, total)` is
    called after each batch."""
    if first_lines is None:
        rows = list(rows)
        first_lines, total = {}, len(rows)
        for line, row in rows:
            if row.get("email"):
                first_lines.setdefault(row["email"].lower(), line)
    errors, check, done = {}, _checker(first_lines), 0
    with db.session.begin_nested(), _pipelined():
        for batch in _batches(rows):
            records = check(batch, errors)
            if not errors:  # after the first bad row, only check (to report every problem)
                _write(records)
            done += len(batch)
            if progress:
                progress(done, total)
        if errors:
            ordered = dict(sorted(errors.items(), key=lambda kv: int(kv[0]) if kv[0].isdigit() else 0))
            raise Invalid(ordered, f"{len(errors)} row(s) have errors; nothing was imported.")
    audit.record("employee.import", target_type="Employee", target_id=None, changes={"imported": done})
    return done


def _batches(rows):
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _checker(first_lines: dict):
    """check(batch, errors): the batch's clean records, its problems added to
    `errors`. Emails must be new to the tenant (asked once, up front) and
    appear once in the file."""
    load = _row_loader()
    existing = _existing_emails(list(first_lines))

    def check(batch, errors) -> list[dict]:
        clean = []
        for line, row in batch:
            if None in row:
                errors[str(line)] = ["The row has more fields than the header."]
                continue
            try:
                data = load(row)
            except ma.ValidationError as exc:
                errors[str(line)] = [f"{field}: {' '.join(msgs)}" for field, msgs in exc.messages.items()]
                continue
            email = data["email"] = data["email"].strip().lower()
            first = first_lines.get(email, line)
            if first != line:
                errors[str(line)] = [f"email: {email} also appears on line {first}."]
            elif email in existing:
                errors[str(line)] = [f"email: an employee with {email} already exists in this tenant."]
            else:
                clean.append(data)
        return clean

    return check


@contextlib.contextmanager
def _pipelined():
    """On PostgreSQL, psycopg's pipeline mode: each batch's INSERT goes out
    without waiting for the server's answer, so the server inserts it while
    Python checks the next batch. Errors arrive when the pipeline syncs; they
    are raised as SQLAlchemy's, like any other statement's."""
    connection = db.session.connection()
    if connection.dialect.name != "postgresql" or not psycopg.Pipeline.is_supported():  # libpq < 14
        yield
        return
    try:
        with connection.connection.driver_connection.pipeline():
            yield
    except psycopg.Error as exc:
        raise sa.exc.DBAPIError.instance(None, None, exc, psycopg.Error) from exc


def _existing_emails(emails: list[str]) -> set[str]:
    """Which of `emails` the tenant already has: on PostgreSQL one `= ANY(array)`
    per 10,000 (an IN list of thousands of parameters is slow to build and parse)."""
    found = set()
    if db.session.get_bind().dialect.name == "postgresql":
        emails_param = sa.bindparam("emails", type_=postgresql.ARRAY(sa.String))
        query, size = sa.select(Employee.email).where(Employee.email == sa.any_(emails_param)), 10_000
        for i in range(0, len(emails), size):
            found.update(db.session.scalars(query, {"emails": emails[i:i + size]}))
        return found
    for i in range(0, len(emails), 500):
        found.update(db.session.scalars(sa.select(Employee.email).where(Employee.email.in_(emails[i:i + 500]))))
    return found


# Values that repeat down a column (names, departments, dates) are checked once;
# a column's memo is dropped when it grows past MEMO_LIMIT (a column of unique values).
UNIQUE_COLUMNS = {"email", "national_id"}
MEMO_LIMIT = 20_000


def _row_loader():
    """`EmployeeSchema().load` for one CSV row, at a fraction of its cost.

    A row is a flat dict of known columns, so loading it is each field's own
    `deserialize` (the same conversion and validators); the schema has no
    hooks to run. Repeated values reuse their first result. Any row that fails
    goes through `schema.load` itself, so messages are exactly the schema's.
    The base schema's input screen (unsafe text) is checked here, per new value."""
    schema = EmployeeSchema()
    if any(name != "screen_input" for hooks in schema._hooks.values() for name, *_ in hooks):
        return schema.load
    fields, memo = schema.load_fields, {name: {} for name in REQUIRED + OPTIONAL if name not in UNIQUE_COLUMNS}

    def convert(name, value, row):
        if isinstance(value, str) and not is_safe(value):
            raise ma.ValidationError("unsafe")
        return fields[name].deserialize(value, name, row)

    def load(row):
        out = {}
        try:
            for name in REQUIRED:
                if name not in row:
                    raise ma.ValidationError("missing")
            for name, value in row.items():
                seen = memo.get(name)
                if seen is None:
                    out[name] = convert(name, value, row)
                elif value in seen:
                    out[name] = seen[value]
                else:
                    if len(seen) >= MEMO_LIMIT:
                        seen.clear()
                    out[name] = seen[value] = convert(name, value, row)
        except ma.ValidationError:
            return schema.load(row)
        return out

    return load
DEFAULTS = {"employment_type": "full_time", "hours_per_week": 40, "date_of_birth": None, "department": None,
            "location": None, "job_title": None, "phone": None}


def _write(records: list[dict]):
    """Insert one batch of clean records into the current tenant."""
    tenant_id = tenancy.require_tenant_id()
    write = _unnest_batch if db.session.get_bind().dialect.name == "postgresql" else _executemany_batch
    # Columns the batch has vary by row; the others are the same for every row.
    given = set().union(*records) if records else set()
    same = {"tenant_id": tenant_id, "status": "active", "created_at": utcnow(),
            **{k: v for k, v in DEFAULTS.items() if k not in given}}
    fill = {k: v for k, v in DEFAULTS.items() if k in given}
    batch = []
    for data, id_ in zip(records, new_ids(len(records))):
        row = {**fill, **data, "id": id_, "name_key": name_key(data["first_name"], data["last_name"])}
        if "national_id" in given:
            national_id = row.setdefault("national_id", None)
            row["national_id_last4"] = national_id[-4:] if national_id else None
        batch.append(row)
    if batch:
        write(batch, same)


def _executemany_batch(batch: list[dict], same: dict):
    db.session.execute(sa.insert(Employee), [{**same, **row} for row in batch])


def _unnest_batch(batch: list[dict], same: dict):
    """One statement for the batch: an array per column, zipped back into rows
    by unnest. The arrays travel in psycopg's binary format (text arrays would
    be quoted value by value); columns empty in every row are left out (NULL)."""
    table, connection = Employee.__table__, db.session.connection()
    dialect = connection.dialect
    names = [n for n in batch[0] if any(row[n] is not None for row in batch)]
    params = {f"c_{n}": _bound(table.c[n], dialect, [v])[0] for n, v in same.items()}
    params.update({f"a_{n}": _bound(table.c[n], dialect, [row[n] for row in batch]) for n in names})
    arrays = ", ".join(f"%(a_{n})b::{table.c[n].type.compile(dialect)}[]" for n in names)
    constants = ", ".join(f"%(c_{n})b::{table.c[n].type.compile(dialect)}" for n in same)
    columns = ", ".join(list(same) + names)
    connection.exec_driver_sql(f"INSERT INTO {table.name} ({columns}) SELECT {constants}, * FROM unnest({arrays})", params)


def _bound(column, dialect, values: list) -> list:
    """Values as the column's type would bind them (encryption included)."""
    process = column.type.bind_processor(dialect)
    return [process(v) for v in values] if process else values
