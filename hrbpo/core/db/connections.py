"""Engine and pool events for every connection: connect timeout, SQLite's
foreign keys, the tenant sent to PostgreSQL for row-level security, and
whether a transaction wrote (so a read-only one can end in COMMIT)."""
import sqlite3
import time

import sqlalchemy as sa
from sqlalchemy import event

from hrbpo.core import citus, tenancy

# A PostgreSQL that does not answer fails a connection attempt after this
# long (libpq waits forever by default): the request answers 503 instead of hanging.
CONNECT_TIMEOUT_SECONDS = 5


@event.listens_for(sa.engine.Engine, "do_connect")
def _connect_timeout(dialect, connection_record, cargs, cparams):
    if dialect.name == "postgresql":
        cparams.setdefault("connect_timeout", CONNECT_TIMEOUT_SECONDS)


@event.listens_for(sa.engine.Engine, "connect")
def _sqlite_foreign_keys(dbapi_connection, connection_record):
    """SQLite ignores foreign keys unless asked per connection; the composite
    tenant keys (decision 1) must hold there too. Write-ahead logging lets the
    web app read while the worker (another process) writes a big import."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.close()


@event.listens_for(sa.engine.Engine, "connect")
def _detect_citus(dbapi_connection, connection_record):
    """Note once per connection whether it is to a Citus coordinator, and let
    its SET LOCAL reach the workers (citus.py): _send_rls sends the tenant so."""
    if isinstance(dbapi_connection, sqlite3.Connection) or connection_record is None:
        return
    on_citus = dbapi_connection.execute(citus.INSTALLED).fetchone()[0]
    if on_citus:
        dbapi_connection.execute(citus.PROPAGATE)
    dbapi_connection.commit()
    connection_record.info[CITUS] = on_citus


CITUS = "hrbpo_citus"
_RLS_SQL = "SELECT set_config('hrbpo.tenant_id', %s, true), set_config('hrbpo.all_tenants', %s, true)"
# set_config does not reach Citus workers; SET LOCAL does (values are a UUID
# and a flag, never user text, and are quoted all the same).
_RLS_SQL_CITUS = "SET LOCAL hrbpo.tenant_id = {}; SET LOCAL hrbpo.all_tenants = {}"
_RLS_SENT = "hrbpo_rls"
WROTE = "hrbpo_wrote"
_SAVEPOINT_COMMANDS = ("SAVEPOINT ", "RELEASE SAVEPOINT ", "ROLLBACK TO SAVEPOINT ")
# What a transaction sees before any set_config: the app only ever sets these
# transaction-locally, so a new transaction starts with them empty.
_UNSET = ("", "")


@event.listens_for(sa.engine.Engine, "before_cursor_execute")
def _send_rls(conn, cursor, statement, parameters, context, executemany):
    """Give PostgreSQL the current tenant before a statement that may read it.

    The settings are transaction-local (`set_config(…, true)`), so pooled
    connections never carry them over. They are sent lazily, and only when they
    differ from what this transaction last saw: a request that switches tenant
    context several times before its first query pays one round trip."""
    if conn.dialect.name != "postgresql":
        return
    if statement.startswith(_SAVEPOINT_COMMANDS):
        # ROLLBACK TO restores the settings of whenever the savepoint was made,
        # which need not be what we sent last: forget, so the next statement re-sends.
        if statement.startswith("ROLLBACK"):
            conn.info[_RLS_SENT] = None
        return
    wanted = tenancy.rls_settings()
    if conn.info.get(_RLS_SENT, _UNSET) == wanted:
        return
    from psycopg.pq import TransactionStatus

    dbapi = cursor.connection
    # Autocommit has no transaction to hold them; an aborted transaction can
    # only roll back (let the statement itself raise the original error).
    if dbapi.autocommit or dbapi.info.transaction_status == TransactionStatus.INERROR:
        return
    if conn.info.get(CITUS):
        from psycopg import sql

        dbapi.execute(sql.SQL(_RLS_SQL_CITUS).format(*map(sql.Literal, wanted)))
    else:
        dbapi.execute(_RLS_SQL, wanted)
    conn.info[_RLS_SENT] = wanted


@event.listens_for(sa.engine.Engine, "before_cursor_execute")
def _note_writes(conn, cursor, statement, parameters, context, executemany):
    """Remember whether this transaction ran anything but plain SELECTs."""
    if executemany or statement.lstrip()[:6].upper() != "SELECT":
        conn.info[WROTE] = True


def _forget_transaction(info: dict):
    info.pop(_RLS_SENT, None)
    info.pop(WROTE, None)


@event.listens_for(sa.engine.Engine, "commit")
@event.listens_for(sa.engine.Engine, "rollback")
def _transaction_ended(conn):
    if not conn.invalidated:  # a lost connection has no info to forget (reading it would reconnect)
        _forget_transaction(conn.info)


@event.listens_for(sa.pool.Pool, "checkin")
def _forget_on_return(dbapi_connection, connection_record):
    """The pool rolls back a returned connection without Connection events."""
    if connection_record is not None:
        _forget_transaction(connection_record.info)
        connection_record.info[_RETURNED_AT] = time.monotonic()


# A pooled connection is pinged before use only when it sat idle this long.
# One used seconds ago is alive or failed with everything else in flight, and
# after the first disconnection error SQLAlchemy retires the whole pool; an
# idle one may have been cut by a restart, a proxy or a firewall since.
# (pool_pre_ping pinged before every request: one round trip in seven on a list.)
IDLE_PING_SECONDS = 10
_RETURNED_AT = "hrbpo_returned_at"


@event.listens_for(sa.pool.Pool, "checkout")
def _ping_if_idle(dbapi_connection, connection_record, connection_proxy):
    returned = connection_record.info.get(_RETURNED_AT)
    if returned is None or time.monotonic() - returned < IDLE_PING_SECONDS:
        return
    if isinstance(dbapi_connection, sqlite3.Connection):
        return  # a file, not a server: nothing to lose the line to
    try:
        cursor = dbapi_connection.cursor()
        cursor.execute("SELECT 1")
        cursor.close()
        dbapi_connection.rollback()
    except Exception as exc:
        # The pool discards this connection and checks out a fresh one.
        raise sa.exc.DisconnectionError(f"idle connection is gone: {exc}") from exc
