"""`hrbpo restore DIR`: a backup into an empty database, or nothing at all.

Everything that can refuse is checked before anything changes: the manifest
and its checksums, the dialect, the migration heads, an empty database and
upload folder. The rows then load in one transaction (PostgreSQL: schema at
the backup's heads, rows by COPY with user triggers off so derived counters
are not counted twice, then roles and policies) that commits only once every
audit chain verifies and every tenant has the rows the manifest counted.
"""
import csv
import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.script import ScriptDirectory
from flask import current_app
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from hrbpo.core import audit, rls, tenancy
from hrbpo.core.backup import manifest
from hrbpo.core.backup.manifest import DATABASE, FILES, TABLES, BackupError
from hrbpo.core.backup.snapshot import VERSIONS, owner_url, postgresql_tables, sqlite_tables, tenant_rows
from hrbpo.core.db import db
from hrbpo.core.migrate import _known, alembic_config


def restore(folder) -> dict:
    """Restore DIR; returns its manifest. Raises BackupError, having changed nothing."""
    folder = Path(folder)
    found = manifest.read(folder)
    url = owner_url()
    if found["dialect"] != url.get_backend_name():
        raise BackupError(f"The backup is of a {found['dialect']} database; this one is {url.get_backend_name()}.")
    script = ScriptDirectory.from_config(alembic_config())
    unknown = sorted(head for head in found["migration_heads"] if not _known(script, head))
    if unknown:
        raise BackupError(f"The backup's migration heads {', '.join(unknown)} are newer than this code knows: "
                          "restore it with the version of hrbpo that made it.")
    uploads = Path(current_app.config["HRBPO_UPLOAD_DIR"])
    if uploads.is_dir() and any(path.is_file() for path in uploads.rglob("*")):
        raise BackupError(f"The upload folder {uploads} is not empty: restore into an empty one.")
    if url.get_backend_name() == "sqlite":
        _sqlite(Path(url.database), folder / DATABASE, found)
    else:
        _postgresql(url, folder / TABLES, found)
    shutil.copytree(folder / FILES, uploads, dirs_exist_ok=True)
    return found


def _not_empty(names: list[str]) -> BackupError:
    return BackupError(f"The database is not empty (it has {len(names)} tables, e.g. {names[0]}): "
                       "restore only into a new, empty database.")


def _sqlite(target: Path, copy: Path, found: dict):
    if target.exists():
        with closing(sqlite3.connect(target)) as existing:
            names, _ = sqlite_tables(existing)
        if names:
            raise _not_empty(names)
    with closing(sqlite3.connect(f"file:{copy}?mode=ro", uri=True)) as source, \
            closing(sqlite3.connect(target)) as restored:
        source.backup(restored)
    engine = sa.create_engine(f"sqlite:///{target}", poolclass=NullPool)
    try:
        with engine.connect() as conn:
            _, scoped = sqlite_tables(conn.connection.dbapi_connection)
            _verify(conn, scoped, found)
    except BaseException:
        engine.dispose()
        for path in (target, Path(f"{target}-wal"), Path(f"{target}-shm")):
            path.unlink(missing_ok=True)
        raise
    engine.dispose()


def _postgresql(url, tables: Path, found: dict):
    engine = sa.create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn, conn.begin():
            names, _ = postgresql_tables(conn)
            if names:
                raise _not_empty(names)
            config = alembic_config()
            config.attributes["connection"] = conn
            for head in found["migration_heads"]:
                command.upgrade(config, head)
            _load(conn, tables)
            rls.apply(conn, db.metadata, **rls.roles(current_app.config))
            _verify(conn, postgresql_tables(conn)[1], found)
    finally:
        engine.dispose()


def _load(conn, folder: Path):
    schema = sa.MetaData()
    schema.reflect(conn)
    order = [table.name for table in schema.sorted_tables if table.name != VERSIONS]
    files = {path.stem: path for path in folder.glob("*.csv")}
    strangers = sorted(files.keys() - set(order))
    if strangers:
        raise BackupError(f"The backup has tables its migration heads do not make: {', '.join(strangers)}.")
    cursor = conn.connection.dbapi_connection.cursor()
    for table in order:
        conn.execute(sa.text(f'ALTER TABLE "{table}" DISABLE TRIGGER USER'))
    for table in order:
        if table in files:
            _copy_in(cursor, table, files[table])
    for table in order:
        conn.execute(sa.text(f'ALTER TABLE "{table}" ENABLE TRIGGER USER'))


def _copy_in(cursor, table: str, path: Path):
    with open(path, "rb") as source:
        header = next(csv.reader([source.readline().decode()]))
        source.seek(0)
        columns = ", ".join(f'"{column}"' for column in header)
        with cursor.copy(f'COPY "{table}" ({columns}) FROM STDIN WITH (FORMAT csv, HEADER true)') as copy:
            for chunk in iter(lambda: source.read(1 << 20), b""):
                copy.write(chunk)


def _verify(conn, scoped: list[str], found: dict):
    """Every audit chain intact and every tenant's rows all there, or BackupError."""
    with tenancy.all_tenants(), Session(bind=conn) as session:
        problems = audit.verify(all_chains=True, session=session)
        rows = tenant_rows(lambda sql: session.execute(sa.text(sql)).all(), scoped)
    if rows != found["tenants"]:
        problems.append(f"tenant rows {rows} differ from the manifest's {found['tenants']}")
    if problems:
        raise BackupError("The restored data does not verify, nothing was restored: " + "; ".join(problems))
