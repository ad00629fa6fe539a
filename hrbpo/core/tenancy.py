"""Which tenant the current work is for.

The tenant lives in a context variable so the ORM hook (db.py), PostgreSQL's
RLS session variable and CLI commands all read the same value. Crossing tenants
is explicit: `all_tenants()` is for operator and platform code only.
"""
import uuid
from contextlib import contextmanager
from contextvars import ContextVar

ALL = object()
_current: ContextVar = ContextVar("hrbpo_tenant", default=None)


class TenantNotSet(RuntimeError):
    """A tenant-scoped table was queried with no tenant chosen."""


def current_tenant_id() -> uuid.UUID | None:
    value = _current.get()
    return None if value is ALL else value


def in_all_tenants() -> bool:
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
    return _switch(ALL)


def enter(tenant) -> object:
    """Set the tenant for the rest of a request; `leave(token)` undoes it."""
    return _current.set(_tenant_id(tenant))


def leave(token) -> None:
    _current.reset(token)


def rls_settings() -> tuple[str, str]:
    """(tenant id, all-tenants flag): what PostgreSQL's RLS policies read, as
    strings for set_config (db.py sends them before each statement that needs them)."""
    value = _current.get()
    return ("", "1") if value is ALL else (str(value) if value else "", "")



def no_tenant():
    """Run the block with no tenant set (background work starts from nothing)."""
    return _switch(None)
