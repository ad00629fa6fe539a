"""Which tenant the current work is for.

The tenant lives in a context variable so the ORM hook (db.py), PostgreSQL's
RLS session variable and CLI commands all read the same value. Crossing tenants
is explicit: `all_tenants()` is for operator and platform code only, and on
PostgreSQL runs on the operator's own connection (db.operator_engine()), since
the app role cannot widen its policies; `identity_lookup()` is the one narrow
crossing the app role may make itself (who belongs to which tenant, at sign-in).
"""
import uuid
from contextlib import contextmanager
from contextvars import ContextVar

ALL = object()
IDENTITY = object()
_current: ContextVar = ContextVar("hrbpo_tenant", default=None)
# The tenants a scoped operator may see in this request (None: no limit). Every
# read while it is set, all_tenants() included, is held to them (operators/scope.py).
_visible: ContextVar = ContextVar("hrbpo_visible_tenants", default=None)
# Run before every all_tenants(): db.py flushes work pending in the current
# tenant there, on the app's connection, before the operator's takes over.
before_crossing: list = []


class TenantNotSet(RuntimeError):
    """A tenant-scoped table was queried with no tenant chosen."""


def current_tenant_id() -> uuid.UUID | None:
    value = _current.get()
    return None if value in (ALL, IDENTITY) else value


def in_all_tenants() -> bool:
    """No tenant filter in the ORM: all tenants, or an identity lookup."""
    return _current.get() in (ALL, IDENTITY)


def as_operator() -> bool:
    """Cross-tenant work that needs the operator connection."""
    return _current.get() is ALL


def require_tenant_id() -> uuid.UUID:
    tenant_id = current_tenant_id()
    if tenant_id is None:
        raise TenantNotSet("No tenant is set: use tenancy.tenant_context(tenant) (or all_tenants() in operator code)")
    return tenant_id


def _tenant_id(tenant) -> uuid.UUID:
    return tenant if isinstance(tenant, uuid.UUID) else tenant.id


@contextmanager
def _switch(value):
    token = _current.set(value)
    try:
        yield
    finally:
        _current.reset(token)


def tenant_context(tenant):
    """Run the block as `tenant` (a Tenant or its id)."""
    return _switch(_tenant_id(tenant))


def all_tenants():
    """Run the block across every tenant: operator and platform code only."""
    for hook in before_crossing:
        hook()
    return _switch(ALL)


def visible_tenant_ids() -> frozenset | None:
    """The tenants this request may see across tenants; None: every one."""
    return _visible.get()


def limit_to(tenant_ids) -> object:
    """Hold the rest of a request to `tenant_ids`; `unlimit(token)` undoes it."""
    return _visible.set(frozenset(tenant_ids))


def unlimit(token) -> None:
    _visible.reset(token)


def identity_lookup():
    """Read the identity tables (rls.IDENTITY: memberships, tenant modules)
    across tenants, before a tenant is known, on the app's own connection.
    Other tenant tables read nothing here on PostgreSQL: use all_tenants()."""
    return _switch(IDENTITY)


def enter(tenant) -> object:
    """Set the tenant for the rest of a request; `leave(token)` undoes it."""
    return _current.set(_tenant_id(tenant))


def leave(token) -> None:
    _current.reset(token)


def rls_settings() -> tuple[str, str]:
    """(tenant id, all-tenants flag): what PostgreSQL's RLS policies read, as
    strings for set_config (db.py sends them before each statement that needs them)."""
    value = _current.get()
    return ("", "1") if value in (ALL, IDENTITY) else (str(value) if value else "", "")


def no_tenant():
    """Run the block with no tenant set (background work starts from nothing)."""
    return _switch(None)
