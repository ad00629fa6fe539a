"""Periodic work: the plugins' `periodic_tasks` hook, run per tenant for the
tenants that switched the module on (`flask hrbpo jobs run`, from cron)."""
import sqlalchemy as sa

from hrbpo.core import tenancy
from hrbpo.core.db import db
from hrbpo.core.plugins.manager import plugins


def run_periodic(only: str | None = None) -> list[str]:
    """Run every periodic task for every tenant that has its module on."""
    from hrbpo.core.tenants.models import Tenant
    from hrbpo.core.tenants.services import enabled_modules

    report = []
    tasks = [t for t in plugins().call("periodic_tasks") if only in (None, t.name)]
    tenants = db.session.scalars(sa.select(Tenant).order_by(Tenant.slug)).all()
    for tenant in tenants:
        on = enabled_modules(tenant)
        for task in tasks:
            if task.module not in on:
                continue
            with tenancy.tenant_context(tenant):
                summary = task.run(tenant)
                db.session.commit()
            report.append(f"{tenant.slug} {task.name}: {summary}")
    return report
