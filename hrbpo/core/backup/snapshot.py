"""`hrbpo backup DIR`: one consistent snapshot of every tenant while the app
keeps serving, then the uploaded files, then the manifest.

SQLite: the online backup API (one read transaction) into a copy whose
journal is a plain file again. PostgreSQL: as the owner role, one REPEATABLE
READ READ ONLY transaction across every tenant through the row-security
policies (`pg_dump` as the owner sees no tenant rows under FORCE RLS), one CSV
per table from COPY.
"""
import shutil
import sqlite3
import uuid
from collections import Counter
from contextlib import closing
from pathlib import Path

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.pool import NullPool

from hrbpo.core import tenancy
from hrbpo.core.backup import manifest
from hrbpo.core.backup.manifest import DATABASE, FILES, TABLES, BackupError

VERSIONS = "alembic_version"  # made again by the restore's migrations


def backup(folder) -> dict:
    folder = Path(folder)
    if folder.exists() and any(folder.iterdir()):
        raise BackupError(f"{folder} is not empty: a backup goes into a new or empty folder.")
    folder.mkdir(parents=True, exist_ok=True)
    url = owner_url()
    if url.get_backend_name() == "sqlite":
        heads, rows = _sqlite(Path(url.database), folder / DATABASE)
    else:
        heads, rows = _postgresql(url, folder / TABLES)
    # After the snapshot: files are written before the rows that name them,
    # so every file the snapshot knows is already there.
    _copy_files(Path(current_app.config["HRBPO_UPLOAD_DIR"]), folder / FILES)
    return manifest.write(folder, url.get_backend_name(), heads, rows)


def owner_url() -> sa.engine.URL:
    return sa.engine.make_url(current_app.config["HRBPO_MIGRATE_DATABASE_URL"])


def tenant_rows(execute, tables: list[str]) -> list[dict]:
    """[{"slug", "rows"}]: each tenant's rows over every tenant table.
    `execute(sql)` returns rows; `tables` are those with a tenant_id."""
    counts = Counter()
    for table in tables:
        for tenant_id, n in execute(f'SELECT tenant_id, count(*) FROM "{table}" '
                                    "WHERE tenant_id IS NOT NULL GROUP BY tenant_id"):
            counts[uuid.UUID(str(tenant_id))] += n
    slugs = {uuid.UUID(str(id_)): slug for id_, slug in execute("SELECT id, slug FROM tenants")}
    return [{"slug": slugs[id_], "rows": counts[id_]} for id_ in sorted(slugs, key=slugs.get)]


def sqlite_tables(connection: sqlite3.Connection) -> tuple[list[str], list[str]]:
    """(every table, those with a tenant_id) of a SQLite database."""
    names = [name for (name,) in connection.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
    scoped = [name for name in names
              if any(column[1] == "tenant_id" for column in connection.execute(f'PRAGMA table_info("{name}")'))]
    return names, scoped


def sqlite_heads(connection: sqlite3.Connection) -> list[str]:
    return [head for (head,) in connection.execute(f"SELECT version_num FROM {VERSIONS}")]


def _sqlite(source: Path, copy: Path):
    # Plain sqlite3, not SQLAlchemy: the engine hook would turn the copy's journal back to WAL.
    # (closing(): sqlite3's own context manager commits but never closes.)
    with closing(sqlite3.connect(source)) as live, closing(sqlite3.connect(copy)) as target:
        live.backup(target)
        target.execute("PRAGMA journal_mode = DELETE")
        _, scoped = sqlite_tables(target)
        return sqlite_heads(target), tenant_rows(lambda sql: target.execute(sql).fetchall(), scoped)


def postgresql_tables(connection) -> tuple[list[str], list[str]]:
    names = connection.execute(sa.text(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")).scalars().all()
    scoped = connection.execute(sa.text(
        "SELECT table_name FROM information_schema.columns WHERE table_schema = 'public' "
        "AND column_name = 'tenant_id' ORDER BY table_name")).scalars().all()
    return names, scoped


def _postgresql(url, folder: Path):
    folder.mkdir()
    engine = sa.create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn, tenancy.all_tenants():
            conn = conn.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
            with conn.begin():
                # The first statement fixes the snapshot (and sends the all-tenants setting).
                heads = conn.execute(sa.text(f"SELECT version_num FROM {VERSIONS}")).scalars().all()
                names, scoped = postgresql_tables(conn)
                cursor = conn.connection.dbapi_connection.cursor()
                for table in names:
                    if table != VERSIONS:
                        _copy_out(cursor, table, folder / f"{table}.csv")
                rows = tenant_rows(lambda sql: conn.execute(sa.text(sql)).all(), scoped)
    finally:
        engine.dispose()
    return heads, rows


def _copy_out(cursor, table: str, path: Path):
    with open(path, "wb") as out, cursor.copy(
            f'COPY (SELECT * FROM "{table}") TO STDOUT WITH (FORMAT csv, HEADER true)') as copy:
        for chunk in copy:
            out.write(chunk)


def _copy_files(uploads: Path, target: Path):
    target.mkdir()
    if not uploads.is_dir():
        return
    for path in sorted(uploads.rglob("*")):
        if path.is_file():
            destination = target / path.relative_to(uploads)
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, destination)
