"""The BPO's library of master templates. Pushing copies a master into a
tenant as an ordinary tenant template (remembering its origin), which the
tenant may then adapt without touching the master or other tenants."""
import sqlalchemy as sa

from hrbpo.plugin_api import Invalid, Tenant, audit, db, enabled_modules, get_or_404, tenancy
from hrbpo.plugins.compliance.models import ChecklistTemplate, MasterTemplate
from hrbpo.plugins.compliance.services import item_definitions, create_template


def create(data: dict) -> MasterTemplate:
    master = MasterTemplate(name=data["name"], items=item_definitions(data["items"]),
                            recurrence=data.get("recurrence") or None, assign_on=data.get("assign_on", "manual"))
    db.session.add(master)
    db.session.flush()
    audit.record("compliance.master.create", master, {"name": master.name}, tenant_id=None)
    return master


def all_masters() -> list[MasterTemplate]:
    return db.session.scalars(sa.select(MasterTemplate).order_by(MasterTemplate.name)).all()


def get(master_id) -> MasterTemplate:
    return get_or_404(MasterTemplate, master_id, "Master template not found.")


def push(master: MasterTemplate, slugs: list[str]) -> dict:
    tenants = db.session.scalars(sa.select(Tenant).where(Tenant.slug.in_(slugs))).all()
    unknown = sorted(set(slugs) - {t.slug for t in tenants if "compliance" in enabled_modules(t)})
    if unknown:
        raise Invalid({"tenants": [f"No tenant {s!r} with the compliance module on." for s in unknown]})
    created, skipped = {}, []
    for tenant in sorted(tenants, key=lambda t: t.slug):
        with tenancy.tenant_context(tenant):
            if db.session.scalars(sa.select(ChecklistTemplate.id)
                                  .where(ChecklistTemplate.master_id == master.id)).first():
                skipped.append(tenant.slug)
                continue
            template = create_template({"name": master.name, "items": master.items, "recurrence": master.recurrence,
                                        "assign_on": master.assign_on}, master_id=master.id)
            created[tenant.slug] = str(template.id)
    return {"created": created, "skipped": skipped}
