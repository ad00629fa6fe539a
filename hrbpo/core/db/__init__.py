"""Database: SQLAlchemy models, the TenantScoped mixin and the hooks that keep
every tenant inside its own rows (DESIGN decisions 1 and 2). Column types and
ids are in `columns.py`, engine and pool events in `connections.py`."""
import logging
import threading
import uuid
import weakref

import sqlalchemy as sa
from flask import current_app, has_app_context, has_request_context, request
from flask_sqlalchemy import SQLAlchemy
from flask_sqlalchemy.session import Session as FlaskSession
from sqlalchemy import event
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, with_loader_criteria

from hrbpo.core import tenancy
from hrbpo.core.db.columns import Encrypted, Timestamped, TZDateTime, new_id, new_ids, utcnow  # noqa: F401  (re-exported)
from hrbpo.core.db.connections import CITUS, WROTE

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


def on_citus() -> bool:
    """Whether the app's database is a Citus cluster."""
    return bool(db.session.connection().info.get(CITUS))


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
        if all(not c.invalidated and c.dialect.name == "postgresql" and not c.info.get(WROTE) for c in connections):
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
