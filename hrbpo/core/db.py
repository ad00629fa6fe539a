"""Database: SQLAlchemy models, the TenantScoped mixin and the hooks that keep
every tenant inside its own rows (DESIGN decisions 1 and 2)."""
import logging
import os
import sqlite3
import struct
import threading
import time
import uuid
import weakref
from datetime import datetime, timezone

import sqlalchemy as sa
import uuid6
from flask import current_app, has_app_context, has_request_context, request
from flask_sqlalchemy import SQLAlchemy
from flask_sqlalchemy.session import Session as FlaskSession
from sqlalchemy import event
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, with_loader_criteria

from hrbpo.core import citus, tenancy

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING)


log = logging.getLogger(__name__)
OPERATOR_ENGINE = "hrbpo_operator_engine"
_operator_lock = threading.Lock()


def operator_engine() -> sa.engine.Engine | None:
    """The engine cross-tenant work runs on (tenancy.all_tenants()): on
    PostgreSQL with an app role of its own, a connection as the owner
    (HRBPO_OPERATOR_DATABASE_URL, default the migration URL), whose policies
    alone let `hrbpo.all_tenants` through; otherwise None (the app's own)."""
    extensions = current_app.extensions
    if OPERATOR_ENGINE not in extensions:
        with _operator_lock:
            if OPERATOR_ENGINE not in extensions:
                extensions[OPERATOR_ENGINE] = _make_operator_engine(current_app.config)
    return extensions[OPERATOR_ENGINE]


def _make_operator_engine(config) -> sa.engine.Engine | None:
    url = sa.engine.make_url(config.get("HRBPO_OPERATOR_DATABASE_URL") or config["HRBPO_MIGRATE_DATABASE_URL"])
    if url.get_backend_name() != "postgresql" or url == sa.engine.make_url(config["SQLALCHEMY_DATABASE_URI"]):
        return None
    engine = sa.create_engine(url, **config["SQLALCHEMY_ENGINE_OPTIONS"])
    event.listen(engine, "begin", _log_crossing)
    return engine


def _log_crossing(conn):
    """Every cross-tenant transaction leaves a line (who asked is in the request's)."""
    where = f"{request.method} {request.path}" if has_request_context() else "background work"
    log.info("cross-tenant transaction on the operator connection for %s", where)


class TenantSession(FlaskSession):
    """Cross-tenant work goes to the operator connection: the app role's own
    connection never reads past its tenant, whatever it sets.

    One session then holds two connections, and a row one of them has locked
    or written (uncommitted) would make the other wait on it for ever. So work
    pending when all_tenants() starts is flushed first, where it began
    (_flush_before_crossing), and rows without row security (users, tenants,
    tokens) are always written on the app's connection."""

    def get_bind(self, mapper=None, clause=None, bind=None, **kwargs):
        if bind is None and tenancy.as_operator() and not (self._flushing and not _row_secured(mapper)):
            engine = operator_engine()
            if engine is not None:
                return engine
        return super().get_bind(mapper, clause, bind=bind, **kwargs)


def _row_secured(mapper) -> bool:
    return mapper is not None and "tenant_id" in sa.inspect(mapper).local_table.c


def _flush_before_crossing():
    if has_app_context() and db.session.registry.has():
        session = db.session()
        if session.new or session.dirty or session.deleted:
            session.flush()


# Objects stay readable after commit (no reload round trip, no reload outside
# the tenant context they were loaded in).
db = SQLAlchemy(model_class=Base, session_options={"expire_on_commit": False, "class_": TenantSession})
tenancy.before_crossing.append(_flush_before_crossing)


def new_id() -> uuid.UUID:
    """A time-ordered UUID (v7): index-friendly and safe to make in the app."""
    return uuid.UUID(int=uuid6.uuid7().int)


_V7 = 0x7 << 76 | 0b10 << 62


