"""The cross-tenant work queue: what plugins say needs BPO attention."""
from datetime import date

import sqlalchemy as sa
from flask import render_template

from hrbpo.core import tenancy
from hrbpo.core.db import db
from hrbpo.core.ops.blueprint import bp
from hrbpo.core.plugins.manager import plugins
from hrbpo.core.request_cache import request_cache
from hrbpo.core.tenants.models import Tenant, TenantModule


def work_items() -> list:
    """Every tenant's `work_queue` answers, asking only tenants with a module on."""
    with tenancy.all_tenants():
        rows = db.session.execute(
            sa.select(Tenant, TenantModule.name).join(TenantModule, TenantModule.tenant_id == Tenant.id)
            .where(TenantModule.enabled.is_(True)).order_by(Tenant.slug)
        ).all()
    installed = set(plugins().modules)
    tenants, enabled = {}, {}
    for tenant, name in rows:
        tenants[tenant.id] = tenant
        enabled.setdefault(tenant.id, set()).update({name} & installed)
    items = []
    for tenant_id, tenant in tenants.items():
        if not enabled[tenant_id]:
            continue
        # Known already: spare tenant_hook its per-tenant query.
        request_cache(("modules", tenant_id), lambda: enabled[tenant_id])
        with tenancy.tenant_context(tenant):
            items.extend(plugins().tenant_hook(tenant, "work_queue")())
    return sorted(items, key=lambda i: (i.due_on is None, i.due_on.toordinal() if i.due_on else 0, i.tenant_slug))


@bp.get("/queue")
def queue():
    return render_template("ops/queue.html", items=work_items(), today=date.today())
