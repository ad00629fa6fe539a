"""Operator groups: create, rename, set their tenants, delete; audited in the
operator log (no tenant). The link table is the BPO's own data (exempt from
row-level security, rls.EXEMPT), read and written on the app's connection."""
import sqlalchemy as sa

from hrbpo.core import audit
from hrbpo.core.db import db, lock
from hrbpo.core.errors import Conflict, Invalid, NotFound
from hrbpo.core.i18n import N_
from hrbpo.core.operators.models import OperatorGroup, group_tenants
from hrbpo.core.tenants.models import Tenant

NAME_TAKEN = N_("An operator group with this name exists already.")


def groups_query():
    return sa.select(OperatorGroup).order_by(OperatorGroup.name_key)


def all_groups(limit=500) -> list[OperatorGroup]:
    """The groups for a console page (a BPO has tens, not thousands)."""
    return db.session.scalars(groups_query().limit(limit)).all()


def get(group_id, for_update=False) -> OperatorGroup:
    group = db.session.get(OperatorGroup, group_id)
    if group is None:
        raise NotFound("No such operator group.")
    return lock(group) if for_update else group


def slugs_by_group(groups) -> dict:
    """Group id → its tenants' slugs (sorted), in one query for a page of groups."""
    ids = [g.id for g in groups]
    out = {i: [] for i in ids}
    if ids:
        rows = db.session.execute(sa.select(group_tenants.c.group_id, Tenant.slug)
                                  .join(Tenant, Tenant.id == group_tenants.c.tenant_id)
                                  .where(group_tenants.c.group_id.in_(ids)).order_by(Tenant.slug)).all()
        for group_id, slug in rows:
            out[group_id].append(slug)
    return out


def group_out(group, slugs=None) -> dict:
    slugs = slugs if slugs is not None else slugs_by_group([group])[group.id]
    return {"id": group.id, "name": group.name, "tenant_slugs": slugs}


def groups_out(groups) -> list[dict]:
    slugs = slugs_by_group(groups)
    return [group_out(g, slugs[g.id]) for g in groups]


def _tenant_ids(slugs) -> list:
    wanted = sorted(set(slugs))
    found = dict(db.session.execute(sa.select(Tenant.slug, Tenant.id).where(Tenant.slug.in_(wanted))).all()) \
        if wanted else {}
    unknown = [s for s in wanted if s not in found]
    if unknown:
        raise Invalid({"tenant_slugs": [f"No such tenant: {', '.join(unknown[:10])}."]})
    return [found[s] for s in wanted]


def _check_name(name: str, group=None):
    key = name.strip().lower()
    clash = db.session.scalars(sa.select(OperatorGroup.id).where(OperatorGroup.name_key == key)).first()
    if clash is not None and (group is None or clash != group.id):
        raise Conflict(NAME_TAKEN, {"name": [NAME_TAKEN]})
    return key


def _flush_name():
    try:
        db.session.flush()
    except sa.exc.IntegrityError:  # a concurrent request took the name first
        db.session.rollback()
        raise Conflict(NAME_TAKEN, {"name": [NAME_TAKEN]}) from None


def _set_tenants(group, tenant_ids):
    db.session.execute(sa.delete(group_tenants).where(group_tenants.c.group_id == group.id))
    if tenant_ids:
        db.session.execute(sa.insert(group_tenants), [{"group_id": group.id, "tenant_id": t} for t in tenant_ids])


def create(name: str, tenant_slugs) -> OperatorGroup:
    name = name.strip()
    group = OperatorGroup(name=name, name_key=_check_name(name))
    tenant_ids = _tenant_ids(tenant_slugs)
    db.session.add(group)
    _flush_name()
    _set_tenants(group, tenant_ids)
    audit.record("operator_group.create", group, {"name": name, "tenant_slugs": sorted(set(tenant_slugs))},
                 tenant_id=None)
    return group


def update(group_id, name: str | None = None, tenant_slugs=None) -> OperatorGroup:
    """Rename and/or replace the tenant set (a scoped operator sees the change from their next request)."""
    group = get(group_id, for_update=True)
    changes = {}
    if name is not None and name.strip() != group.name:
        name = name.strip()
        group.name_key = _check_name(name, group)
        changes["name"] = [group.name, name]
        group.name = name
    if tenant_slugs is not None:
        before = slugs_by_group([group])[group.id]
        _set_tenants(group, _tenant_ids(tenant_slugs))
        if sorted(set(tenant_slugs)) != before:
            changes["tenant_slugs"] = [before, sorted(set(tenant_slugs))]
    _flush_name()
    audit.record("operator_group.update", group, changes, tenant_id=None)
    return group


def delete(group_id):
    group = get(group_id, for_update=True)
    audit.record("operator_group.delete", group, {"name": group.name}, tenant_id=None)
    _set_tenants(group, [])
    db.session.delete(group)