def new_ids(n: int) -> list[uuid.UUID]:
    """`n` UUIDv7s for a bulk insert, increasing: one clock reading, a 12-bit
    sequence per millisecond (RFC 9562's counter method) and 62 random bits
    each, from one read of the OS's randomness (new_id per row was a third
    of a 100,000-row import's Python time)."""
    start, entropy = time.time_ns() // 1_000_000, os.urandom(8 * n)
    mask, unpack = (1 << 62) - 1, struct.Struct(f">{n}Q").unpack
    return [uuid.UUID(int=(start + i // 4096) << 80 | _V7 | (i % 4096) << 64 | random & mask)
            for i, random in enumerate(unpack(entropy))]


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class TZDateTime(sa.types.TypeDecorator):
    """Timezone-aware UTC datetimes on every backend (SQLite drops the zone)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime")
        return value.astimezone(timezone.utc) if value is not None else None

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return value


class Timestamped:
    created_at: Mapped[datetime] = mapped_column(TZDateTime, default=utcnow, sort_order=90)


class TenantScoped:
    """Rows owned by one tenant: primary key (tenant_id, id), filtered and
    stamped automatically, and (on PostgreSQL) guarded by row-level security."""

    tenant_id: Mapped[uuid.UUID] = mapped_column(
        sa.Uuid, sa.ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True, sort_order=-20
    )
    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True, default=new_id, sort_order=-19)


def tenant_fk(column: str, target_table: str, **kw) -> sa.ForeignKeyConstraint:
    """A foreign key between tenant tables that includes tenant_id, so a row can
    never point at another tenant's row."""
    return sa.ForeignKeyConstraint(
        ["tenant_id", column], [f"{target_table}.tenant_id", f"{target_table}.id"], **kw
    )


def tenant_relationship(owner: str, target: str, column: str, **kw):
    """Many-to-one inside one tenant: joins on tenant_id and `column` but only
    ever writes `column` (tenant_id is stamped, never copied between rows)."""
    return sa.orm.relationship(
        target,
        primaryjoin=f"and_({owner}.tenant_id == {target}.tenant_id, foreign({owner}.{column}) == {target}.id)",
        **kw,
    )


def is_tenant_scoped(cls) -> bool:
    return isinstance(cls, type) and issubclass(cls, TenantScoped)


# The tenant filter, one constant option for every statement: the tenant id
# travels as a bound parameter, so a statement built once (a hot list) keeps
# its cache key instead of being copied with a new lambda and re-keyed on
# every execution (most of an ORM list's overhead). The scoped copy is
# memoised per statement object, weakly: it dies with the statement.
TENANT_PARAM = "hrbpo_tenant_id"
_TENANT_ID = sa.bindparam(TENANT_PARAM)
_TENANT_CRITERIA = with_loader_criteria(TenantScoped, lambda cls: cls.tenant_id == _TENANT_ID, include_aliases=True)
_scoped_statements = weakref.WeakKeyDictionary()


@event.listens_for(Session, "do_orm_execute")
def _scope_to_tenant(state):
    if not (state.is_select or state.is_update or state.is_delete) or tenancy.in_all_tenants():
        return
    if state.execution_options.get("hrbpo_unscoped"):
        return
    tenant_id = tenancy.current_tenant_id()
    if tenant_id is None:
        scoped = [m.class_.__name__ for m in state.all_mappers if is_tenant_scoped(m.class_)]
        if scoped:
            raise tenancy.TenantNotSet(f"Query on tenant-scoped {', '.join(scoped)} with no tenant set")
        return
    statement = state.statement
    scoped = _scoped_statements.get(statement)
    if scoped is None:
        scoped = _scoped_statements[statement] = statement.options(_TENANT_CRITERIA)
    state.statement = scoped
    params = state.parameters
    if isinstance(params, list):  # executemany (bulk UPDATE by primary key)
        state.parameters = [{**p, TENANT_PARAM: tenant_id} for p in params]
    else:
        state.parameters = {**(params or {}), TENANT_PARAM: tenant_id}


@event.listens_for(Session, "before_flush")
def _stamp_tenant(session, flush_context, instances):
    tenant_id = tenancy.current_tenant_id()
    for obj in list(session.new) + list(session.dirty) + list(session.deleted):
        if not is_tenant_scoped(type(obj)) or tenancy.in_all_tenants():
            continue
        if tenant_id is None:
            raise tenancy.TenantNotSet(f"Writing {type(obj).__name__} with no tenant set")
        if obj.tenant_id is None:
            obj.tenant_id = tenant_id
        elif obj.tenant_id != tenant_id:
            raise tenancy.TenantNotSet(f"{type(obj).__name__} belongs to another tenant")
    for obj in session.new:
        if is_tenant_scoped(type(obj)) and obj.tenant_id is None:
            raise tenancy.TenantNotSet(f"{type(obj).__name__} has no tenant")


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
    connection_record.info[_CITUS] = on_citus


def on_citus() -> bool:
    """Whether the app's database is a Citus cluster."""
    return bool(db.session.connection().info.get(_CITUS))


_CITUS = "hrbpo_citus"
_RLS_SQL = "SELECT set_config('hrbpo.tenant_id', %s, true), set_config('hrbpo.all_tenants', %s, true)"
# set_config does not reach Citus workers; SET LOCAL does (values are a UUID
# and a flag, never user text, and are quoted all the same).
_RLS_SQL_CITUS = "SET LOCAL hrbpo.tenant_id = {}; SET LOCAL hrbpo.all_tenants = {}"
_RLS_SENT = "hrbpo_rls"
_WROTE = "hrbpo_wrote"
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
    if conn.info.get(_CITUS):
        from psycopg import sql

        dbapi.execute(sql.SQL(_RLS_SQL_CITUS).format(*map(sql.Literal, wanted)))
    else:
        dbapi.execute(_RLS_SQL, wanted)
    conn.info[_RLS_SENT] = wanted


@event.listens_for(sa.engine.Engine, "before_cursor_execute")
def _note_writes(conn, cursor, statement, parameters, context, executemany):
    """Remember whether this transaction ran anything but plain SELECTs."""
    if executemany or statement.lstrip()[:6].upper() != "SELECT":
        conn.info[_WROTE] = True


def _forget_transaction(info: dict):
    info.pop(_RLS_SENT, None)
    info.pop(_WROTE, None)


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


def end_read_only_transaction(exc=None):
    """teardown: COMMIT (not ROLLBACK) a request transaction that only read.

    The two end a read-only transaction alike, but psycopg drops every prepared
    statement of the connection on ROLLBACK, so reads ending in ROLLBACK never
    reach its prepare threshold and PostgreSQL plans each query afresh on
    every request (about 0.4 ms per list query with its RLS policies). Anything
    pending, written or failed still rolls back.

    The answer is already made from what was read, so a database that went
    away meanwhile must not turn it into the server's own error page: the
    connection is discarded instead (closed, never handed back to the pool)."""
    if not db.session.registry.has():
        return  # the request never used the database
    session = db.session()
    if exc is not None or not session.in_transaction() or session.new or session.dirty or session.deleted:
        return
    try:
        # Every connection of the transaction (the operator's too) must have only read.
        connections = session.info.get(_CONNECTIONS) or [session.connection()]
        if all(not c.invalidated and c.dialect.name == "postgresql" and not c.info.get(_WROTE) for c in connections):
            session.commit()
    except sa.exc.SQLAlchemyError:  # a lost connection, or a transaction a failure left unusable
        session.invalidate()


def lock(obj, shared=False):
    """Hold `obj`'s row until the transaction ends and reload it: a state
    transition calls this first, so its checks see what is committed now and
    no concurrent request changes the row before this one commits. `shared`
    is for a row the transition only depends on (an open window): sharers
    pass each other, a transition of that row waits for them (FOR SHARE).

    PostgreSQL: SELECT … FOR UPDATE (a concurrent lock waits for our commit,
    then reads our result). SQLite locks the whole database for a writer but
    only at the first write (the driver begins a transaction there), after
    which a stale read would be acted on: BEGIN IMMEDIATE takes the write lock
    before the re-read."""
    session = sa.orm.object_session(obj) or db.session()
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        if not connection.connection.dbapi_connection.in_transaction:  # else this one already writes
            connection.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        # The lock, then the reload in a statement of its own: locking the reload
        # itself would re-check only the locked row against the rows it joined
        # before the wait (PostgreSQL's EvalPlanQual) and lose an eager relation.
        state = sa.inspect(obj)
        key = sa.and_(*(column == value for column, value in zip(state.mapper.primary_key, state.identity)))
        session.execute(sa.select(*state.mapper.primary_key).where(key).with_for_update(read=shared))
    session.refresh(obj)
    return obj


_CONNECTIONS = "hrbpo_connections"


@event.listens_for(TenantSession, "after_begin")
def _remember_connection(session, transaction, connection):
    session.info.setdefault(_CONNECTIONS, []).append(connection)


@event.listens_for(TenantSession, "after_transaction_end")
def _forget_connections(session, transaction):
    if transaction.parent is None:
        session.info.pop(_CONNECTIONS, None)


class Encrypted(sa.types.TypeDecorator):
    """Text encrypted at rest with the deployment's Fernet keys (rotatable)."""

    impl = sa.Text
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        return current_app.extensions["hrbpo_crypto"].encrypt(str(value).encode()).decode()

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return current_app.extensions["hrbpo_crypto"].decrypt(value.encode()).decode()


def get_or_404(model, id_, description=None, options=()):
    """The row with this id in the current tenant, or a 404 (never another
    tenant's). `options` are loader options for the query (what to load with it)."""
    from flask import abort

    try:
        key = id_ if isinstance(id_, uuid.UUID) else uuid.UUID(str(id_))
    except ValueError:
        abort(404, description or f"{model.__name__} not found")
    obj = db.session.scalars(sa.select(model).where(model.id == key).options(*options)).first()
    if obj is None:
        abort(404, description or f"{model.__name__} not found")
    return obj
