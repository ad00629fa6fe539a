"""Background work. `HRBPO_JOBS=inline` (the embedded default) runs a job at
once in the caller; `rq` queues it on Redis for `rq worker hrbpo`.

Periodic tasks come from the plugins' `periodic_tasks` hook and run per tenant
for the tenants that switched the module on (`flask hrbpo jobs run`, from cron).
"""
import sqlalchemy as sa
from flask import current_app

from hrbpo.core import tenancy
from hrbpo.core.db import db
from hrbpo.core.plugins.manager import plugins


def enqueue(func, *args, **kwargs):
    """Run `func(*args, **kwargs)` in the background (or now, inline)."""
    if current_app.config["HRBPO_JOBS"] == "rq":
        from redis import Redis
        from rq import Queue

        queue = Queue("hrbpo", connection=Redis.from_url(current_app.config["HRBPO_REDIS_URL"]))
        return queue.enqueue(f"{func.__module__}.{func.__qualname__}", *args, **kwargs)
    return func(*args, **kwargs)


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
