"""The one gate for scoped operators: which tenants a request may see.

At the start of a request (auth.context.load_caller) a scoped operator's
tenants are read afresh, from their groups, and set as the request's
`tenancy.visible_tenant_ids()`; nothing is cached past the request, so a
group change applies from the next one, to tokens and sessions already issued.
While it is set, every ORM statement is held to those tenants: the tenants
table by id, every table with a `tenant_id` by that column (rows of no tenant,
the platform's own, stay). Cross-tenant code (tenancy.all_tenants(): lists,
queues, search, mail, jobs, a plugin's queue through plugin_api) is therefore
scoped without knowing it; `may_see()` answers for a tenant already loaded.
"""
from contextvars import ContextVar

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session, with_loader_criteria

from hrbpo.core import tenancy
from hrbpo.core.db import db
from hrbpo.core.operators.models import group_members, group_tenants
from hrbpo.core.tenants.models import Tenant


def is_bpo_admin(user) -> bool:
    return bool(user is not None and user.is_operator and user.operator_role == "bpo_admin")


def is_scoped(user) -> bool:
    """An operator held to their groups' tenants (any operator who is not a bpo_admin: fail closed)."""
    return bool(user is not None and user.is_operator and not is_bpo_admin(user))


def tenant_ids_of(user) -> frozenset:
    """The tenants of the operator's groups, read now."""
    return frozenset(db.session.scalars(
        sa.select(group_tenants.c.tenant_id).distinct()
        .join(group_members, group_members.c.group_id == group_tenants.c.group_id)
        .where(group_members.c.user_id == user.id)))


# The scoped operator of this request: platform jobs (no tenant) they started stay theirs to see.
_operator = ContextVar("hrbpo_scoped_operator", default=None)


def enter(user) -> object | None:
    """Limit this request to what `user` may see; the token for leave(), or None (no limit)."""
    if not is_scoped(user):
        return None
    return tenancy.limit_to(tenant_ids_of(user)), _operator.set(user.id)


def leave(token) -> None:
    if token is not None:
        limit, operator = token
        _operator.reset(operator)
        tenancy.unlimit(limit)


def may_see(tenant_id) -> bool:
    visible = tenancy.visible_tenant_ids()
    return visible is None or tenant_id in visible


def _scoped_classes() -> list:
    """Mapped classes holding tenant rows: the tenants themselves and every class with a tenant_id."""
    return [m.class_ for m in db.Model.registry.mappers
            if m.class_ is not Tenant and "tenant_id" in m.columns]


def _platform_rows(cls):
    """Which rows of no tenant a scoped operator may read. Platform mail and
    the jobs behind it name clients' people (a password reset goes to an
    employee's address, with the client's name): none of it; of other jobs only
    their own (a bpo_admin's cross-client export is not theirs)."""
    if cls.__tablename__ == "mail_outbox":
        return sa.false()
    if cls.__tablename__ == "jobs":
        return sa.and_(cls.tenant_id.is_(None), cls.created_by == _operator.get())
    return cls.tenant_id.is_(None)


def _criteria(visible: frozenset) -> list:
    ids = sorted(visible)
    options = [with_loader_criteria(Tenant, Tenant.id.in_(ids), include_aliases=True)]
    options += [with_loader_criteria(cls, sa.or_(cls.tenant_id.in_(ids), _platform_rows(cls)),
                                     include_aliases=True) for cls in _scoped_classes()]
    return options


@event.listens_for(Session, "do_orm_execute")
def _only_visible_tenants(state):
    visible = tenancy.visible_tenant_ids()
    if visible is None or not (state.is_select or state.is_update or state.is_delete):
        return
    state.statement = state.statement.options(*_criteria(visible))
